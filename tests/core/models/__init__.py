"""Tests of provider specs, the catalog, capabilities, request parameters."""
