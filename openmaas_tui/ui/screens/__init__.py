"""The app's screens and their dialogs."""
