"""The playground's keys: its bindings, and which of them give way in a narrow footer."""

from __future__ import annotations

from textual.binding import Binding, BindingType

PLAYGROUND_BINDINGS: list[BindingType] = [
    # The app's quit, bound here too so that the footer starts with it on the playground.
    Binding("ctrl+q", "app.quit", "Quit", id="quit"),
    Binding(
        "escape",
        "stop",
        "Stop",
        id="stop",
        tooltip="Stop the answer in this chat, or back to the prompt",
    ),
    Binding(
        "ctrl+g",
        "stop_all",
        "Stop all",
        show=False,
        id="stop_all",
        tooltip="Stop the answers streaming in every chat",
    ),
    Binding("ctrl+n", "new_session", "New chat", id="new_session"),
    Binding("ctrl+s", "focus_sessions", "Sessions", id="sessions"),
    Binding("ctrl+f", "search_sessions", "Search", show=False, id="search"),
    Binding("ctrl+t", "focus_messages", "Messages", id="messages"),
    Binding("ctrl+r", "regenerate", "Regenerate", show=False, id="regenerate"),
    Binding("ctrl+l", "focus_model", "Model", id="model"),
    Binding("ctrl+o", "focus_params", "Params", id="params"),
    Binding("ctrl+b", "toggle_sidebar", "Sidebar", show=False, id="sidebar"),
]
"""The playground screen's keys (the footer shows those with ``show``)."""

NARROW_FOOTER: dict[str, str | None] = {
    "app.quit": None,
    "quit": None,
    "focus_messages": None,
    "focus_model": None,
    "new_session": "New",
}
"""The footer on a narrow terminal (:class:`FittingFooter`): quit, messages and model give
way (ctrl+q, ctrl+t and ctrl+l still work; the command palette lists them), so that stop,
new chat, sessions, parameters, keys (f2), compare (f3) and costs (f4) fit in 80 columns."""
