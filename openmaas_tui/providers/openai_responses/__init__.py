"""OpenAI Responses API adapter."""
