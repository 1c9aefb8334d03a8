"""Mistral chat completions (La Plateforme)."""
