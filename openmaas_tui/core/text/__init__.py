"""Text from outside (models, providers, imported files) made safe to show on a terminal."""
