"""LiveMarkdown: after a stream ends, its lines equal one render of the whole text.

Incremental Markdown state is where streaming chat UIs usually go wrong, so each document is
fed in many chunkings (one character at a time, token-like pieces, whole lines, random cuts)
with an update after every piece. After :meth:`LiveMarkdown.finish` the widget's lines must
equal :func:`render_markdown` of the source at the widget's content width, text and style,
segment by segment. While the text streams, the finished blocks' lines must never change and
must be a prefix of that final render (unless a link reference definition arrives late, which
:meth:`LiveMarkdown.finish` repairs by drawing everything again).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.pilot import Pilot
from textual.strip import Strip

from openmaas_tui.ui.markdown.lines import render_markdown
from openmaas_tui.ui.markdown.live import LiveMarkdown
from tests.support.ui import screen_lines

SIZE = (80, 40)

MIXED = """\
# A heading

Intro with *emphasis that
spans lines*, **strong**, `code`, ~~struck~~ and a [link](https://example.com).

## Lists

- alpha
- beta
  - nested one
  - nested two
    - deeper
- gamma

8. eight
9. nine
10. ten

- loose item

- another loose

  with a second paragraph

Setext heading
==============

Another one
-----------

| Column | Value | Notes |
|:-------|------:|-------|
| a | 1 | first |
| b | 22 | second *em* |
| c | 333 | third |

> A quote
> over lines
>
> > nested quote

```python
def f(x):
    return x * 2
```

    indented code
    block

***

Text before a rule
___

Final paragraph with **bold
across** a line.
"""

TRICKY = """\
Paragraph then a hash tag
#tag continues it, and
***bold*** continues it too.

```
fence with a ``` inside? no: ```not-a-close
still code
````

~~~ruby
tildes, with ``` inside
~~~

- a
- b

1) one
2) two

3. three

4. four
   continued

5. five

### Closed ATX ###
#### four
##### five
###### six

<div class="note">
an *html* block
</div>

<!-- a comment -->

Term
: not a definition list

Line with trailing spaces  
hard break above.
"""

LATE_REFERENCE = """\
See [the docs] and [Other][o].

A paragraph between.

- a list
- with [the docs]

[the docs]: https://example.com/docs
[o]: https://example.com/other "Title"
"""

OPEN_FENCE = """\
Some text.

