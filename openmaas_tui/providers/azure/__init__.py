"""Azure OpenAI adapter: Chat Completions and Responses at a resource endpoint."""
