"""How fast text is made safe for the terminal
(:func:`~openmaas_tui.core.text.terminal.terminal_safe`).

Three texts of 10 MB: ASCII prose, prose with accents and CJK (no control characters), and
prose with an escape sequence every 40 characters (hostile). Prints the median of ``--repeat``
runs in ms and the throughput in MB/s.

Usage: ``python bench/terminal_text.py [--repeat 5]``
"""

from __future__ import annotations

import argparse
import statistics
import time

from openmaas_tui.core.text.terminal import terminal_safe

SIZE = 10_000_000
"""Characters in each text."""


def _text(unit: str) -> str:
    return (unit * (SIZE // len(unit) + 1))[:SIZE]


TEXTS = {
    "ascii prose": _text("the quick brown fox jumps over the lazy dog. "),
    "unicode prose": _text("naïve café, 日本語のテキスト, emoji 👩‍💻 and more; "),
    "hostile": _text("answer \x1b[2J text \x1b]52;c;QUJD\x07 more \u202e "),
}


def main() -> None:
    """Print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    for name, text in TEXTS.items():
        times = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            terminal_safe(text)
            times.append(time.perf_counter() - start)
        median = statistics.median(times)
        print(f"{name:>14}: {median * 1000:7.1f} ms for 10 MB ({SIZE / median / 1e6:,.0f} MB/s)")


if __name__ == "__main__":
    main()
