"""Tests of prices and costs."""
