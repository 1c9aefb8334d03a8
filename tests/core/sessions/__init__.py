"""Tests of sessions, their export and import."""
