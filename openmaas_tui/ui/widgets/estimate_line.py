"""The pre-send estimate under the prompt: what the next message would cost before it is sent.

``≈1,234 in · ≈$0.0031 · 1.2k / 128k · prices as of 2026-10-14`` — the input tokens of what
would be sent (system prompt + the session's context + the prompt, chat overhead included),
their cost and the context-window fill. The line is pulled, not pushed: a 0.15 s timer looks
at what would be sent and, once it has stayed the same for one tick (the debounce), counts it
in a thread worker, so typing never waits for tiktoken.

It also keeps each session's optional spending limit and answers the playground's question
before a send (:meth:`EstimateLine.held`): CONTEXT_TOO_LONG when the prompt cannot fit, or a
warning when the message would take the session past its limit (enter again sends anyway).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass

from textual import work
from textual.app import ComposeResult, SystemCommand
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label, Static

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import model_info, route
from openmaas_tui.core.models.provider_specs import SPECS, TokenCounting
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.pricing.price import Price
from openmaas_tui.core.tokens.estimate import (
    CountKind,
    Estimate,
    crosses_limit,
    estimate_input,
    prices_as_of,
    too_long,
)
from openmaas_tui.core.types import ChatRequest, ImagePart, Message, Role, TextPart
from openmaas_tui.providers.registry import Target
from openmaas_tui.services import Services
from openmaas_tui.ui.widgets.chat_switcher import ChatSwitcher
from openmaas_tui.ui.widgets.params_panel import ParamsPanel
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.workers import WorkerOwner

POLL_S = 0.15
"""How often the line looks at the prompt; a change is counted once it has held one tick."""


@dataclass(frozen=True, slots=True)
class Draft:
    """What would be sent if the person pressed enter now."""

    session_id: str
    spec: str
    provider: str
    model: str
    messages: tuple[Message, ...]
    system: str | None
    window: int | None
    price: Price | None

    @property
    def key(self) -> tuple[object, ...]:
        """Identifies the draft; the messages by count (a session only ever grows)."""
        last = self.messages[-1] if self.messages else Message.user("")
        images = 0 if isinstance(last.content, str) else len(last.content)
        return (self.session_id, self.spec, self.system, len(self.messages), last.text, images)


class LimitScreen(ModalScreen[float | None]):
    """Asks for a session's spending limit in US dollars (empty: no limit)."""

    DEFAULT_CSS = """
    LimitScreen { align: center middle; }
    LimitScreen > Vertical {
        width: 60; height: auto; padding: 1 2;
        border: round $primary; background: $surface;
    }
    """
    BINDINGS = [("escape", "dismiss_none", "Cancel")]

    def __init__(self, current: float | None) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label("Spending limit for this session, in USD (empty: none)")
            yield Input(
                value="" if self.current is None else f"{self.current:g}",
                placeholder="e.g. 0.50",
                id="limit",
            )

    def on_input_submitted(self, event: Input.Submitted) -> None:
        """Close with the amount typed (None for empty); a bad amount keeps the dialog open."""
        text = event.value.strip().removeprefix("$")
        if not text:
            self.dismiss(None)
            return
        try:
            amount = float(text)
        except ValueError:
            amount = -1.0
        if amount <= 0 or amount != amount:
            self.notify("A limit is an amount above $0, like 0.50", severity="error")
            return
        self.dismiss(amount)

    def action_dismiss_none(self) -> None:
        """Close without changing the limit."""
        self.dismiss(self.current)


