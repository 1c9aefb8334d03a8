"""Sessions in memory: titles, context and running totals."""

from __future__ import annotations

from openmaas_tui.core.conversation import NEW_TITLE, Session, Totals, title_from
from openmaas_tui.core.types import Role, Usage


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
    totals.add(Usage(input_tokens=10, output_tokens=5), 0.001)
    totals.add(Usage(input_tokens=3, output_tokens=None), 0.0005)
    assert (totals.input_tokens, totals.output_tokens) == (13, 5)
    assert abs(totals.cost_usd - 0.0015) < 1e-12 and totals.cost_known
    totals.add(Usage(input_tokens=1, output_tokens=1), None)
    assert not totals.cost_known
    assert not totals.estimated
    totals.add(Usage(), 0.0, estimated=True)
    assert totals.estimated


def test_session_ids_are_unique() -> None:
    assert len({Session(model="demo").id for _ in range(5)}) == 5


def test_the_total_cost_says_what_it_is() -> None:
    totals = Totals()
    assert totals.cost_text == "$0"
    totals.add(Usage(input_tokens=10, output_tokens=5), 0.0042)
    assert totals.cost_text == "$0.0042"
    totals.add(Usage(input_tokens=1, output_tokens=1), 0.0, estimated=True)
    assert totals.cost_text == "≈$0.0042"
    totals.add(Usage(input_tokens=1, output_tokens=1), None)
    assert totals.cost_text == "price unknown"
