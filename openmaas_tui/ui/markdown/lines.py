"""Markdown drawn into lines: Rich's Markdown renderer fed with tokens parsed elsewhere, so a
streamed answer can be drawn block by block (see :mod:`openmaas_tui.ui.markdown.live`).

Rich draws top-level blocks one after another, separated by a blank line when the element that
closed last asks for one (``new_line``); :func:`render_tokens` reproduces that rule for a block
drawn on its own, so blocks drawn one by one give the lines of one render of the whole text
(:func:`render_markdown`).
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import ClassVar

from markdown_it import MarkdownIt
from markdown_it.token import Token
from rich.console import Console, ConsoleOptions, RenderResult
from rich.markdown import Heading, Markdown, MarkdownElement, UnknownElement
from rich.style import Style
from rich.theme import Theme
from textual.strip import Strip

from openmaas_tui.core.text.terminal import terminal_safe
from openmaas_tui.ui.markdown.theme import default_markdown_styles

CODE_THEME = "monokai"
"""Pygments theme of fenced code."""


class _Heading(Heading):
    """Headings left-aligned, as a chat answer reads (Rich centres them, boxes ``#`` and puts
    an extra blank line above ``##``)."""

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        text = self.text
        text.justify = "left"
        yield text


class AnswerMarkdown(Markdown):
    """Rich's Markdown renderer, fed with tokens parsed elsewhere (so a block can be drawn on its
    own, with the link references of the whole answer), and with left-aligned headings."""

    elements: ClassVar[dict[str, type[MarkdownElement]]] = {
        **Markdown.elements,
        "heading_open": _Heading,
    }

    def __init__(self, tokens: Sequence[Token]) -> None:
        # Rich's constructor builds a parser and parses; the tokens are already parsed here.
        self.markup = ""
        self.parsed = list(tokens)
        self.code_theme = CODE_THEME
        self.justify = None
        self.style = "none"
        self.hyperlinks = True
        self.inline_code_lexer = None
        self.inline_code_theme = CODE_THEME


def make_parser() -> MarkdownIt:
    """The parser Rich's Markdown uses: CommonMark with tables and strikethrough."""
    return MarkdownIt().enable("strikethrough").enable("table")


_PARSER: list[MarkdownIt] = []


def parser() -> MarkdownIt:
    """The shared parser (a parse keeps its state in the call, so one serves all)."""
    if not _PARSER:
        _PARSER.append(make_parser())
    return _PARSER[0]


def block_starts(tokens: list[Token]) -> list[int]:
    """Indexes of the tokens that open a top-level block (they carry its line range)."""
    return [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map]


def ends_with_new_line(tokens: Sequence[Token]) -> bool:
    """Whether Rich puts a blank line after these blocks (its last element's ``new_line``)."""
    last = tokens[-1]
    return bool(AnswerMarkdown.elements.get(last.type, UnknownElement).new_line)


def render_tokens(
    tokens: Sequence[Token],
    console: Console,
    width: int,
    *,
    blank_first: bool = False,
    first: bool = False,
    base: Style | None = None,
    styles: Theme | None = None,
) -> list[Strip]:
    """Draw parsed blocks ``width`` cells wide; ``blank_first`` adds the separating blank line
    Rich would put before them after a block whose element has ``new_line``. With ``first``
    (nothing is drawn above these blocks) empty lines at the top are left out, such as the one
    Rich puts above a list or quote that opens a text. With ``base`` (the widget's style), lines
    are padded to ``width`` and drawn over it, ready to show. ``styles`` colour the Markdown
    elements (:func:`~openmaas_tui.ui.markdown.theme.markdown_styles` of the app's theme;
    default: Textual's default theme's)."""
    if not tokens or width <= 0:
        return []
    if blank_first:
        # Rich puts the blank line before a block if the last element closed before the block
        # closes asks for one: for a list, quote or table that is one of its own parts, not the
        # previous block. A one-line paragraph drawn first (its line dropped) sets that state.
        tokens = [*parser().parse("x\n"), *tokens]
    options = console.options.update(width=width, height=None)
    with console.use_theme(styles or default_markdown_styles()):
        lines = console.render_lines(AnswerMarkdown(tokens), options, pad=False, new_lines=False)
    if blank_first:
        lines = lines[1:]
    if first:
        while lines and not any(segment.text for segment in lines[0]):
            lines = lines[1:]
    strips = [Strip(line) for line in lines]
    if base is not None:
        strips = [strip.extend_cell_length(width).apply_style(base) for strip in strips]
    return strips


def render_markdown(
    text: str, console: Console, width: int, styles: Theme | None = None
) -> list[Strip]:
    """The lines of one render of the whole ``text`` (what :class:`LiveMarkdown` must equal),
    coloured by ``styles`` (see :func:`render_tokens`). Control characters are drawn visible and
    inert (:func:`~openmaas_tui.core.text.terminal.terminal_safe`), as :class:`LiveMarkdown`
    draws them."""
    normal = terminal_safe(text.replace("\r\n", "\n").replace("\r", "\n"))
    return render_tokens(parser().parse(normal), console, width, first=True, styles=styles)


WARM_UP_SAMPLE = """# Heading

Some *text* with `code`.

- a list

| a | b |
|---|---|
| 1 | 2 |

```python
print("hello")
```
"""


def warm_up(width: int = 80) -> None:
    """Draw a small sample once (in a thread, while nothing streams): the first code fence,
    table and list otherwise pay for imports (the syntax highlighter's lexers) in the middle of
    the first answer."""
    console = Console(file=io.StringIO(), width=width, color_system="truecolor")
    render_tokens(make_parser().parse(WARM_UP_SAMPLE), console, width, first=True)
