"""Tests of the exchange pipeline."""
