"""The search box over the sessions list: it filters the list as the person types."""

from __future__ import annotations

from dataclasses import dataclass

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class SessionSearch(Input):
    """Filters the sessions as the person types (titles and messages); ``enter`` or ``down``
    goes to the list with the filter kept, ``escape`` clears it and goes back to the list."""

    BINDINGS = [
        Binding("escape", "leave", "Clear search", id="sessions.search.leave"),
        Binding("down", "to_list", "Results", show=False, id="sessions.search.results"),
    ]

    @dataclass
    class Left(Message):
        """The person left the search box; ``cleared`` when they cleared it on the way."""

        search: SessionSearch
        cleared: bool

        @property
        def control(self) -> SessionSearch:
            """The search box."""
            return self.search

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(placeholder="search chats (ctrl+f)", id=id)

    def action_leave(self) -> None:
        """Clear the query and go back to the list."""
        self.value = ""
        self.post_message(self.Left(self, cleared=True))

    def action_to_list(self) -> None:
        """Go to the results, keeping the query."""
        self.post_message(self.Left(self, cleared=False))

    def _on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input is self:
            self.action_to_list()