```js
const x = 1;
// the fence is never closed
"""

OPEN_TILDES = "Before.\n\n~~~python\nx = 1\nno newline at the end"

DOCUMENTS = {
    "mixed": MIXED,
    "tricky": TRICKY,
    "late_reference": LATE_REFERENCE,
    "open_fence": OPEN_FENCE,
    "open_tildes": OPEN_TILDES,
}


class Host(App[None]):
    """One LiveMarkdown on a screen whose scrollbar is always shown, so the content width does
    not change when the text grows taller than the screen."""

    CSS = "Screen { overflow-y: scroll; }"

    def compose(self) -> ComposeResult:
        yield LiveMarkdown()


Cells = list[tuple[str, Style | None]]


def cells(strips: list[Strip], live: LiveMarkdown) -> list[Cells]:
    """Lines as the widget shows them (padded to its content width, over its style) in
    (text, style) runs: empty segments dropped, equal neighbours merged."""
    width, base = live.content_region.width, live.rich_style
    return [_cells(strip, width, base) for strip in strips]


def _cells(strip: Strip, width: int, base: Style) -> Cells:
    shown = strip.extend_cell_length(width).apply_style(base)
    return [(s.text, s.style) for s in Segment.simplify(s for s in shown if s.text)]


def full_render(app: App[None], live: LiveMarkdown) -> list[Strip]:
    return render_markdown(live.source, app.console, live.content_region.width)


@dataclass
class Fed:
    """What happened while a text was streamed into the widget."""

    frozen: list[list[Strip]] = field(default_factory=list)
    """The finished blocks' lines after each update, in order."""
    width: int = 0

    def check_frozen(self, live: LiveMarkdown, full: list[Strip]) -> None:
        """Every update's finished lines are a prefix of ``full``: drawn once, never changed."""
        width, base = live.content_region.width, live.rich_style
        expected = cells(full, live)
        seen: dict[int, Cells] = {}
        for step, frozen in enumerate(self.frozen):
            assert len(frozen) <= len(expected), f"update {step}: more lines than the final"
            for y, strip in enumerate(frozen):
                if id(strip) not in seen:
                    seen[id(strip)] = _cells(strip, width, base)
                assert seen[id(strip)] == expected[y], f"update {step}, line {y} differs"


async def feed(live: LiveMarkdown, pieces: list[str]) -> Fed:
    """Append ``pieces`` with an update after each, keeping the finished lines of each."""
    fed = Fed(width=live.content_region.width)
    for piece in pieces:
        live.append(piece)
        await live.render_pending()
        frozen = live._lines  # the finished blocks' lines; the tail's follow them
        assert live.lines[: len(frozen)] == frozen
        assert len(frozen) >= len(fed.frozen[-1] if fed.frozen else [])
        fed.frozen.append(list(frozen))
    assert live.content_region.width == fed.width, "the width must not change mid-stream"
    return fed


async def stream(text: str, pieces: list[str], *, late_reference: bool = False) -> None:
    """Feed ``pieces``, finish, and compare with a full render: exactly at the end and, unless
    a reference is defined late, the frozen lines as a prefix all along."""
    assert "".join(pieces) == text
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        fed = await feed(live, pieces)
        await live.finish()
        await pilot.pause()
        assert live.source == text
        full = full_render(app, live)
        assert live.content_region.width == fed.width
        assert cells(live.lines, live) == cells(full, live)
        if not late_reference:
            fed.check_frozen(live, full)


def chars(text: str) -> list[str]:
    return list(text)


def tokens(text: str) -> list[str]:
    """Pieces shaped like LLM tokens: a word with its leading space, punctuation, newlines."""
    return re.findall(r" ?\w+| ?[^\w\s]+|\s+?", text)


def lines(text: str) -> list[str]:
    return text.splitlines(keepends=True)


def random_cuts(text: str, rng: random.Random, every: int = 7) -> list[str]:
    if len(text) < 2:
        return [text] if text else []
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, len(text) // every)))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


CHUNKINGS: dict[str, Callable[[str], list[str]]] = {
    "chars": chars,
    "tokens": tokens,
    "lines": lines,
    "whole": lambda text: [text],
}


@pytest.mark.parametrize("chunking", CHUNKINGS)
@pytest.mark.parametrize("name", DOCUMENTS)
async def test_exact_after_finish_in_every_chunking(name: str, chunking: str) -> None:
    text = DOCUMENTS[name]
    await stream(text, CHUNKINGS[chunking](text), late_reference=name == "late_reference")


async def test_the_documents_exercise_what_they_claim() -> None:
    """The full renders hold what the documents are meant to test (so a parser change that
    turned them into plain paragraphs would not go unnoticed)."""
    app = Host()
    async with app.run_test(size=SIZE):
        text = "\n".join(s.text for s in render_markdown(MIXED + TRICKY, app.console, 76))
    for expected in (
        "8 eight",
        "10 ten",
        " a           1  first",
        "▌ ▌ nested quote",
        "def f(x):",
        "indented code",
    ):
        assert expected in text
    for expected in ("a hash tag #tag", "tildes, with ``` inside", "3 three", "5 five"):
        assert expected in text
    assert "Closed ATX" in text and "###" not in text.split("Closed ATX")[1].split("\n")[0]


@pytest.mark.parametrize("ending", ["\r\n", "\r"])
async def test_carriage_returns_split_across_pieces(ending: str) -> None:
    small = "one\ntwo\n\nthree\n- a\n\n```\nx\n```\n"
    mixed_endings = "a\r\nb\rc\n\r\n- d\r\r> e\r\n"
    for text in (small.replace("\n", ending), mixed_endings):
        await stream(text, chars(text))
    text = MIXED.replace("\n", ending)
    pieces = random_cuts(text, random.Random(len(text)), every=3)
    assert any(piece.endswith("\r") for piece in pieces)
    await stream(text, pieces)


async def test_a_table_whose_delimiter_row_arrives_later() -> None:
    """The header row is a paragraph until the delimiter row turns it into a table."""
    text = "Before.\n\n| a | b |\n|---|--:|\n| 1 | 2 |\n\nAfter.\n"
    pieces = ["Before.\n\n| a | b |\n", "|---", "|--:|\n", "| 1 | 2 |\n", "\nAfter.\n"]
    assert "".join(pieces) == text
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        live.append(pieces[0])
        await live.render_pending()
        assert any("| a | b |" in s.text for s in live.lines)  # a paragraph so far
        await feed(live, pieces[1:])
        await live.finish()
        await pilot.pause()
        assert not any("|" in s.text for s in live.lines)
        assert cells(live.lines, live) == cells(full_render(app, live), live)


