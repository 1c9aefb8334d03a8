"""Markdown that grows while it streams, at a cost per update that does not grow with its length.

:class:`LiveMarkdown` buffers appended text (O(1) per append) and a timer renders what is
pending about 30 times a second, and not at all when nothing arrives. Each update re-parses only
the *tail*: the text from the start of the last top-level block that may still change. A block
is finished once a later top-level block begins on a complete line (lines are parsed one after
another, so nothing that follows can change a block before it; the partial last line is never
trusted, since ``#`` alone is a heading but ``#tag`` continues a paragraph). Finished blocks are
built once into widgets and appended to a "chunk" (a :class:`~textual.widgets.Markdown` that
never parses) of at most :data:`CHUNK_BLOCKS` blocks; the tail's widgets are rebuilt per update
at the end of the current chunk. So per update the parser sees one block and the layout one
chunk, whatever the length of the answer.

The rendered result equals a fresh ``Markdown(source)`` at the same width:

- margins: Textual collapses vertical margins between siblings (the larger wins) but not across
  parents, so at each chunk boundary the first block's top margin and the last block's bottom
  margin move onto the chunk itself, where siblings collapse them as in one document;
- link reference definitions seen so far are passed to every tail parse; a definition that
  arrives after a block was frozen may change that block, so :meth:`LiveMarkdown.finish`
  renders everything again in that (rare) case.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.token import Token
from textual import events
from textual.geometry import Spacing
from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Markdown
from textual.widgets._markdown import MarkdownBlock

CHUNK_BLOCKS = 24
"""Most top-level blocks in one chunk widget: bounds the layout work of one update."""

UPDATE_INTERVAL_S = 1 / 30
"""How often pending text is rendered while it arrives."""


_PARSER: list[MarkdownIt] = []


def _parser() -> MarkdownIt:
    """The parser :class:`~textual.widgets.Markdown` uses by default (made once; a parse keeps
    its state in the call, so one instance serves every widget)."""
    if not _PARSER:
        _PARSER.append(MarkdownIt("gfm-like"))
    return _PARSER[0]


def _block_starts(tokens: list[Token]) -> list[int]:
    """Indexes of the tokens that open a top-level block (they carry its line range)."""
    return [i for i, t in enumerate(tokens) if t.level == 0 and t.nesting >= 0 and t.map]


def _drop_lines(text: str, count: int) -> str:
    """``text`` without its first ``count`` lines (lines end with ``\\n``)."""
    if count <= 0:
        return text
    parts = text.split("\n", count)
    return parts[count] if len(parts) > count else ""


class MarkdownChunk(Markdown):
    """A run of finished blocks (and, in the last chunk, the live tail's blocks).

    It never parses: :class:`LiveMarkdown` builds its blocks from tokens and mounts them.
    """

    DEFAULT_CSS = """
    MarkdownChunk { height: auto; }
    """

    async def _on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        # Markdown's own mount handler renders the initial document; a chunk has none.
        event.prevent_default()

    def build(self, tokens: Iterable[Token]) -> list[MarkdownBlock]:
        """Block widgets for ``tokens`` (as :class:`~textual.widgets.Markdown` builds them)."""
        return list(self._parse_markdown(tokens))


class LiveMarkdown(Widget):
    """Streaming Markdown: :meth:`append` text as it arrives, :meth:`finish` at the end.

    Args:
        name: The name of the widget.
        id: The ID of the widget in the DOM.
        classes: The CSS classes of the widget.
    """

    DEFAULT_CSS = """
    LiveMarkdown {
        height: auto;
        layout: vertical;
    }
    """

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._pieces: list[str] = []
        self._pending: list[str] = []
        self._tail = ""
        self._held_cr = False
        self._refs: dict[str, Any] = {}
        self._refs_when_frozen: set[str] | None = None
        self._chunks: list[MarkdownChunk] = []
        self._chunk_blocks = 0
        self._tail_widgets: list[MarkdownBlock] = []
        self._timer: Timer | None = None
        self._lock = asyncio.Lock()
        self._finished = False
        self.updates = 0
        """Renders done so far (for tests and benchmarks)."""
        self.parsed_chars = 0
        """Characters given to the parser so far (for tests and benchmarks)."""

    @property
    def source(self) -> str:
        """All the text appended so far."""
        if len(self._pieces) > 1:
            self._pieces[:] = ["".join(self._pieces)]
        return self._pieces[0] if self._pieces else ""

    @property
    def chunks(self) -> list[MarkdownChunk]:
        """The chunk widgets, in order."""
        return list(self._chunks)

    def append(self, text: str) -> None:
        """Add ``text`` at the end; it is rendered by the next timed update (O(1) here)."""
        if not text:
            return
        if self._finished:
            raise RuntimeError("LiveMarkdown.append after finish()")
        self._pieces.append(text)
        self._pending.append(text)
        if self._timer is not None:
            self._timer.resume()

    def on_mount(self) -> None:
        self._timer = self.set_interval(UPDATE_INTERVAL_S, self._tick, pause=not self._pending)

    async def _tick(self) -> None:
        if not self._pending:
            if self._timer is not None:
                self._timer.pause()
            return
        await self.render_pending()

    async def render_pending(self) -> None:
        """Render what is pending now rather than at the next timed update."""
        async with self._lock:
            if not self._finished and (self._pending or self._held_cr):
                await self._update_view(final=False)

    async def finish(self) -> None:
        """Render everything appended, as final (the partial last line is a line too)."""
        if self._timer is not None:
            self._timer.pause()  # not stop(): that would cancel an update halfway
        async with self._lock:
            if self._finished:
                return
            self._finished = True
            if self._timer is not None:
                self._timer.stop()
            await self._update_view(final=True)
            if self._refs_when_frozen is not None and set(self._refs) != self._refs_when_frozen:
                await self._render_all_again()

    # -- rendering ---------------------------------------------------------------------------

    def _take_pending(self, final: bool) -> None:
        """Move pending text into the tail, with line ends as the parser sees them."""
        text = "\r" if self._held_cr else ""
        text += "".join(self._pending)
        self._pending.clear()
        self._held_cr = not final and text.endswith("\r")
        if self._held_cr:
            text = text[:-1]  # it may be the first half of "\r\n"
        if "\r" in text:
            text = text.replace("\r\n", "\n").replace("\r", "\n")
        self._tail += text

    async def _update_view(self, *, final: bool) -> None:
        self._take_pending(final)
        self.updates += 1
        frozen: list[Token] = []
        cut = len(self._tail) if final else self._tail.rfind("\n") + 1
        if cut:
            env: dict[str, Any] = {"references": dict(self._refs)}
            tokens = _parser().parse(self._tail[:cut], env)
            self.parsed_chars += cut
            starts = _block_starts(tokens)
            keep_from = len(tokens) if final else (starts[-1] if len(starts) > 1 else 0)
            if keep_from:
                frozen = tokens[:keep_from]
                lines = len(tokens) if final else (tokens[keep_from].map or [0])[0]
                self._tail = "" if final else _drop_lines(self._tail, lines)
                self._adopt_refs(env.get("references", {}), None if final else lines)
        await self._show(frozen)

    def _adopt_refs(self, refs: dict[str, Any], before_line: int | None) -> None:
        """Keep the reference definitions that lie in the frozen lines."""
        for label, ref in refs.items():
            in_frozen = before_line is None or ref.get("map", [0, 0])[1] <= before_line
            if label not in self._refs and in_frozen:
                self._refs[label] = ref
        if self._refs_when_frozen is None:
            self._refs_when_frozen = set(self._refs)

    async def _show(self, frozen: list[Token]) -> None:
        """Append the blocks of ``frozen`` to the chunks and rebuild the tail's blocks."""
        tail_tokens: list[Token] = []
        if self._tail.strip():
            env: dict[str, Any] = {"references": dict(self._refs)}
            tail_tokens = _parser().parse(self._tail, env)
            self.parsed_chars += len(self._tail)
        with self.app.batch_update():
            if self._tail_widgets:
                await self._tail_widgets[0].parent.remove_children(self._tail_widgets)  # type: ignore[union-attr]
                self._tail_widgets = []
            if frozen:
                await self._freeze(frozen)
            chunk = await self._current_chunk()
            self._tail_widgets = chunk.build(tail_tokens)
            if self._tail_widgets:
                await chunk.mount_all(self._tail_widgets)
            self._fix_first_margin(chunk)

    async def _freeze(self, tokens: list[Token]) -> None:
        starts = _block_starts(tokens) + [len(tokens)]
        i = 0
        while i < len(starts) - 1:
            chunk = await self._current_chunk()
            room = CHUNK_BLOCKS - self._chunk_blocks
            if room <= 0:
                self._close_chunk(chunk)
                chunk = await self._new_chunk()
                room = CHUNK_BLOCKS
            j = min(i + room, len(starts) - 1)
            blocks = chunk.build(tokens[starts[i] : starts[j]])
            self._chunk_blocks += j - i
            if blocks:
                await chunk.mount_all(blocks)
            self._fix_first_margin(chunk)
            i = j

    async def _current_chunk(self) -> MarkdownChunk:
        if not self._chunks:
            return await self._new_chunk()
        return self._chunks[-1]

    async def _new_chunk(self) -> MarkdownChunk:
        chunk = MarkdownChunk()
        self._chunks.append(chunk)
        self._chunk_blocks = 0
        await self.mount(chunk)
        return chunk

    def _close_chunk(self, chunk: MarkdownChunk) -> None:
        """Move the bottom margin of the chunk's last block onto the chunk."""
        blocks = [c for c in chunk.children if isinstance(c, MarkdownBlock)]
        if not blocks:
            return
        last = blocks[-1]
        bottom = last.styles.base.margin.bottom
        top, right, _, left = last.styles.margin
        last.styles.margin = Spacing(top, right, 0, left)
        ctop, cright, _, cleft = chunk.styles.margin
        chunk.styles.margin = Spacing(ctop, cright, bottom, cleft)

    def _fix_first_margin(self, chunk: MarkdownChunk) -> None:
        """Move the top margin of a later chunk's first block onto the chunk."""
        if chunk is self._chunks[0]:
            return
        first = next((c for c in chunk.children if isinstance(c, MarkdownBlock)), None)
        top = 0
        if first is not None:
            top = first.styles.base.margin.top
            _, right, bottom, left = first.styles.margin
            first.styles.margin = Spacing(0, right, bottom, left)
        _, cright, cbottom, cleft = chunk.styles.margin
        chunk.styles.margin = Spacing(top, cright, cbottom, cleft)

    async def _render_all_again(self) -> None:
        """Render the whole source afresh (a late link reference definition)."""
        await self.remove_children()
        self._chunks = []
        self._chunk_blocks = 0
        self._tail_widgets = []
        self._refs = {}
        self._refs_when_frozen = None
        self._tail = self.source.replace("\r\n", "\n").replace("\r", "\n")
        await self._update_view(final=True)
