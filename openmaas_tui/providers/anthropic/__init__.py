"""Anthropic Messages: the adapter, its SSE events, wire facts and token counting."""
