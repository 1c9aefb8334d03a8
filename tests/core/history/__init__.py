"""Tests of the SQLite history."""
