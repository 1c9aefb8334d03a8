"""Cohere v2 chat."""
