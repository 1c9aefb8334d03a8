"""What a model costs: prices from ``pricing.toml`` and the cost of a :class:`Usage`.

The shipped ``pricing.toml`` (repository root, packaged as ``openmaas_tui/pricing.toml``)
documents its own format. A person's ``pricing.toml`` in the config directory
(:attr:`Paths.user_pricing_file <openmaas_tui.core.config.paths.Paths.user_pricing_file>`) adds
entries and replaces shipped entries of the same key.

Unknown stays unknown: :meth:`PriceTable.price` returns None for a model nobody priced and
:func:`cost_usd` returns None when usage is missing, so callers show "price unknown", never
``$0``. Models of the ``ollama`` and ``demo`` providers are free by rule; models of custom
endpoints are unknown unless priced (such an endpoint may be a paid hosted service).
Costs are shown with :func:`~openmaas_tui.core.money.format_usd` (re-exported here).
"""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

from openmaas_tui.core.config.paths import Paths, resolve_paths
from openmaas_tui.core.pricing.price import Price, PriceEntry
from openmaas_tui.core.types import Usage

FREE_PROVIDERS = frozenset({"ollama", "vllm", "llamacpp", "lmstudio", "demo"})
"""Providers whose models run on this machine and cost nothing (the local presets included: a
table of ``config.toml`` that points one elsewhere should take another name)."""

_SNAPSHOT_SUFFIX = re.compile(r"^(?:\d{8}|\d{4}-\d{2}-\d{2}|\d{3}|latest)$")
"""What may follow ``FAMILY-`` in a dated snapshot id that costs what its family costs."""

_PER_MTOK = 1_000_000

FREE = Price(0.0, 0.0, 0.0, source="runs locally: no charge")
"""The price of every model of a :data:`FREE_PROVIDERS` provider."""


def cost_usd(price: Price | None, usage: Usage, *, cache_write_tokens: int = 0) -> float | None:
    """What ``usage`` costs at ``price``, in US dollars.

    Uncached input tokens are charged at ``input``, cached ones (``cached_input_tokens``) at
    ``cached_input`` (or ``input`` when the price has none), output tokens at ``output``;
    reasoning tokens are part of ``output_tokens`` (see :class:`Usage`) and are not charged
    again. The tier is chosen by ``input_tokens``. :class:`Usage` does not say how many tokens
    were written to a cache; a caller that knows (Anthropic's ``cache_creation_input_tokens``)
    passes ``cache_write_tokens`` and those are charged at ``cache_write``; otherwise cache
    writes are charged at ``input`` (a little under their ``cache_write`` rate).

    Args:
        price: the model's price, or None when unknown.
        usage: the reported (or estimated) token counts.
        cache_write_tokens: how many of ``usage.input_tokens`` (not cached ones) were written
            to the provider's cache.

    Returns:
        The cost, or None when the price is unknown or usage lacks input or output counts.
    """
    if price is None or usage.input_tokens is None or usage.output_tokens is None:
        return None
    rates = price.rates_for(usage.input_tokens)
    cached = min(max(usage.cached_input_tokens or 0, 0), usage.input_tokens)
    written = min(max(cache_write_tokens, 0), usage.input_tokens - cached)
    uncached = usage.input_tokens - cached - written
    cached_rate = rates.input if rates.cached_input is None else rates.cached_input
    write_rate = rates.input if rates.cache_write is None else rates.cache_write
    total = (
        uncached * rates.input
        + cached * cached_rate
        + written * write_rate
        + usage.output_tokens * rates.output
    )
    return total / _PER_MTOK


def shipped_pricing_file() -> Path:
    """The ``pricing.toml`` that ships with openMaaS.

    Installed from a wheel it sits inside the package (``openmaas_tui/pricing.toml``); in an
    editable install or a source checkout it is the repository root's, beside the package.
    """
    packaged = importlib.resources.files("openmaas_tui") / "pricing.toml"
    if isinstance(packaged, Path) and packaged.is_file():
        return packaged
    return Path(__file__).resolve().parents[3] / "pricing.toml"


class PriceTable:
    """Prices by provider and model, with snapshot and alias resolution.

    Build one with :meth:`load` (shipped file plus the user's overrides) or from entries.
    """

    def __init__(self, entries: dict[str, PriceEntry]) -> None:
        self._entries = dict(entries)
        self._by_name: dict[tuple[str, str], PriceEntry] = {}
        self._families: dict[str, list[tuple[str, PriceEntry]]] = {}
        """Each provider's names and entries: a snapshot's family is looked for among its
        provider's only (the model picker asks this for every model of a big catalog)."""
        for entry in self._entries.values():
            for name in (entry.model, *entry.aliases):
                self._by_name[(entry.provider, name.lower())] = entry
        for (owner, family), entry in self._by_name.items():
            self._families.setdefault(owner, []).append((family, entry))

    @classmethod
    def load(cls, user_file: Path | None = None, shipped_file: Path | None = None) -> PriceTable:
        """Read the shipped prices and merge the user's file over them.

        Args:
            user_file: the user's ``pricing.toml`` (missing is fine), or None for none.
            shipped_file: the shipped table; default :func:`shipped_pricing_file`.

        Raises:
            OpenMaaSError: INVALID_SETTINGS naming the file and line of a bad entry.
        """
        from openmaas_tui.core.pricing.reading import read_prices

        entries = read_prices(shipped_file or shipped_pricing_file(), required=True)
        if user_file is not None:
            entries.update(read_prices(user_file))
        return cls(entries)

    @classmethod
    def from_toml(cls, text: str, name: str = "pricing.toml") -> PriceTable:
        """A table from TOML text alone (for tests and tools).

        Raises:
            OpenMaaSError: INVALID_SETTINGS naming ``name`` and the line of a bad entry.
        """
        from openmaas_tui.core.pricing.reading import parse_prices

        return cls(parse_prices(Path(name), text))

    @property
    def entries(self) -> dict[str, PriceEntry]:
        """Every entry by its key in the TOML file."""
        return dict(self._entries)

    def price(self, provider: str, model: str) -> Price | None:
        """The price of ``model`` at ``provider``, or None when unknown.

        An exact id or alias wins; else a dated snapshot (``FAMILY-20250929``,
        ``FAMILY-2024-08-06``, ``FAMILY-001``, ``FAMILY-latest``) takes its longest-named
        family's price; else models of ``ollama`` and ``demo`` are free; else None.
        """
        name = model.lower()
        if provider == "gemini":
            name = name.removeprefix("models/")
        entry = self._by_name.get((provider, name))
        if entry is None:
            entry = self._family_of(provider, name)
        if entry is not None:
            return entry.price
        return FREE if provider in FREE_PROVIDERS else None

    def _family_of(self, provider: str, name: str) -> PriceEntry | None:
        best: tuple[int, PriceEntry] | None = None
        for family, entry in self._families.get(provider, ()):
            if not name.startswith(family + "-"):
                continue
            if _SNAPSHOT_SUFFIX.match(name[len(family) + 1 :]) and (
                best is None or len(family) > best[0]
            ):
                best = (len(family), entry)
        return best[1] if best else None


def load_price_table(paths: Paths | None = None) -> PriceTable:
    """The shipped prices merged with the user's ``pricing.toml`` (``paths`` default: in force).

    Raises:
        OpenMaaSError: INVALID_SETTINGS naming the file and line of a bad entry.
    """
    return PriceTable.load((paths or resolve_paths()).user_pricing_file)


__all__ = [
    "FREE",
    "FREE_PROVIDERS",
    "PriceTable",
    "cost_usd",
    "load_price_table",
    "shipped_pricing_file",
]