class EstimateLine(WorkerOwner, Static):
    """One line under the prompt with the estimate of the next message (see module doc).

    It reads what would be sent from the widgets it is given and never changes them.

    Args:
        services: the run's services (prices, custom endpoints).
        target_for: the model a spec names, as the playground asks it (for the provider's
            own count, which asks that model's endpoint).
        chats: where the current session is.
        params: the parameter panel (model, system prompt).
        prompt: the prompt.
        id: the DOM id.
    """

    DEFAULT_CSS = """
    EstimateLine {
        height: 1;
        margin: 0 2;
        color: $text-muted;
    }
    EstimateLine.over { color: $error; }
    """

    def __init__(
        self,
        services: Services,
        target_for: Callable[[str], Awaitable[Target]],
        *,
        chats: ChatSwitcher,
        params: ParamsPanel,
        prompt: PromptArea,
        id: str | None = None,
    ) -> None:
        super().__init__("", id=id, markup=False)
        self.services = services
        self.target_for = target_for
        self.chats = chats
        self.params = params
        self.prompt = prompt
        self.latest: tuple[tuple[object, ...], Estimate] | None = None
        """The last estimate, with the draft key it belongs to."""
        self.provider_count: tuple[tuple[object, ...], int] | None = None
        self.limits: dict[str, float] = {}
        """Spending limits in USD, by session id."""
        self._seen: tuple[object, ...] | None = None
        self._pending = False
        self._confirmed: tuple[object, ...] | None = None
        self._warned_over: set[str] = set()
        self.pending_images: Callable[[], tuple[ImagePart, ...]] = tuple
        """The images waiting to go with the prompt (set by the screen); they count too."""

    def on_mount(self) -> None:
        self.set_interval(POLL_S, self._poll)

    # -- what would be sent -----------------------------------------------------------------

    def draft(self, text: str | None = None) -> Draft | None:
        """What would be sent with ``text`` (default: the prompt's), or None when the model
        routes nowhere."""
        params = self.params.params
        if text is None:
            text = self.prompt.text
        try:
            r = route(params.model, endpoints=self.services.settings.endpoints)
        except OpenMaaSError:
            return None
        session = self.chats.session
        images = self.pending_images()
        prompt = Message(Role.USER, (TextPart(text.strip()), *images)) if images else None
        messages = (*session.context(), prompt or Message.user(text.strip()))
        return Draft(
            session.id,
            params.model,
            r.provider,
            r.model,
            messages,
            params.system,
            model_info(r).context_window,
            self.services.prices.price(r.provider, r.model),
        )

    def _poll(self) -> None:
        draft = self.draft()
        if draft is None:
            self.update("")
            return
        self._check_limit_crossed(draft.session_id)
        if draft.key != self._seen:
            self._seen, self._pending = draft.key, True
            return
        if self._pending:
            self._pending = False
            self.count(draft)

    @work(
        thread=True,
        exclusive=True,
        group="estimate",
        exit_on_error=False,
        description="count the next message's tokens",
    )
    def count(self, draft: Draft) -> None:
        """Count ``draft`` in a thread and show the result."""
        estimate = _estimate(draft)
        self.app.call_from_thread(self.show, draft, estimate)

    def show(self, draft: Draft, estimate: Estimate) -> None:
        """Show ``estimate`` (for ``draft``) on the line."""
        self.latest = (draft.key, estimate)
        parts = [estimate.text()]
        if self.provider_count is not None and self.provider_count[0] == draft.key:
            parts.insert(0, f"{self.provider_count[1]:,} in (provider count)")
        if as_of := prices_as_of(estimate.price):
            parts.append(as_of)
        if (limit := self.limits.get(draft.session_id)) is not None:
            parts.append(f"limit {format_usd(limit)} ({self._spent_text()} spent)")
        self.set_class(not estimate.fits, "over")
        self.update(" · ".join(parts))

    def _spent_text(self) -> str:
        return self.chats.session.totals.cost_text

    # -- before sending ---------------------------------------------------------------------

    async def held(self, text: str) -> OpenMaaSError | bool:
        """Whether a send of ``text`` must wait: CONTEXT_TOO_LONG (returned, for the playground
        to show), True after warning that it would cross the session's spending limit (sending
        the same text again goes ahead), False when it may go."""
        draft = self.draft(text)
        if draft is None:
            return False
        if self.latest is not None and self.latest[0] == draft.key:
            estimate = self.latest[1]
        else:
            estimate = await asyncio.to_thread(_estimate, draft)
            self.show(draft, estimate)
        if (error := too_long(estimate, draft.spec)) is not None:
            return error
        limit = self.limits.get(draft.session_id)
        spent = self.chats.session.totals.cost_usd
        cost = estimate.input_cost_usd
        if crosses_limit(spent, cost, limit) and self._confirmed != draft.key:
            self._confirmed = draft.key
            self.notify(
                f"This message (≈{format_usd(cost)} of input, before the answer) takes the "
                f"session to ≈{format_usd(spent + (cost or 0))}, over its limit "
                f"{format_usd(limit)}. Press enter again to send anyway.",
                title="Spending limit",
                severity="warning",
                timeout=8,
            )
            return True
        self._confirmed = None
        return False

    def _check_limit_crossed(self, session_id: str) -> None:
        limit = self.limits.get(session_id)
        totals = self.chats.session.totals
        if limit is None or session_id in self._warned_over or totals.cost_usd < limit:
            return
        self._warned_over.add(session_id)
        self.notify(
            f"This session has spent {totals.cost_text}, past its limit {format_usd(limit)}.",
            title="Spending limit",
            severity="error",
            timeout=10,
        )

    # -- commands -----------------------------------------------------------------------------

    def commands(self) -> Iterator[SystemCommand]:
        """The command-palette entries of the estimate."""
        yield SystemCommand(
            "Spending limit",
            "Warn before this session's cost crosses an amount",
            self.ask_limit,
        )
        yield SystemCommand(
            "Count tokens with the provider",
            f"Ask {_counting_providers()} how many input tokens the next message has",
            self.ask_provider_count,
        )

    def ask_limit(self) -> None:
        """Ask for the current session's spending limit."""
        session_id = self.chats.session.id

        def done(amount: float | None) -> None:
            if amount is None:
                self.limits.pop(session_id, None)
            else:
                self.limits[session_id] = amount
                self._warned_over.discard(session_id)
            self._seen = None  # show it at the next tick

        self.app.push_screen(LimitScreen(self.limits.get(session_id)), done)

    @work(
        exclusive=True,
        group="provider-count",
        exit_on_error=False,
        description="ask the provider to count tokens",
    )
    async def ask_provider_count(self) -> None:
        """Ask the provider to count the next message's input tokens (Anthropic, Gemini)."""
        draft = self.draft()
        if draft is None:
            return
        try:
            target = await self.target_for(draft.spec)  # where the playground's sends go
            if not target.counts_tokens:
                self.notify(
                    f"{target.label} has no token-counting endpoint; the estimate (≈) is local",
                    title="Provider count",
                )
                return
            request, _ = target.prepare(
                ChatRequest(model=draft.model, messages=draft.messages, system=draft.system)
            )
            tokens = await target.count_tokens(request)
        except OpenMaaSError as exc:
            self.notify(f"{exc.code}: {exc.message}", title="Provider count", severity="error")
            return
        self.provider_count = (draft.key, tokens)
        if self.latest is not None and self.latest[0] == draft.key:
            self.show(draft, self.latest[1])
        self.notify(f"{tokens:,} input tokens (provider count)", title=target.label)


def _estimate(draft: Draft) -> Estimate:
    return estimate_input(
        draft.messages,
        draft.system,
        draft.provider,
        draft.model,
        window=draft.window,
        price=draft.price,
    )


__all__ = ["CountKind", "Draft", "EstimateLine", "LimitScreen"]


def _counting_providers() -> str:
    """The providers that count tokens themselves, as their specs declare: ``Anthropic or
    Google Gemini``."""
    labels = [s.label for s in SPECS.values() if s.token_count is TokenCounting.PROVIDER]
    return " or ".join([", ".join(labels[:-1]), labels[-1]] if len(labels) > 1 else labels)
