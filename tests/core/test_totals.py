"""One shape for summed tokens and cost: a session in memory, the same session in the history,
a compare run."""

from __future__ import annotations

from pathlib import Path

from openmaas_tui.core.compare.export import summary_json
from openmaas_tui.core.compare.summary import Row, Summary
from openmaas_tui.core.exchange.record import AnswerRecord
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.store_map import message_from_stored
from openmaas_tui.core.totals import Totals, total
from openmaas_tui.core.types import Role, Usage


def test_one_answer_counts_as_priced_or_unknown() -> None:
    priced = Totals.of_answer(Usage(10, 5, 4, 2), 0.25)
    assert (priced.answers, priced.priced, priced.unknown) == (1, 1, 0)
    assert (priced.cached_input_tokens, priced.reasoning_tokens) == (4, 2)
    unknown = Totals.of_answer(None, None, estimated=True)
    assert (unknown.answers, unknown.priced, unknown.unknown, unknown.cost_usd) == (1, 0, 1, 0.0)
    both = total([priced, unknown])
    assert both.cost_text == "price unknown"
    assert both.known_cost_text == "≈$0.25"
    assert both.breakdown_text == "≈$0.25 + 1 answer with unknown price"


def test_the_history_sums_a_session_as_memory_does(tmp_path: Path) -> None:
    store = Store(tmp_path / "history.db", clock=lambda: 1_767_268_800.0)
    session = store.create_session()
    for cost, estimated in ((0.5, False), (0.25, True), (None, False)):
        store.add_message(session.id, Role.USER, "question")
        answer = store.add_message(session.id, Role.ASSISTANT)
        store.finish_message(
            answer,
            AnswerRecord("answer", usage=Usage(10, 5, 2, 1), cost_usd=cost, estimated=estimated),
        )
    [listed] = store.list_sessions()
    in_memory = total(
        Totals.of_answer(m.usage, m.cost_usd, estimated=m.estimated)
        for m in map(message_from_stored, store.messages(session.id))
        if m.role == Role.ASSISTANT
    )
    store.close()
    assert listed.message_count == 6
    assert listed.totals == in_memory
    assert (listed.totals.answers, listed.totals.priced, listed.totals.unknown) == (3, 2, 1)
    assert listed.totals.input_tokens == 30 and listed.totals.cost_usd == 0.75


def _row(index: int, cost_usd: float | None) -> Row:
    return Row(
        index, f"m{index}", "p", f"m{index}", "done", None, 5.0, 9.0, 10, 20, False, 1.0, cost_usd
    )


def test_a_compare_run_totals_its_lanes_and_any_unknown_cost_makes_it_unknown() -> None:
    known = Summary((_row(0, 0.5), _row(1, 0.25)), 1, 0, 0)
    assert (known.totals.output_tokens, known.totals.cost_usd) == (40, 0.75)
    assert summary_json(known)["total_cost_usd"] == 0.75
    unknown = Summary((_row(0, 0.5), _row(1, None)), 0, 0, 0)
    assert unknown.totals.unknown == 1
    assert summary_json(unknown)["total_cost_usd"] is None
