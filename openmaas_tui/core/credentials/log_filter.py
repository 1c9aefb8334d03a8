"""No key in a log, whole or in part: a :class:`logging.Filter` that masks every record.

``httpx`` logs each request's URL at INFO (a Gemini key may ride in ``?key=``), ``httpcore``
logs response headers at DEBUG (an echoed key), and our own loggers may log a provider's
words. :class:`RedactingFilter` rewrites a record's message (arguments merged in), its formatted
traceback and stack with :func:`~openmaas_tui.core.credentials.redact.redact`: registered keys
whole or in any 8-character part, and key-shaped strings (``sk-…``, ``AKIA…``, ``AIza…``).

A filter on a logger sees only the records logged to that very logger, not those its children
propagate up to it, so :func:`install_log_redaction` puts the one filter on each logger we and
the HTTP stack log to (:data:`LOGGERS`) and on any child of theirs that exists already. It is
called once at start-up by the command line and the app, and is idempotent.

Textual's own log (``TEXTUAL_LOG``, devtools) is written by ``textual.Logger`` with no filter
hook; what would carry a key there (an input's messages) is kept out of it by the input itself
(``openmaas_tui.ui.widgets.secret_input``).
"""

from __future__ import annotations

import logging
import traceback

from openmaas_tui.core.credentials.redact import redact

LOGGERS = (
    "openmaas_tui",
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
    "aiohttp",
    "aiohttp.client",
    "aiohttp.internal",
    "hpack",
    "h2",
    "keyring",
    "asyncio",
)
"""The loggers the filter is put on: ours, the HTTP stack's (aiohttp's client under httpx;
httpcore, for proxies, names one per module; hpack and h2 log HTTP/2 headers), the keyring's,
and asyncio's (it logs unhandled errors)."""


class RedactingFilter(logging.Filter):
    """Masks keys in every record it sees (it never drops one)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Rewrite ``record``'s message, traceback and stack with keys masked.

        Returns:
            Always True: the record is kept, masked.
        """
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit: leave it to the handler
            message = str(record.msg)
        masked = redact(message)
        if masked != message or record.args:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


_FILTER = RedactingFilter()


def install_log_redaction() -> RedactingFilter:
    """Put the one :class:`RedactingFilter` on every logger of :data:`LOGGERS` and on each
    existing child of theirs (once each, however often this is called).

    Returns:
        The filter (tests use it on a handler of their own).
    """
    names = set(LOGGERS)
    for name in list(logging.root.manager.loggerDict):
        if any(name.startswith(f"{parent}.") for parent in LOGGERS):
            names.add(name)
    for name in sorted(names):
        logger = logging.getLogger(name)
        if _FILTER not in logger.filters:
            logger.addFilter(_FILTER)
    return _FILTER
