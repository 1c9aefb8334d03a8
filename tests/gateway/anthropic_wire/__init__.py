"""Tests of the Anthropic Messages translation: requests read, answers and errors written,
checked by the official ``anthropic`` SDK."""
