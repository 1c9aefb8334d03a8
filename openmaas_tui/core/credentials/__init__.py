"""API keys in the OS keyring or memory, and their masking everywhere."""
