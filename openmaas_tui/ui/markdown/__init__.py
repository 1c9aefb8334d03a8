"""Markdown that grows as it streams, drawn into lines."""
