"""Token counting with tiktoken (offline) and the pre-send estimate."""
