"""A client's request body read as JSON is written (RFC 8259, section 6: "Numeric values that
cannot be represented ... such as Infinity and NaN are not permitted"), by every route.

Python's ``json`` reads ``NaN``, ``Infinity`` and ``-Infinity``; a body holding one would go
upstream as a request httpx refuses to write, and the client would see a provider error for a
mistake of its own. Here such a body is refused like any other that is not JSON, with the
reason, for each wire to say in its own error shape (INVALID_REQUEST).
"""

from __future__ import annotations

import json
from typing import Any, NoReturn


class NotJson(ValueError):
    """A body that is not JSON; its message is the reason (``holds NaN, which JSON does not
    allow``, ``nests too deep``, ``is not valid JSON (Expecting value: line 1 column 1 (char
    0))``)."""


def load_json(raw: bytes | str) -> Any:
    """The JSON value of a request body.

    Raises:
        NotJson: text that is not UTF-8 JSON, nests deeper than Python's recursion allows, or
            holds ``NaN`` / ``Infinity``.
    """
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except NotJson:
        raise
    except RecursionError:
        raise NotJson("nests too deep") from None
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, too many digits
        raise NotJson(f"is not valid JSON ({exc})") from None


def _refuse_constant(name: str) -> NoReturn:
    raise NotJson(f"holds {name}, which JSON does not allow")
