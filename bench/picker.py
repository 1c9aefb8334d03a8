"""How quickly the model picker (ctrl+l) lists a big catalog, and narrows it as one types.

Builds the picker's list with 1,000, 5,000 and 20,000 discovered models (``ollama/model-N``)
after the shipped catalog, then prints, per size:

- facts, first: each model's route, price (the shipped ``pricing.toml``) and context window
  found, as the dialog's thread does on the first opening;
- facts, again: the rows of a later opening (each model's facts kept);
- filter: matching one typed query against every row's search text (what each keystroke
  does), the median of 20 runs;
- draw 200: the rows shown at a time (:data:`~openmaas_tui.ui.screens.model_dialog.SHOWN`)
  turned into the lines of the list.

Aim: filter + draw 200 well under a frame (16 ms) at 20,000 models; the first opening's facts
run in a thread, off the screen's loop.
Run: ``python bench/picker.py``.
"""

from __future__ import annotations

import statistics
import time

from openmaas_tui.core.models.catalog import ModelInfo
from openmaas_tui.core.models.choices import ModelChoices
from openmaas_tui.core.models.picker_rows import KeyState, PickerFacts
from openmaas_tui.core.pricing.prices import PriceTable
from openmaas_tui.ui.screens.model_dialog import SHOWN, row_text

SIZES = (1_000, 5_000, 20_000)
WIDTH = 96
"""Cells of a row (the dialog at 100 columns)."""


def _ms(start: float) -> float:
    return (time.perf_counter() - start) * 1000


def run(size: int, prices: PriceTable) -> None:
    """Print the figures for a list of ``size`` discovered models."""
    choices = ModelChoices(dict)
    for i in range(size):
        choices.add(ModelInfo(f"model-{i:05d}", "ollama"))
    pairs = choices.pairs
    keys = {"ollama": KeyState.NOT_NEEDED, "openai": KeyState.MISSING}
    facts = PickerFacts(choices, prices)
    start = time.perf_counter()
    rows = facts.rows(pairs, keys)
    first = _ms(start)
    start = time.perf_counter()
    rows = facts.rows(pairs, keys)
    again = _ms(start)
    haystacks = [row.haystack for row in rows]  # found once per opening, as the dialog does
    filters = []
    for _ in range(20):
        start = time.perf_counter()
        words = "model 12".split()
        found = [r for r, h in zip(rows, haystacks, strict=True) if all(w in h for w in words)]
        shown = found[:SHOWN]
        filters.append(_ms(start))
    start = time.perf_counter()
    for row in rows[:SHOWN]:
        row_text(row, WIDTH)
    draw = _ms(start)
    print(
        f"{len(rows):>6,} models  facts, first {first:7.1f} ms  facts, again {again:6.1f} ms  "
        f"filter {statistics.median(filters):5.1f} ms ({len(shown)} shown)  "
        f"draw {SHOWN} {draw:5.1f} ms"
    )


def main() -> None:
    prices = PriceTable.load()
    for size in SIZES:
        run(size, prices)


if __name__ == "__main__":
    main()