async def test_a_late_reference_definition_is_repaired_by_finish() -> None:
    """Blocks drawn before a reference was defined show it as text; finish() redraws them."""
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        fed = await feed(live, lines(LATE_REFERENCE))
        assert any("[the docs]" in s.text for s in fed.frozen[-1])
        await live.finish()
        await pilot.pause()
        assert not any("[the docs]" in s.text for s in live.lines)
        assert cells(live.lines, live) == cells(full_render(app, live), live)


@pytest.mark.xfail(strict=True, reason="a reference title continued on later lines is not seen")
async def test_a_reference_title_over_several_lines() -> None:
    """``"multi`` after a definition starts a paragraph until ``line title"`` makes it the
    definition's title; the paragraph was frozen by then and stays on screen."""
    text = 'Text.\n\n[foo]: /url\n"multi\nline title"\n\nSee [foo].\n'
    await stream(text, lines(text))


NO_SHRINK = (Phase.explicit, Phase.reuse, Phase.generate)
"""Each example starts an app: shrinking a failure would take minutes, and the failing example
is small and printed anyway."""

BLOCKS = [
    "A paragraph with *emphasis\nover two* lines and `code`.",
    "#tag is text, not a heading",
    "# Heading one",
    "### Heading three ###",
    "Setext\n===",
    "Setext two\n---",
    "- a\n- b\n  - nested\n- c",
    "* loose\n\n* items",
    "7. seven\n8. eight",
    "1) one\n\n2) two\n   more",
    "```python\nx = 1\n\ny = 2\n```",
    "~~~\ntilde fence\n~~~",
    "```\nnever closed",
    "    indented\n    code",
    "| h | i |\n|---|:-:|\n| 1 | 2 |",
    "> quote\n> > nested\n> back",
    "***",
    "___",
    "<div>\nhtml *block*\n</div>",
    "**strong\nacross lines**",
    "Text with a hard break  \nafter it.",
]


@settings(
    max_examples=25,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    blocks=st.lists(st.sampled_from(BLOCKS), min_size=1, max_size=7),
    separators=st.lists(st.sampled_from(["\n", "\n\n", "\n\n\n"]), min_size=7, max_size=7),
    ending=st.sampled_from(["\n", "\r\n", "\r"]),
    seed=st.integers(min_value=0, max_value=2**32 - 1),
    every=st.integers(min_value=1, max_value=12),
)
async def test_random_documents_in_random_cuts(
    blocks: list[str], separators: list[str], ending: str, seed: int, every: int
) -> None:
    """Blocks of every kind, run together or apart (so lists meet paragraphs, fences swallow
    what follows), with any line ending, cut at random places."""
    text = "".join(b + s for b, s in zip(blocks, separators, strict=False))
    text = text.replace("\n", ending)
    await stream(text, random_cuts(text, random.Random(seed), every))


@settings(
    max_examples=8,
    deadline=None,
    phases=NO_SHRINK,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), name=st.sampled_from(list(DOCUMENTS)))
async def test_random_cuts_of_the_documents(seed: int, name: str) -> None:
    text = DOCUMENTS[name]
    pieces = random_cuts(text, random.Random(seed))
    await stream(text, pieces, late_reference=name == "late_reference")


async def test_the_work_per_update_does_not_grow_with_the_answer() -> None:
    """300 paragraphs streamed line by line: each update parses and draws only the open block,
    so the totals stay a small multiple of the text and of its blocks (re-parsing the whole
    answer per update would be some 300 times the text)."""
    paragraphs = [f"Paragraph {i} says something about item {i}." for i in range(300)]
    text = "".join(f"{p}\n\n" for p in paragraphs)
    longest = max(len(p) for p in paragraphs) + 2
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        parsed_per_update = []
        for piece in lines(text):
            before = live.parsed_chars
            live.append(piece)
            await live.render_pending()
            parsed_per_update.append(live.parsed_chars - before)
        await live.finish()
        await pilot.pause()
        assert live.updates == len(lines(text)) + 1
        assert max(parsed_per_update) <= 3 * longest
        assert live.parsed_chars <= 6 * len(text)
        assert live.drawn_blocks <= 4 * len(paragraphs)
        assert cells(live.lines, live) == cells(full_render(app, live), live)


async def test_the_work_stays_bounded_for_a_mixed_answer() -> None:
    """The mixed document eight times, a token per update: what one update parses is bounded
    by the largest block, not by what came before it."""
    text = "\n".join([MIXED] * 8)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        parsed_per_update = []
        for piece in tokens(text):
            before = live.parsed_chars
            live.append(piece)
            await live.render_pending()
            parsed_per_update.append(live.parsed_chars - before)
        await live.finish()
        await pilot.pause()
        first_copy = len(tokens(MIXED))
        assert max(parsed_per_update[first_copy:]) <= max(parsed_per_update[:first_copy]) + 10
        assert live.parsed_chars < 40 * len(text)  # a re-parse per update: about 600 times
        assert cells(live.lines, live) == cells(full_render(app, live), live)


