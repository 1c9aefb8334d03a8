"""Tests of paths, settings and presets."""
