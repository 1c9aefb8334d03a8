"""Change a widget's border title or subtitle repainting only that border line.

Textual repaints the whole widget when its ``border_title`` or ``border_subtitle`` is set,
which for a container (the parameter panel holds some sixty widgets) means compositing every
child again. Titles that follow the open chat change on every switch, so they are written here
and only the border line they sit on is marked for repainting.
"""

from __future__ import annotations

from textual.geometry import Region
from textual.widget import Widget


def set_border_title(widget: Widget, title: str) -> None:
    """Set ``widget``'s border title (console markup) if it differs, repainting its top line."""
    _set(widget, "border_title", "_border_title", title, top=True)


def set_border_subtitle(widget: Widget, subtitle: str) -> None:
    """Set ``widget``'s border subtitle (console markup) if it differs, repainting its bottom
    line."""
    _set(widget, "border_subtitle", "_border_subtitle", subtitle, top=False)


def _set(widget: Widget, public: str, private: str, text: str, *, top: bool) -> None:
    if getattr(widget, public) == text:
        return
    if not widget.is_mounted or not hasattr(widget, private):
        setattr(widget, public, text)  # Textual's own setter: repaints the whole widget
        return
    setattr(widget, private, widget.render_str(text).expand_tabs(4).split()[0])
    offset = widget.content_offset
    width = widget.outer_size.width
    y = -offset.y if top else widget.outer_size.height - 1 - offset.y
    widget.refresh(Region(-offset.x, y, width, 1))
