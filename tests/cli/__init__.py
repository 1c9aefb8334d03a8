"""Tests of the ``openmaas`` command's subcommands, run in-process and as a process."""
