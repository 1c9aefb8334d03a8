"""The widgets screens are built from."""
