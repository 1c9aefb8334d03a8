"""How one row of the sessions list is drawn: its two lines of text, and a line as a strip."""

from __future__ import annotations

from rich.console import Console
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.strip import Strip

from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.core.text.terminal import terminal_safe

SOURCE_MARKS: dict[SessionSource, str] = {
    SessionSource.ASK: "⌁ ask",
    SessionSource.COMPARE: "⇄ cmp",
    SessionSource.GATEWAY: "⇆ gw",
    SessionSource.IMPORT: "⤓ imp",
}
"""The mark of a session started elsewhere than the playground (whose chats have none)."""

STRIPS_KEPT = 512
"""Most drawn row lines a list keeps (a few screens' worth)."""

STREAMING_MARK = "● "
"""Put before the title of a chat while an answer streams in it."""


def session_line(session: Session, *, streaming: bool = False) -> tuple[Text, Text]:
    """A row's two lines: ``title`` over ``$cost · model`` (the cost first: a long model name
    is the part that gets cut), the second led by where the session came from unless the
    playground started it, the first by :data:`STREAMING_MARK` while ``streaming``. Plain
    text: nothing in a title is read as markup."""
    cost = session.totals.cost_text
    title, model = terminal_safe(session.title), terminal_safe(session.model)
    mark = SOURCE_MARKS.get(session.source)
    second = f"{cost} · {model}" if mark is None else f"{mark} · {cost} · {model}"
    first = Text(title)
    if streaming:
        first = Text.assemble((STREAMING_MARK, "bold"), title)
    return first, Text(second, style="dim")


def row_text(session: Session, *, streaming: bool = False) -> str:
    """A row as plain text, its two lines joined by a newline."""
    return "\n".join(line.plain for line in session_line(session, streaming=streaming))


def row_strip(console: Console, line: Text, style: Style, width: int) -> Strip:
    """One line of a row: ``line`` in ``style`` (its own styles over it), cut with an
    ellipsis to fit ``width`` less a cell of padding each side; the padding and the rest of
    the line take only the background."""
    line = line.copy()
    line.truncate(max(0, width - 2), overflow="ellipsis")
    text_style = style + console.get_style(line.style)
    fill = Style(bgcolor=style.bgcolor)
    segments = [Segment(" ", fill), *Segment.apply_style(line.render(console, end=""), text_style)]
    return Strip(segments).extend_cell_length(width, fill).crop(0, width)
