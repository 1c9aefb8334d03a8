"""Command-line values checked where they enter, and usage errors said like every other error.

A flag's value is refused by its argparse ``type`` before anything runs: ``--temperature nan``,
``--top-p inf``, ``--max-tokens -1`` or ``--max-tokens 1000000000000000000000`` never reach a
request, a JSON body or SQLite. A refused value, an unknown option or an argument that is not
UTF-8 text (undecodable bytes in argv) is a usage error: one line with its code, a hint, and
exit status 2, as argparse gives::

    error INVALID_REQUEST: openmaas ask: argument --temperature: temperature must be between 0 and 2
      hint: `openmaas ask --help` lists the options
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from typing import NoReturn, TextIO

from openmaas_tui.core.config.numbers import SQLITE_INTEGER_MAX, check_whole
from openmaas_tui.core.config.text import NotText, check_text, decode_utf8
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.request_params import check_count, check_number

EXIT_USAGE = 2
"""The exit status of a usage error (argparse's)."""

MOST_DAYS = 36_600
"""The longest ``--days`` span: a hundred years."""


class Parser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose usage errors read ``error INVALID_REQUEST: …``
    with a hint, on stderr, exit status 2 (its subcommands' parsers are of this class too)."""

    def error(self, message: str) -> NoReturn:
        """Print ``message`` as an INVALID_REQUEST usage error and exit with status 2."""
        self.exit(
            EXIT_USAGE,
            f"error {ErrorCode.INVALID_REQUEST}: {self.prog}: {message}\n"
            f"  hint: `{self.prog} --help` lists the options\n",
        )


def decimal(name: str) -> Callable[[str], float]:
    """The argparse ``type`` of request parameter ``name`` (``temperature``, ``top_p``): a
    finite number in its range (:data:`~openmaas_tui.core.models.request_params.RANGES`)."""

    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{name} must be a number, not {text!r}") from None
        try:
            return check_number(name, value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def count(name: str) -> Callable[[str], int]:
    """The argparse ``type`` of request parameter ``name`` (``max_tokens``): a whole number in
    its range (:data:`~openmaas_tui.core.models.request_params.COUNT_MINIMUM` and ``MAXIMUM``)."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number, not {text[:40]!r}"
            ) from None
        try:
            return check_count(name, value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None

    return parse


def whole(name: str, low: int = 1, high: int = SQLITE_INTEGER_MAX) -> Callable[[str], int]:
    """The argparse ``type`` of a whole-number option such as ``--days`` or ``--limit``."""

    def parse(text: str) -> int:
        try:
            return check_whole(name, int(text), low, high)
        except ValueError:
            raise argparse.ArgumentTypeError(
                f"{name} must be a whole number from {low} to {high}, not {text[:40]!r}"
            ) from None

    return parse


def check_text_arguments(parser: argparse.ArgumentParser, args: argparse.Namespace) -> None:
    """Refuse (as a usage error) any argument that is not UTF-8 text: bytes argv could not
    decode arrive as lone surrogates (PEP 383) and would fail later, in SQLite or a file."""
    for name, value in vars(args).items():
        values = value if isinstance(value, list) else [value]
        for item in values:
            if isinstance(item, str):
                try:
                    check_text(item)
                except NotText as exc:
                    parser.error(f"argument {name}: {exc}")


def read_stdin_text(stdin: TextIO) -> str:
    """All of ``stdin`` as text, its bytes decoded as strict UTF-8 (a stream without bytes
    beneath, as in tests, is checked for lone surrogates instead).

    Raises:
        OpenMaaSError: INVALID_REQUEST naming the line, column and byte when it is not UTF-8.
    """
    buffer = getattr(stdin, "buffer", None)
    try:
        if buffer is not None:
            return decode_utf8(buffer.read())
        return check_text(stdin.read())
    except NotText as exc:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"stdin: {exc}",
            hint="convert it to UTF-8 first, e.g. `iconv -f latin1 -t utf-8 FILE | openmaas …`",
        ) from None
