"""Headless subcommands of ``openmaas``: one module each, printing with Rich."""
