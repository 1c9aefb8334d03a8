"""LiveMarkdown: after a stream ends, what is on screen equals a fresh ``Markdown(text)``.

Incremental Markdown state is where streaming chat UIs usually go wrong, so each document is
fed in many chunkings (one character at a time, word-like tokens, random cuts) with an update
after every piece, and the final screen lines are compared with a plain Markdown widget's.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from textual.app import App, ComposeResult
from textual.widgets import Markdown

from openmaas_tui.ui import live_markdown
from openmaas_tui.ui.live_markdown import LiveMarkdown

WIDTH = 72

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

- a
- b

1) one
2) two

Term
: not a definition list in gfm

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


class Pair(App[None]):
    """A LiveMarkdown above a Markdown rendering the same text at once."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield LiveMarkdown(id="live")
        yield Markdown(self.text, id="full")


def _lines(app: App[None], selector: str) -> list[str]:
    strips = app.screen._compositor.render_strips()
    region = app.query_one(selector).region
    return [strip.text for strip in strips[region.y : region.bottom]]


async def _stream(text: str, pieces: list[str]) -> None:
    """Feed ``pieces`` with an update after each, finish, and compare with a full render."""
    assert "".join(pieces) == text
    app = Pair(text)
    async with app.run_test(size=(WIDTH, 250)) as pilot:
        live = app.query_one(LiveMarkdown)
        for piece in pieces:
            live.append(piece)
            await live.render_pending()
        await live.finish()
        await pilot.pause()
        assert live.source == text
        full = _lines(app, "#full")
        assert len(full) < 240, "the screen must hold the whole document"
        assert _lines(app, "#live") == full


def _chars(text: str) -> list[str]:
    return list(text)


def _tokens(text: str) -> list[str]:
    """Pieces shaped like LLM tokens: a word with its leading space, punctuation, newlines."""
    return re.findall(r" ?\w+| ?[^\w\s]+|\s+?", text)


def _random_cuts(text: str, seed: int) -> list[str]:
    rng = random.Random(seed)
    cuts = sorted(rng.sample(range(1, len(text)), k=min(len(text) - 1, len(text) // 7)))
    return [text[a:b] for a, b in zip([0, *cuts], [*cuts, len(text)], strict=True)]


DOCUMENTS = {"mixed": MIXED, "tricky": TRICKY, "late_reference": LATE_REFERENCE}


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_one_character_at_a_time(name: str) -> None:
    await _stream(DOCUMENTS[name], _chars(DOCUMENTS[name]))


@pytest.mark.parametrize("name", DOCUMENTS)
async def test_token_like_pieces(name: str) -> None:
    await _stream(DOCUMENTS[name], _tokens(DOCUMENTS[name]))


@pytest.mark.parametrize("chunk_blocks", [1, 2, 3])
async def test_chunk_boundaries_keep_the_margins(
    chunk_blocks: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Blocks split over many chunk widgets still collapse their margins as one document."""
    monkeypatch.setattr(live_markdown, "CHUNK_BLOCKS", chunk_blocks)
    await _stream(MIXED, _tokens(MIXED))
    await _stream(MIXED, [MIXED])


async def test_a_fence_left_open_and_other_endings() -> None:
    await _stream(OPEN_FENCE, _chars(OPEN_FENCE))
    no_newline = "Ends without a newline: *em*"
    await _stream(no_newline, _chars(no_newline))
    await _stream("", [])


async def test_carriage_returns_split_across_pieces() -> None:
    text = MIXED.replace("\n", "\r\n")
    await _stream(text, _chars(text))
    old_mac = "one\rtwo\r\rthree\r"
    await _stream(old_mac, _chars(old_mac))


@settings(
    max_examples=6,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(seed=st.integers(min_value=0, max_value=2**32 - 1), name=st.sampled_from(list(DOCUMENTS)))
async def test_random_chunkings(seed: int, name: str) -> None:
    text = DOCUMENTS[name]
    await _stream(text, _random_cuts(text, seed))


async def test_the_work_per_update_does_not_grow_with_the_answer() -> None:
    """A long answer fed one token per update: only the open block is parsed each time, and
    finished blocks go into chunks of bounded size."""
    text = "".join(f"Paragraph {i} says something.\n\n- item {i}\n- another\n\n" for i in range(60))
    app = Pair("")
    async with app.run_test(size=(WIDTH, 40)):
        live = app.query_one(LiveMarkdown)
        pieces = _tokens(text)
        for piece in pieces:
            live.append(piece)
            await live.render_pending()
        await live.finish()
        assert live.updates == len(pieces) + 1
        assert live.parsed_chars < 100 * len(text)  # a full re-parse would be ~len(pieces)x
        chunks = live.chunks
        assert len(chunks) == -(-120 // live_markdown.CHUNK_BLOCKS)
        assert all(len(chunk.children) <= live_markdown.CHUNK_BLOCKS for chunk in chunks)


async def test_appends_are_coalesced_by_the_timer() -> None:
    app = Pair("")
    async with app.run_test(size=(WIDTH, 100)) as pilot:
        live = app.query_one(LiveMarkdown)
        for i in range(500):
            live.append(f"word{i} ")
        assert live.updates == 0  # append only buffers
        await pilot.pause(0.2)
        assert 1 <= live.updates <= 3
        assert "word499" in "".join(_lines(app, "#live"))
        updates = live.updates
        await pilot.pause(0.2)
        assert live.updates == updates  # idle: no work
