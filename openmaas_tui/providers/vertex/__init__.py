"""Gemini on Google Cloud Vertex AI: the Gemini wire format at a Vertex AI endpoint."""
