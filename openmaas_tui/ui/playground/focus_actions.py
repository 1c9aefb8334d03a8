"""The playground's keys that move the focus: to the conversation, the sessions list or its
search, the parameter panel; and the sessions sidebar shown or hidden."""

from __future__ import annotations

from openmaas_tui.ui.playground.conversation import ConversationActions
from openmaas_tui.ui.screens.folding import FoldingPanels
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.sessions_sidebar import SessionsSidebar


class FocusActions:
    """The playground screen's actions that move the focus (mixed into it; its bindings name
    them)."""

    conversation: ConversationActions
    sidebar: SessionsSidebar
    folds: FoldingPanels
    params: ParamsPanel

    def action_focus_messages(self) -> None:
        """Move to the conversation, the last message selected (up/down select others)."""
        self.conversation.focus_messages()

    async def action_focus_sessions(self) -> None:
        """Move to the sessions list (shown if hidden), the current chat highlighted."""
        await self.sidebar.focus_list()

    def action_search_sessions(self) -> None:
        """Move to the sessions' search box (the sidebar is shown if hidden)."""
        self.sidebar.focus_search()

    async def action_toggle_sidebar(self) -> None:
        """Show or hide the sessions sidebar (open or close it where it is folded away)."""
        if not self.folds.folded(self.sidebar):
            self.sidebar.toggle()
        elif not self.folds.close():
            await self.sidebar.focus_list()

    def action_focus_params(self) -> None:
        """Move to the parameter panel."""
        self.params.focus()
