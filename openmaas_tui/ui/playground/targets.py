"""Which model a spec names, as the playground asks it: the start model's requests go to the
``--base-url`` given on the command line, every other model's to its provider's."""

from __future__ import annotations

from openmaas_tui.providers.registry import Providers, Target


class Targets:
    """Resolves the playground's model specs to :class:`Target` values.

    Args:
        providers: the run's providers.
        start_spec: the model the playground started with, as the picker names it.
        base_url: where requests for the start model go (``--base-url``), or None.

    Attributes:
        start_spec: the start model; the playground sets it again once the picker has named
            it (``--provider P -m M`` is the spec ``P/M``, which the picker may name more
            simply).
    """

    def __init__(self, providers: Providers, start_spec: str, base_url: str | None) -> None:
        self.providers = providers
        self.start_spec = start_spec
        self.base_url = base_url

    def base_url_for(self, spec: str) -> str | None:
        """``--base-url`` for the start model, None for every other."""
        return self.base_url if spec == self.start_spec else None

    def base_urls(self) -> dict[str, str]:
        """The specs that go to a base URL of their own (the start model, with ``--base-url``),
        for the compare screen."""
        return {self.start_spec: self.base_url} if self.base_url else {}

    async def target(self, spec: str) -> Target:
        """The model ``spec`` names, ready to be asked.

        Raises:
            OpenMaaSError: INVALID_MODEL or INVALID_REQUEST from routing; MISSING_KEY when the
                provider needs a key and has none (see :meth:`Providers.target`).
        """
        return await self.providers.target(spec, base_url=self.base_url_for(spec))
