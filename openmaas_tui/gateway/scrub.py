"""Nothing shaped like a key in a gateway log line or error text.

:func:`~openmaas_tui.core.credentials.redact.redact` masks every key the key store handed out
(whole, or any 8 characters of one) and the key shapes providers use (``sk-…``, ``AIza…``,
``AKIA…``, bearer tokens). :func:`scrub` adds what a gateway meets besides: the launch's own
token (registered as a secret when the server starts), ``key=`` / ``api_key=`` / ``token=``
values in URLs and bodies, and any long run of letters and digits mixed the way generated
secrets are. :class:`ScrubFilter` runs it over every record of the loggers it is put on.
"""

from __future__ import annotations

import logging
import re

from openmaas_tui.core.credentials.log_filter import RedactingFilter
from openmaas_tui.core.credentials.redact import mask, redact

_NAMED = re.compile(
    r"(?i)((?:api[_-]?key|key|token|secret|password|authorization)[\"']?\s*[:=]\s*[\"']?)"
    r"([^\s\"'&,;}]{8,})"
)
"""``key=VALUE``, ``"api_key": "VALUE"``, ``Authorization: VALUE``: the value is a secret."""

_SHAPED = re.compile(
    r"(?<![A-Za-z0-9_\-/.])(?=[A-Za-z_\-]*[0-9])(?=[0-9_\-]*[A-Za-z])[A-Za-z0-9_\-]{32,}"
)
"""A run of 32 or more letters, digits, ``_`` and ``-`` holding both letters and digits, not
part of a path or a dotted name: the look of a generated key or token."""


def scrub(text: str) -> str:
    """``text`` with registered keys, key shapes, named secrets and key-looking runs masked."""
    text = redact(text)
    text = _NAMED.sub(lambda m: m.group(1) + mask(m.group(2)), text)
    return _SHAPED.sub(lambda m: mask(m.group(0)), text)


class ScrubFilter(RedactingFilter):
    """Rewrites every record with :func:`scrub` (keys masked, never dropped)."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Mask ``record`` in place.

        Returns:
            Always True.
        """
        super().filter(record)
        message = record.getMessage()
        record.msg, record.args = scrub(message), None
        if record.exc_text:
            record.exc_text = scrub(record.exc_text)
        return True


SCRUB_FILTER = ScrubFilter()

GATEWAY_LOGGERS = ("openmaas_tui.gateway", "uvicorn", "uvicorn.error", "uvicorn.access")
"""The loggers the gateway and its server write to."""


def install_scrubbing() -> None:
    """Put :data:`SCRUB_FILTER` on each of :data:`GATEWAY_LOGGERS` (once each)."""
    for name in GATEWAY_LOGGERS:
        logger = logging.getLogger(name)
        if SCRUB_FILTER not in logger.filters:
            logger.addFilter(SCRUB_FILTER)
