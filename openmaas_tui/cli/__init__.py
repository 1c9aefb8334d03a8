"""The ``openmaas`` command: argument parsing and one module per subcommand, printing with Rich."""
