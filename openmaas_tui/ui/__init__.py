"""The Textual front end: it turns engine events into widgets and keys into engine calls."""
