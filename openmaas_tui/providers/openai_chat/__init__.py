"""OpenAI Chat Completions and every OpenAI-compatible server."""
