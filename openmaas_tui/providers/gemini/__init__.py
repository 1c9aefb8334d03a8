"""Google Gemini generateContent: the adapter, its events and token counting."""
