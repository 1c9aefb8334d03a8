"""Prices with their dates and sources, and the cost of a usage."""
