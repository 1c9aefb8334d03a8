"""Which model a spec names, as the playground asks it: a chat's own model at the base URL and
through the API kept with the chat (a compare column carried on, a session of ``openmaas ask
--base-url``, a chat that asked the start model at ``--base-url``), the start model at the
``--base-url`` given on the command line, every other model at its provider's endpoint.

A chat's own base URL wins over the command line's: ``--base-url`` is where the start model is
asked by a chat with no endpoint of its own (a new one), which keeps it from its first request
on (:meth:`Targets.keep_start_url`), so that reopened in a later run, with another
``--base-url`` or none, it asks the same server."""

from __future__ import annotations

from openmaas_tui.core.sessions.conversation import Session
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

    async def target(
        self, spec: str, *, base_url: str | None = None, api: str | None = None
    ) -> Target:
        """The model ``spec`` names, ready to be asked at ``base_url`` (default: ``--base-url``
        for the start model, the provider's endpoint for every other) through ``api``.

        Raises:
            OpenMaaSError: INVALID_MODEL or INVALID_REQUEST from routing; MISSING_KEY when the
                provider needs a key and has none (see :meth:`Providers.target`).
        """
        url = base_url or self.base_url_for(spec)
        return await self.providers.target(spec, base_url=url, api=api)

    async def for_chat(self, session: Session, spec: str | None = None) -> Target:
        """The model ``session`` asks (or ``spec``, the model the panel shows for it): its
        own model at the base URL and through the API kept with the chat.

        Raises:
            OpenMaaSError: as :meth:`target`.
        """
        if spec is not None and spec != session.model:
            return await self.target(spec)
        return await self.target(session.model, base_url=session.base_url, api=session.api)

    def keep_start_url(self, session: Session) -> None:
        """Make ``--base-url`` ``session``'s own base URL when it asks the start model and has
        none of its own (call it as the chat asks: the history then keeps the URL with the
        chat, without user, password or query). Choosing another model drops it again
        (:meth:`Session.choose_model`)."""
        if session.base_url is None:
            session.base_url = self.base_url_for(session.model)

    def endpoint_of(self, session: Session) -> tuple[str | None, str | None]:
        """Where ``session``'s model is asked: its base URL (its own, else ``--base-url`` for
        the start model) and the API chosen, each None for the provider's own."""
        return session.base_url or self.base_url_for(session.model), session.api
