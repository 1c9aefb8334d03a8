"""Web pages where an API answer was expected: a captive portal's login page, a proxy's or a
gateway's error page (``502 Bad Gateway``), or a base URL that points at a website.

Such a page is never shown raw: it is summarised by its ``<title>`` (or, without one, its first
heading) and the HTTP status. The page is read with the standard library's tolerant
:class:`html.parser.HTMLParser`, which never raises on broken markup.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser

MAX_PAGE_BYTES = 64 * 1024
"""The most bytes of a page read to find its title: titles sit at the top."""

_MAX_SUMMARY = 120
_HEADINGS = frozenset({"h1", "h2", "h3"})


class _TitleFinder(HTMLParser):
    """Collects the text of the first ``<title>``, of the first heading (h1–h3), and the
    page's first visible text (outside ``<script>`` and ``<style>``)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title: list[str] = []
        self.heading: list[str] = []
        self.text: list[str] = []
        self._hidden = 0
        self._in: str | None = None
        self._done: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        kind = "title" if tag == "title" else "heading" if tag in _HEADINGS else None
        if kind is not None and kind not in self._done and self._in is None:
            self._in = kind
        if tag in ("script", "style"):
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._hidden:
            self._hidden -= 1
        if self._in == "title" and tag == "title" or self._in == "heading" and tag in _HEADINGS:
            self._done.add(self._in)
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title":
            self.title.append(data)
        elif self._in == "heading":
            self.heading.append(data)
        if not self._hidden and sum(map(len, self.text)) < _MAX_SUMMARY * 2:
            self.text.append(data)


def is_html(headers: Mapping[str, str], body: bytes = b"") -> bool:
    """Whether a response is a web page: ``content-type: text/html`` (or XHTML), or a body
    that starts like one (``<!doctype html``, ``<html``) whatever type it claims."""
    content_type = headers.get("content-type", "").partition(";")[0].strip().lower()
    if content_type in ("text/html", "application/xhtml+xml"):
        return True
    start = body[:64].lstrip().lower()
    return start.startswith((b"<!doctype html", b"<html"))


def page_title(body: bytes) -> str | None:
    """The page's ``<title>``, else its first heading, else the start of its visible text,
    whitespace collapsed and cut to 120 characters; None when it shows no text at all."""
    finder = _TitleFinder()
    finder.feed(body[:MAX_PAGE_BYTES].decode("utf-8", errors="replace"))
    finder.close()
    for parts in (finder.title, finder.heading, finder.text):
        text = " ".join("".join(parts).split())
        if text:
            return text if len(text) <= _MAX_SUMMARY else text[: _MAX_SUMMARY - 1] + "…"
    return None


def page_summary(status: int, body: bytes) -> str:
    """One line for a web page answered with ``status``: ``HTTP 502, a web page: “502 Bad
    Gateway”`` (or ``HTTP 200, a web page without text``)."""
    title = page_title(body)
    if title is None:
        return f"HTTP {status}, a web page without text"
    return f"HTTP {status}, a web page: “{title}”"
