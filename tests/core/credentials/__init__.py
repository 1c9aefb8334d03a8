"""Tests of keys and their masking."""
