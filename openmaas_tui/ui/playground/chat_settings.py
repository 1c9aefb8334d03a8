"""A chat's settings and the parameter panel: the panel shows the current chat's model,
parameters and system prompt, and what is changed there is the chat's (see
:class:`~openmaas_tui.core.sessions.conversation.Session`'s ``params``)."""

from __future__ import annotations

from openmaas_tui.core.sessions.conversation import Session
from openmaas_tui.ui.widgets.params_panel import ParamsPanel


class ChatSettings:
    """Moves a chat's settings between the chat and the parameter panel.

    Args:
        params: the parameter panel (it shows the current chat's settings).
    """

    def __init__(self, params: ParamsPanel) -> None:
        self.params = params
        self._named = ("", "")
        """The last model spec shown and the picker's name for it (the picker may name a
        model more simply: ``anthropic/claude-sonnet-4-5`` is its ``claude-sonnet-4-5``)."""

    def keep(self, session: Session) -> None:
        """Keep what the panel shows (model, parameters, system prompt) in ``session`` (its
        model spec, and the base URL and API kept with it, stay as they are while the picker
        shows that model under its own name; another model is asked at its own endpoint)."""
        shown = self.params.params
        if self._named != (session.model, shown.model):
            session.choose_model(shown.model)
        session.params = shown.request_params()

    def show(self, session: Session) -> None:
        """Show ``session``'s model, parameters and system prompt in the panel, which says
        whose they are."""
        self.params.set_model(session.model)
        self._named = (session.model, self.params.model)
        self.params.show_params(session.params)
        self.name(session)

    def name(self, session: Session) -> None:
        """Say in the panel's title that it shows ``session``'s settings."""
        self.params.show_owner(session.title)
