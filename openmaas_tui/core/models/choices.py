"""The model picker's list: the offline demo, the catalog, then models found later, each
named by the shortest spec that routes to it, with its limits (context window, output)."""

from __future__ import annotations

from collections.abc import Callable

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import CATALOG, ModelInfo, model_info, route

DEMO_LABEL = "demo (offline)"
"""How the picker names the offline demo model."""


class ModelChoices:
    """The model picker's options, ``spec -> label`` in order: the demo, the catalog, then the
    models added later (by :meth:`add` or :meth:`option_for`).

    Args:
        endpoints: the custom endpoints to route with, read at each call (the panel knows
            them only once it finds its providers).
    """

    def __init__(self, endpoints: Callable[[], dict[str, Endpoint]]) -> None:
        self._endpoints = endpoints
        self._options: dict[str, str] = {"demo": DEMO_LABEL}
        for info in CATALOG:
            if info.provider != "demo":
                self._options[self.spec_of(info)] = info.ref

    def __len__(self) -> int:
        return len(self._options)

    @property
    def pairs(self) -> list[tuple[str, str]]:
        """The ``(label, spec)`` pairs, in order."""
        return [(label, spec) for spec, label in self._options.items()]

    def add(self, info: ModelInfo) -> bool:
        """Add a discovered model (labelled ``provider/id``) unless its spec is listed.

        Returns:
            Whether it was added.
        """
        spec = self.spec_of(info)
        if spec in self._options:
            return False
        self._options[spec] = info.ref
        return True

    def spec_of(self, info: ModelInfo) -> str:
        """The spec that routes to ``info``: its bare id when the id alone routes there
        (``gpt-4o``), else ``provider/id``; ``demo`` for the demo."""
        if info.provider == "demo":
            return "demo"
        try:
            if route(info.id, endpoints=self._endpoints()).provider == info.provider:
                return info.id
        except OpenMaaSError:
            pass
        return info.ref

    def option_for(self, spec: str) -> str:
        """The picker's value for ``spec``: itself when listed; else the listed value routed
        to the same place (``openai/gpt-4o`` is ``gpt-4o``); else ``spec``, added."""
        if spec in self._options:
            return spec
        wanted = self._ref(spec)
        for value in self._options:
            if wanted is not None and self._ref(value) == wanted:
                return value
        self._options[spec] = DEMO_LABEL if spec == "demo" else spec
        return spec

    def info(self, spec: str) -> ModelInfo | None:
        """What the catalog knows of ``spec``'s model (a permissive entry for models it does
        not know), or None when ``spec`` routes nowhere."""
        try:
            return model_info(route(spec, endpoints=self._endpoints()))
        except OpenMaaSError:
            return None

    def limits_text(self, spec: str) -> str:
        """``ctx 200k · out 64k`` for ``spec``'s model, ``?`` for a limit not known, or
        ``limits unknown`` when neither is (or ``spec`` routes nowhere)."""
        info = self.info(spec)
        if info is None:
            return "limits unknown"
        if info.context_window is None and info.max_output_tokens is None:
            return "limits unknown"
        return f"ctx {_tokens(info.context_window)} · out {_tokens(info.max_output_tokens)}"

    def _ref(self, spec: str) -> str | None:
        try:
            return route(spec, endpoints=self._endpoints()).ref
        except OpenMaaSError:
            return None


def _tokens(count: int | None) -> str:
    if count is None:
        return "?"
    if count >= 1_000_000:
        return f"{count / 1_000_000:.1f}M"
    return f"{count / 1000:.0f}k" if count >= 1000 else str(count)
