"""A compare column's answer: :class:`LiveMarkdown` as its own scrolling view.

Eight answers grow at once on the compare screen. A growing ``height: auto`` widget inside a
scroll container lays out the whole screen each time it gains a line; here the answer grows
inside a fixed region instead: its virtual height changes, nothing else is laid out, and only its
own lines are painted. The lines it hands the compositor are kept from one frame to the next
(:meth:`ColumnMarkdown.render_lines`), so scrolling by a line does not style every visible line
again: a followed answer scrolls on nearly every update.
"""

from __future__ import annotations

from typing import Any

from rich.color import Color as RichColor
from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.style import Style as VisualStyle
from textual.widget import Widget

from openmaas_tui.ui.markdown.live import LiveMarkdown


class ColumnScrollBar(ScrollBar):
    """A vertical scrollbar whose lines are made straight from the bar's segments.

    A followed answer moves its scrollbar on nearly every update; Textual's scrollbar goes
    through a Rich render and the styles cache for each of its lines, which cost as much as
    painting the answer. The lines are the same: the bar's segments over the scrollbar's style,
    then the app's line filters.
    """

    def __init__(self, *, thickness: int = 1) -> None:
        super().__init__(vertical=True, name="vertical", thickness=thickness)
        self._key: tuple[Any, ...] = ()
        self._strips: list[Strip] = []

    def render_lines(self, crop: Region) -> list[Strip]:
        bar = self.render()
        if not isinstance(bar, ScrollBarRender) or not self.vertical:
            return super().render_lines(crop)
        width, height = self.size
        _, background = self.background_colors
        filters = tuple(self.get_line_filters())
        base = self.rich_style
        key: tuple[Any, ...] = (width, height, bar.virtual_size, bar.window_size, bar.position)
        key += (bar.style, base, background, filters)
        if key != self._key:
            self._key = key
            style = bar.style if isinstance(bar.style, Style) else Style.parse(str(bar.style))
            segments = bar.render_bar(
                size=height,
                virtual_size=bar.virtual_size,
                window_size=bar.window_size,
                position=bar.position,
                thickness=width,
                vertical=True,
                back_color=style.bgcolor or RichColor.parse("#555555"),
                bar_color=style.color or RichColor.parse("bright_magenta"),
            )
            strips = []
            for segment in segments.segments:
                strip = Strip([Segment(segment.text, base + segment.style)], width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                strips.append(strip)
            self._strips = strips
        strips = self._strips[crop.y : crop.bottom]
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips


class ColumnMarkdown(LiveMarkdown, ScrollView, can_focus=False):
    """:class:`LiveMarkdown` in a scrolling view of its own, rendered when the screen says so
    (:meth:`~openmaas_tui.ui.screens.compare_screen.CompareScreen.tick` renders one column at a
    time, so the columns' work does not fall into the same frame), not on a timer of its own. It
    follows the end until the person scrolls up, and again once they scroll back to the end.
    """

    DEFAULT_CSS = """
    ColumnMarkdown {
        height: 1fr;
        padding: 0 0 0 1;  /* on the right, a blank cell before the scrollbar (_text_width) */
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-gutter: stable;
    }
    """

    _drawn_style = Style()
    """The widget's style when the lines were drawn (they carry it)."""

    def __init__(
        self, *, name: str | None = None, id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(name=name, id=id, classes=classes)
        self._shown: dict[int, tuple[Strip, Strip]] = {}
        """Line number -> (the line, as shown last frame), for the lines on screen."""
        self._shown_key: tuple[Any, ...] = ()
        self._blank = Strip.blank(0)

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar (a :class:`ColumnScrollBar`), made when first needed."""
        if self._vertical_scrollbar is None:
            bar = ColumnScrollBar(thickness=self.scrollbar_size_vertical)
            bar.display = False
            self._vertical_scrollbar = bar
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    def on_mount(self, event: events.Mount) -> None:  # type: ignore[override]
        event.prevent_default()  # no LiveMarkdown timer: the screen renders the columns in turn
        self.anchor()

    @property
    def _text_width(self) -> int:
        """The width the lines are drawn at: the view's, but for a blank cell before the
        scrollbar."""
        return max(self.scrollable_content_region.width - 1, 0)

    def _redraw(self) -> None:
        width = self._text_width
        same_width = width == self._width
        first = len(self._lines) if same_width else 0
        if not same_width:
            self._drawn_style = self.rich_style
        self._draw(width)
        height = len(self._lines) + len(self._tail_lines)
        if self.virtual_size != (width, height):
            # No layout: the view's size is fixed; only the scrollbar learns of the change.
            size = Size(width, height)
            self.set_reactive(ScrollView.virtual_size, size)
            self._scroll_update(size)
        if self.is_anchored and not self._anchor_released:
            self.scroll_end(animate=False, immediate=True, x_axis=False)
        y = first - self.scroll_offset.y
        self.refresh(Region(0, max(y, 0), self.size.width, self.size.height))

    def on_resize(self) -> None:
        if self._text_width != self._width:
            self._redraw()

    def notify_style_update(self) -> None:
        # The column's classes change with its status (border colours), which restyles this
        # widget too: draw everything again only if the style the lines carry (or the theme
        # their colours come from) changed.
        Widget.notify_style_update(self)
        if self._width > 0:
            self.call_later(self._restyle)

    def _restyle(self) -> None:
        if self._restyled:
            self._width = -1
            self._redraw()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return self.virtual_size.height

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._anchored and self._anchor_released:
            self._check_anchor()  # at the end again: follow again

    def render_line(self, y: int) -> Strip:
        return super().render_line(y + self.scroll_offset.y)

    def render_lines(self, crop: Region) -> list[Strip]:
        """The lines in ``crop`` as Textual's styles cache would make them (padding, then the
        app's line filters), but made once per line rather than once per frame: after a scroll
        every line on screen has moved, not changed. Only padding and filters are applied:
        this widget has no border, outline, tint or opacity."""
        width = self.region.width  # what the styles cache renders: the scrollbar's cells too
        base_background, background = self.background_colors
        inner = VisualStyle(background=base_background + background).rich_style
        filters = tuple(self.get_line_filters())
        padding = self.styles.padding
        content_width = self.content_region.width
        key = (width, content_width, inner, background, filters, self._width, self.rich_style)
        if key != self._shown_key:
            self._shown_key = key
            self._shown = {}
            self._blank = Strip.blank(max(self._width, 0), self.rich_style)
        shown, kept = self._shown, {}
        top = self.scroll_offset.y
        lines = len(self._lines) + len(self._tail_lines)
        for y in crop.line_range:
            line = LiveMarkdown.render_line(self, top + y) if top + y < lines else self._blank
            seen = shown.get(top + y)
            if seen is None or seen[0] is not line:
                # Built from the line's segments: Strip's own methods would cache what they
                # make inside the line, which lives as long as the answer.
                segments = list(line)
                if line.cell_length > content_width:
                    segments = list(line.crop(0, content_width))  # only while a width changes
                elif line.cell_length < content_width:
                    segments.append(Segment(" " * (content_width - line.cell_length), inner))
                if padding.left:
                    segments.insert(0, Segment(" " * padding.left, inner))
                if padding.right:
                    segments.append(Segment(" " * padding.right, inner))
                strip = Strip(segments, width)
                for line_filter in filters:
                    strip = strip.apply_filter(line_filter, background)
                seen = (line, strip)
            kept[top + y] = seen
        self._shown = kept
        strips = [kept[top + y][1] for y in crop.line_range]
        if crop.column_span != (0, width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips
