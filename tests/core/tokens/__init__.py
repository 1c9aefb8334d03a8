"""Tests of token counting."""
