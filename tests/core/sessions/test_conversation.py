"""Sessions in memory: titles, context and running totals."""

from __future__ import annotations

import pytest

from openmaas_tui.core.sessions.conversation import (
    NEW_TITLE,
    Session,
    SessionMessage,
    matches,
    search,
    title_from,
)
from openmaas_tui.core.totals import Totals
from openmaas_tui.core.types import Message, Role, Usage


def test_the_first_user_message_names_the_session() -> None:
    session = Session(model="demo")
    assert session.title == NEW_TITLE
    session.add_user("  Explain\nTCP   slow start  ")
    session.add_answer("It ramps up.")
    session.add_user("and congestion avoidance?")
    assert session.title == "Explain TCP slow start"
    assert [m.role for m in session.messages] == [Role.USER, Role.ASSISTANT, Role.USER]


def test_long_titles_are_cut_with_an_ellipsis() -> None:
    title = title_from("word " * 30)
    assert len(title) == 40 and title.endswith("…")
    assert title_from("   ") == NEW_TITLE


def test_an_empty_answer_adds_no_message_but_a_partial_one_does() -> None:
    session = Session(model="demo")
    session.add_user("hi")
    session.add_answer("")
    assert len(session.messages) == 1
    session.add_answer("Hel")
    assert session.messages[-1].text == "Hel"


def test_totals_add_up_and_an_unknown_price_is_never_zero() -> None:
    totals = Totals()
    totals += Totals.of_answer(Usage(input_tokens=10, output_tokens=5), 0.001)
    totals += Totals.of_answer(Usage(input_tokens=3, output_tokens=None), 0.0005)
    assert (totals.input_tokens, totals.output_tokens) == (13, 5)
    assert abs(totals.cost_usd - 0.0015) < 1e-12 and totals.cost_known
    totals += Totals.of_answer(Usage(input_tokens=1, output_tokens=1), None)
    assert not totals.cost_known
    assert not totals.estimated
    totals += Totals.of_answer(Usage(), 0.0, estimated=True)
    assert totals.estimated


def test_session_ids_are_unique() -> None:
    assert len({Session(model="demo").id for _ in range(5)}) == 5


def test_the_total_cost_says_what_it_is() -> None:
    totals = Totals()
    assert totals.cost_text == "$0"
    totals += Totals.of_answer(Usage(input_tokens=10, output_tokens=5), 0.0042)
    assert totals.cost_text == "$0.0042"
    totals += Totals.of_answer(Usage(input_tokens=1, output_tokens=1), 0.0, estimated=True)
    assert totals.cost_text == "≈$0.0042"
    totals += Totals.of_answer(Usage(input_tokens=1, output_tokens=1), None)
    assert totals.cost_text == "price unknown"


def _answer(text: str, **fields: object) -> SessionMessage:
    return SessionMessage(Role.ASSISTANT, text, **fields)  # type: ignore[arg-type]


def test_totals_are_those_of_the_answers_held_now() -> None:
    session = Session(model="demo")
    session.add_user("hi")
    first = session.add(_answer("a", usage=Usage(10, 5), cost_usd=0.001, billed=True))
    session.add_user("more")
    session.add(_answer("b", usage=Usage(20, 7), cost_usd=0.002, billed=True, estimated=True))
    totals = session.totals
    assert (totals.input_tokens, totals.output_tokens) == (30, 12)
    assert totals.cost_text == "≈$0.003"
    assert first is not None
    session.remove(first)
    assert session.totals.output_tokens == 7


def test_a_failed_answer_is_kept_but_not_sent_as_context() -> None:
    session = Session(model="demo")
    session.add_user("hi")
    failed = session.add(_answer("", error_code="AUTH_FAILED", error_message="bad key"))
    assert failed is not None and session.messages[-1] is failed
    assert session.context() == (Message.user("hi"),)
    assert session.add(_answer("")) is None  # nothing at all: not kept
    partial = session.add(_answer("Hel", stopped=True))
    assert partial is not None
    assert [m.text for m in session.context()] == ["hi", "Hel"]


def test_truncate_drops_the_message_and_everything_after() -> None:
    session = Session(model="demo")
    one = session.add_user("one")
    session.add_answer("1")
    two = session.add_user("one")  # the same text: still another message
    session.add_answer("2")
    assert session.index(two) == 2
    dropped = session.truncate(two)
    assert [m.text for m in dropped] == ["one", "2"]
    assert [m.text for m in session.messages] == ["one", "1"]
    assert session.messages[0] is one
    with pytest.raises(ValueError):
        session.index(two)


def test_clear_and_rename_keep_a_title() -> None:
    session = Session(model="demo")
    session.add_user("first question")
    session.rename("  My   chat ")
    assert session.title == "My chat"
    session.clear()
    assert session.messages == [] and session.title == "My chat"
    session.add_user("another")
    assert session.title == "My chat"
    session.rename("   ")
    assert session.title == NEW_TITLE
    session.add_user("names it again")
    assert session.title == "names it again"


def test_last_answer() -> None:
    session = Session(model="demo")
    assert session.last_answer() is None
    session.add_user("q")
    assert session.last_answer() is None
    answer = session.add_answer("a")
    assert session.last_answer() is answer


def test_search_matches_titles_and_messages_case_insensitively() -> None:
    tables = Session(model="demo")
    tables.add_user("Show me a table")
    tables.add_answer("| Algorithm | Big-O |")
    code = Session(model="demo")
    code.add_user("write some code")
    code.rename("Snippets")
    sessions = [tables, code]
    assert search(sessions, "ALGORITHM") == [tables]
    assert search(sessions, "snip") == [code]
    assert search(sessions, "some CODE") == [code]
    assert search(sessions, "") == sessions
    assert search(sessions, "nowhere") == []
    assert matches(code, "  ")
