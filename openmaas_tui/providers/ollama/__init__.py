"""Ollama's native chat API (NDJSON)."""