async def wait_for_updates(pilot: Pilot[None], live: LiveMarkdown, count: int) -> None:
    for _ in range(200):
        if live.updates >= count:
            return
        await pilot.pause(0.02)
    raise AssertionError(f"{count} updates expected, {live.updates} done")


async def test_appends_are_coalesced_and_idle_costs_nothing() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        await pilot.pause(0.1)
        assert live.updates == 0  # nothing appended: no update
        for i in range(500):
            live.append(f"word{i} ")
        assert live.updates == 0  # append only buffers
        await wait_for_updates(pilot, live, 1)
        assert live.updates == 1  # one timed update took all 500 pieces
        assert "word499" in "".join(s.text for s in live.lines)
        await pilot.pause(0.2)
        assert live.updates == 1  # idle: no work
        live.append("more\n")
        await wait_for_updates(pilot, live, 2)
        await pilot.pause(0.2)
        assert live.updates == 2
        await live.finish()
        assert live.updates == 3
        assert cells(live.lines, live) == cells(full_render(app, live), live)


async def test_what_is_on_screen_is_the_lines() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        await feed(live, tokens(MIXED))
        await live.finish()
        await pilot.pause()
        region = live.content_region
        screen = screen_lines(app)
        shown = [line[region.x : region.right] for line in screen[region.y : 40]]
        expected = [s.text.ljust(region.width) for s in full_render(app, live)]
        assert len(expected) > 40
        assert shown == expected[: len(shown)]


async def settle(pilot: Pilot[None], live: LiveMarkdown, app: App[None]) -> None:
    """Let the widget catch up with a new width (it may draw in slices over a few updates),
    then require its lines to equal a full render at that width."""
    expected = cells(full_render(app, live), live)
    for _ in range(100):
        if len(live.lines) == len(expected):
            break
        await pilot.pause(0.02)
    assert cells(live.lines, live) == expected


async def test_a_new_width_mid_stream_redraws_at_that_width() -> None:
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        half = len(MIXED) // 2
        await feed(live, tokens(MIXED[:half]))
        wide = live.content_region.width
        await pilot.resize_terminal(50, 40)
        await pilot.pause()
        narrow = live.content_region.width
        assert narrow < wide
        assert max(s.cell_length for s in live.lines) <= narrow
        await feed(live, tokens(MIXED[half:]))
        await live.finish()
        await pilot.pause()
        assert cells(live.lines, live) == cells(render_markdown(MIXED, app.console, narrow), live)


@pytest.mark.parametrize("columns", [50, 120])
async def test_a_new_width_after_finish_redraws_everything(columns: int) -> None:
    """A long finished answer (more than one update draws at once, if drawing is sliced)."""
    text = "\n".join([MIXED] * 4)
    app = Host()
    async with app.run_test(size=SIZE) as pilot:
        live = app.query_one(LiveMarkdown)
        await feed(live, lines(text))
        await live.finish()
        await pilot.pause()
        before = live.content_region.width
        assert cells(live.lines, live) == cells(full_render(app, live), live)
        await pilot.resize_terminal(columns, 40)
        await pilot.pause()
        assert live.content_region.width != before
        await settle(pilot, live, app)


async def test_append_after_finish_raises() -> None:
    app = Host()
    async with app.run_test(size=SIZE):
        live = app.query_one(LiveMarkdown)
        live.append("done")
        await live.finish()
        with pytest.raises(RuntimeError):
            live.append("late")
        assert live.source == "done"
        await live.finish()  # a second finish changes nothing
        assert [s.text.rstrip() for s in live.lines] == ["done"]


async def test_nothing_appended() -> None:
    app = Host()
    async with app.run_test(size=SIZE):
        live = app.query_one(LiveMarkdown)
        await live.finish()
        assert live.lines == []
        assert live.source == ""


@pytest.mark.parametrize("opening", ["- a\n- b\n", "> quoted\n"])
async def test_an_answer_opening_with_a_list_or_quote_has_no_empty_first_line(
    opening: str,
) -> None:
    app = Host()
    async with app.run_test(size=SIZE):
        live = app.query_one(LiveMarkdown)
        live.append(opening + "\nafter\n")
        await live.finish()
        assert live.lines[0].text.strip() != ""
        assert [s.text.strip() for s in live.lines][-1] == "after"
