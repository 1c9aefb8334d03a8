"""Tests of the local gateway behind ``openmaas serve``."""
