"""Tests of compare runs."""
