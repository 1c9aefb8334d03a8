"""Reading pricing files: TOML to :class:`~openmaas_tui.core.pricing.prices.PriceEntry` values, with
errors that name the file and line (INVALID_SETTINGS).

The format is documented at the top of the shipped ``pricing.toml``. Imported by
:mod:`openmaas_tui.core.pricing.prices` when a table is loaded.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from openmaas_tui.core.config.numbers import (
    MAX_RATE_USD_PER_MTOK,
    SQLITE_INTEGER_MAX,
    check_decimal,
    check_whole,
)
from openmaas_tui.core.config.toml_file import invalid_setting, parse_toml, read_text
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.pricing.price import Price, PriceEntry, Tier

_ENTRY_KEYS = frozenset(
    {"provider", "model", "aliases", "input", "output", "cached_input", "cache_write"}
    | {"tiers", "source", "as_of"}
)
_TIER_KEYS = frozenset({"above_input_tokens", "input", "output", "cached_input", "cache_write"})


class _Lines:
    """Finds the line of an entry's field, for error messages (tomllib gives no positions)."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def header(self, key: str, tier: int | None = None) -> int | None:
        name = rf"""(?:"{re.escape(key)}"|'{re.escape(key)}'|{re.escape(key)})"""
        pattern = (
            rf"^\s*\[\s*models\s*\.\s*{name}\s*\]"
            if tier is None
            else rf"^\s*\[\[\s*models\s*\.\s*{name}\s*\.\s*tiers\s*\]\]"
        )
        seen = 0
        for number, line in enumerate(self.lines, start=1):
            if re.match(pattern, line):
                if tier is None or seen == tier:
                    return number
                seen += 1
        return None

    def field(self, key: str, field: str | None, tier: int | None = None) -> int | None:
        start = self.header(key, tier)
        if start is None or field is None:
            return start
        for number in range(start + 1, len(self.lines) + 1):
            line = self.lines[number - 1]
            if line.lstrip().startswith("["):
                break
            if re.match(rf"^\s*{re.escape(field)}\s*=", line):
                return number
        return start


_invalid = invalid_setting


class _BadField(ValueError):
    def __init__(self, field: str, what: str) -> None:
        super().__init__(what)
        self.field = field


def _rate(table: dict[str, object], name: str) -> float | None:
    value = table.get(name)
    if value is None and name not in ("input", "output"):
        return None
    try:
        return check_decimal(name, value, 0.0, MAX_RATE_USD_PER_MTOK)
    except ValueError:
        what = f"{name} must be a number of USD per 1M tokens, 0 to {MAX_RATE_USD_PER_MTOK:g}"
        raise _BadField(name, what) from None


def _rates(table: dict[str, object]) -> tuple[float, float, float | None, float | None]:
    """``input``, ``output``, ``cached_input``, ``cache_write`` of a table, checked."""
    rates = [_rate(table, name) for name in ("input", "output", "cached_input", "cache_write")]
    assert rates[0] is not None and rates[1] is not None  # required: _rate raised otherwise
    return rates[0], rates[1], rates[2], rates[3]


def _entry(key: str, table: dict[str, object], lines: _Lines, path: Path) -> PriceEntry:
    def fail(field: str | None, what: str, tier: int | None = None) -> OpenMaaSError:
        return _invalid(path, lines.field(key, field, tier), f'[models."{key}"]: {what}')

    unknown = sorted(set(table) - _ENTRY_KEYS)
    if unknown:
        raise fail(unknown[0], f"unknown field {unknown[0]!r}")
    provider, model = table.get("provider"), table.get("model", key)
    if not isinstance(provider, str) or not provider:
        raise fail("provider", 'needs provider = "NAME"')
    if not isinstance(model, str) or not model:
        raise fail("model", "model must be a non-empty string")
    aliases = table.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise fail("aliases", "aliases must be a list of model ids")
    source, as_of = table.get("source", ""), table.get("as_of")
    if not isinstance(source, str):
        raise fail("source", "source must be a string (the price page's URL)")
    if isinstance(as_of, str):
        try:
            as_of = date.fromisoformat(as_of)
        except ValueError:
            raise fail("as_of", "as_of must be a date such as 2025-11-01") from None
    if as_of is not None and not isinstance(as_of, date):
        raise fail("as_of", "as_of must be a date such as 2025-11-01")
    try:
        rates = _rates(table)
    except _BadField as exc:
        raise fail(exc.field, str(exc)) from None
    raw_tiers = table.get("tiers", [])
    if not isinstance(raw_tiers, list):
        raise fail("tiers", "tiers must be [[models.KEY.tiers]] tables")
    tiers: list[Tier] = []
    for index, raw in enumerate(raw_tiers):
        if not isinstance(raw, dict):
            raise fail("tiers", "tiers must be [[models.KEY.tiers]] tables")
        bad = sorted(set(raw) - _TIER_KEYS)
        if bad:
            raise fail(bad[0], f"unknown tier field {bad[0]!r}", index)
        above = raw.get("above_input_tokens")
        try:
            above = check_whole("above_input_tokens", above, 1)
        except ValueError:
            what = f"above_input_tokens must be a positive integer, at most {SQLITE_INTEGER_MAX}"
            raise fail("above_input_tokens", what, index) from None
        try:
            tiers.append(Tier(above, *_rates(raw)))
        except _BadField as exc:
            raise fail(exc.field, str(exc), index) from None
    price = Price(
        *rates,
        tiers=tuple(sorted(tiers, key=lambda t: t.above_input_tokens)),
        source=source,
        as_of=as_of,
    )
    return PriceEntry(key, provider, model, tuple(aliases), price)


def parse_prices(path: Path, text: str) -> dict[str, PriceEntry]:
    """Parse a pricing file's text (see the shipped ``pricing.toml`` for the format).

    Args:
        path: the file's path, named in error messages.
        text: its contents.

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file and line of the problem: bad or too
            deeply nested TOML, an unknown field, a rate that is negative, NaN, infinite or
            above :data:`~openmaas_tui.core.config.numbers.MAX_RATE_USD_PER_MTOK`.
    """
    data = parse_toml(path, text)
    lines = _Lines(text)
    for name in data:
        if name != "models":
            line = next((n for n, t in enumerate(lines.lines, 1) if name in t), None)
            raise _invalid(path, line, f'unknown {name!r}; entries go in [models."MODEL-ID"]')
    models = data.get("models", {})
    entries: dict[str, PriceEntry] = {}
    for key, table in models.items():
        if not isinstance(table, dict):
            raise _invalid(path, lines.header(key), f"models.{key} must be a table")
        entries[key] = _entry(key, table, lines, path)
    return entries


def read_prices(path: Path, *, required: bool = False) -> dict[str, PriceEntry]:
    """Read a pricing file; a missing file has no entries unless ``required``.

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file (and line) when it is unreadable, not
            UTF-8 or bad.
    """
    text = read_text(path)
    if text is None:
        if required:
            raise _invalid(path, None, "is missing; reinstall openmaas-tui")
        return {}
    return parse_prices(path, text)
