"""The cells the cost history's tables share (f4): a column's label, and a row's cost and
counts, drawn the same way in the table per model and the table per source."""

from __future__ import annotations

from collections.abc import Iterable

from rich.text import Text

from openmaas_tui.core.totals import Totals


def column_label(header: str, numeric: bool) -> Text:
    """A column's label, right-aligned over numbers."""
    return Text(header, justify="right" if numeric else "left")


def totals_cells(totals: Totals, counts: Iterable[int]) -> list[Text]:
    """The cost (``$1.23 + 4 answers with unknown price``, yellow when any price is unknown),
    then each of ``counts`` with thousands separators, right-aligned."""
    style = "yellow" if totals.unknown else ""
    cost = Text(totals.breakdown_text, justify="right", style=style)
    return [cost, *(Text(f"{n:,}", justify="right") for n in counts)]
