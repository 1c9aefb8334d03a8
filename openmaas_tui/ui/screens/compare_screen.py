"""The compare screen: pick 2–8 targets, send one prompt, watch every answer stream side by side.

The top bar (:class:`~openmaas_tui.ui.widgets.compare_bar.CompareBar`) adds targets (a model from
the same list as the parameter panel, with its own temperature / top_p / max_tokens; the same
model twice is fine), an optional system prompt and whether to send the current session's
conversation as context. Each target is a column
(:class:`~openmaas_tui.ui.widgets.compare_columns.CompareColumns`); ``enter`` in the prompt
starts a :class:`CompareRun` whose lanes stream as their own tasks on the shared client and
are drawn in the columns; when all have ended, the summary table appears under them and the run
is saved in the history.

Keys: ``enter`` sends; ``escape`` stops everything, or with nothing running goes back to the
prompt (from a column, the summary or the bar), and from the prompt back to the playground; in a
column ``s`` stops it, ``r`` reruns it, ``c`` continues with it as a chat, ``t`` opens its
reasoning, ``del`` removes it, ``←/→`` move between columns, and any other letter goes to the
prompt with the focus (the next prompt is being typed); ``ctrl+r`` reruns all, ``ctrl+t`` adds
the target set in the bar, ``ctrl+l`` picks the next target's model, ``f4`` goes to the
summary, ``ctrl+e`` exports the run (Markdown and JSON) to the data directory, ``f5`` attaches
an image to the prompt (as in the playground: a path field or a folder tree; a path pasted or
dropped into the prompt is attached too). The images go to every target with the prompt and,
like its text, stay on it for the next run; a target whose model takes no images fails alone.

The screen lays itself out, sends the prompt and does what a column's keys ask;
:mod:`.compare_running` starts, stops and sums up the run and saves it, :mod:`.compare_actions`
adds and removes targets and exports the run.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message as TMessage
from textual.reactive import Reactive
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Static

from openmaas_tui.core.compare.lane import CompareTarget, Lane
from openmaas_tui.core.models.choices import DEMO_LABEL
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.server_tools import ServerToolCall
from openmaas_tui.core.sessions.settings import params_of_request
from openmaas_tui.core.types import ImagePart, Message, ToolCall, Usage
from openmaas_tui.services import Services
from openmaas_tui.ui.playground.attaching import AttachActions, Attaching
from openmaas_tui.ui.screens.compare_actions import CompareActions
from openmaas_tui.ui.screens.model_choice import ModelChoice
from openmaas_tui.ui.widgets.attachments import AttachmentBar
from openmaas_tui.ui.widgets.compare_bar import CompareBar
from openmaas_tui.ui.widgets.compare_column import CompareColumn
from openmaas_tui.ui.widgets.compare_columns import CompareColumns
from openmaas_tui.ui.widgets.fitting_footer import FittingFooter
from openmaas_tui.ui.widgets.prompt import PromptArea
from openmaas_tui.ui.widgets.summary_table import CompareSummary
from openmaas_tui.ui.workers import WorkerOwner


class CompareScreen(AttachActions, CompareActions, WorkerOwner, Screen[None]):
    """Race several models on one prompt (see the module docstring).

    Args:
        services: the run's services (providers, prices, paths).
        targets: the columns to start with.
        choices: the model picker's ``(label, spec)`` pairs (the parameter panel's).
        context: the current session's conversation, offered as context.
        base_urls: a base URL for some specs (the playground's ``--base-url`` start model).
    """

    CSS_PATH = "compare.tcss"
    TITLE = "Compare"
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (120, "-wide")]
    """Below 120 columns the bar stacks its two groups of fields and the columns scroll
    sideways (``compare.tcss``): one row of them takes about 120."""

    NARROW_FOOTER: dict[str, str | None] = {
        "app.quit": None,
        "quit": None,
        "stop_or_close": "Stop/Back",
        "add_target": "Add",
        "rerun_all": "Rerun",
    }
    """The footer on a narrow terminal (:class:`FittingFooter`): quit gives way (ctrl+q still
    works) and some labels shorten."""
    BINDINGS = [
        Binding(
            "escape",
            "stop_or_close",
            "Stop all / Back",
            id="compare.stop_all",
            tooltip="Stop every target; else back to the prompt; from the prompt, leave",
        ),
        Binding("ctrl+t", "add_target", "Add target", id="compare.add"),
        Binding("ctrl+r", "rerun_all", "Rerun all", id="compare.rerun_all"),
        Binding("f4", "summary", "Summary", id="compare.summary"),
        Binding("ctrl+e", "export", "Export", id="compare.export"),
        Binding("ctrl+l", "focus_model", "Model", id="compare.model"),
        Binding(
            "f5", "attach", "Attach", show=False, id="compare.attach", tooltip="Attach an image"
        ),
    ]

    focused: Reactive[Widget | None] = Reactive(None, repaint=False)
    """As :attr:`Screen.focused`, without repainting every column's widgets at each move of
    the focus (those whose look depends on it repaint themselves: their styles change)."""

    @dataclass
    class ChatContinued(TMessage):
        """The person chose to carry on with one target's answer as a chat (the app opens
        it in the playground).

        Attributes:
            model_spec: the target's model, as the playground's picker names it.
            prompt: the prompt the target answered.
            answer_text: its answer.
            usage: the answer's token counts, or None when unknown.
            cost_usd: what the answer cost in USD, or None when unknown.
            estimated: whether the counts (and the cost) are local estimates.
            context: the conversation sent before the prompt.
            params: the system prompt and parameters the target was asked with (the chat
                keeps them).
            images: the images sent with the prompt (the chat's prompt keeps them).
            tool_calls: the calls the answer made (the chat takes their results).
            server_tools: the tools the target's provider ran itself for the answer.
            base_url: where the target asked its model, when not at its provider's endpoint
                (the chat goes on asking there), else None.
            api: ``chat`` or ``responses`` when the target chose one, else None.
        """

        model_spec: str
        prompt: str
        answer_text: str
        usage: Usage | None
        cost_usd: float | None
        estimated: bool
        context: tuple[Message, ...]
        params: RequestParams = field(default_factory=RequestParams)
        images: tuple[ImagePart, ...] = ()
        tool_calls: tuple[ToolCall, ...] = ()
        server_tools: tuple[ServerToolCall, ...] = ()
        base_url: str | None = None
        api: str | None = None

    def __init__(
        self,
        services: Services,
        *,
        targets: Sequence[CompareTarget] = (),
        choices: Sequence[tuple[str, str]] = ((DEMO_LABEL, "demo"),),
        context: Sequence[Message] = (),
        base_urls: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__()
        self.services = services
        self.context = tuple(context)
        first = targets[0].spec if targets else choices[0][1]
        self.bar = CompareBar(
            choices,
            first,
            context_size=len(self.context),
            base_urls=base_urls or {},
            id="compare-bar",
        )
        self.model_choice = ModelChoice(services)
        """ctrl+l: the model picker for the next target."""
        self.board = CompareColumns(list(targets), id="compare-columns")
        """The target columns; they draw the run."""
        self.attachments = AttachmentBar(id="compare-attachments")
        """The images that go with the prompt to every target (they stay, as its text does)."""
        self.attaching = Attaching(self, self.attachments)  # f5, pasted paths, the chips

    # -- layout ---------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Header()
        yield self.bar
        yield Static("Add 2–8 targets with ctrl+t, type a prompt, enter sends.", id="compare-hint")
        yield self.board
        yield CompareSummary(id="compare-summary")
        yield self.attachments
        yield PromptArea(id="compare-prompt", placeholder="One prompt for every target · enter")
        yield FittingFooter(narrow=self.NARROW_FOOTER)

    def on_mount(self) -> None:
        self._update_hint()
        self.query_one(PromptArea).focus()

    # -- sending, and a column's keys ------------------------------------------------------

    @on(PromptArea.Submitted, "#compare-prompt")
    async def send(self, event: PromptArea.Submitted) -> None:
        """Start every column on the prompt and the images attached to it."""
        prompt = event.text.strip()
        if not prompt:
            return
        await self.start([c.target for c in self.columns], prompt, self.attachments.images)

    @on(CompareColumn.Requested)
    async def _column_requested(self, event: CompareColumn.Requested) -> None:
        event.stop()
        columns = self.columns
        index = columns.index(event.column)
        if event.action == "type":  # the next prompt, begun in a column
            prompt = self.query_one("#compare-prompt", PromptArea)
            prompt.focus()
            prompt.insert(event.text)
            return
        if event.action == "move":
            columns[(index + event.step) % len(columns)].focus()
            return
        if event.action == "remove":
            await self._remove(event.column)
            return
        run = self.run
        if run is None or index >= len(run.lanes):
            self.notify("This target has not run yet: enter sends.", timeout=3)
            return
        if event.action == "stop":
            run.stop(index)
        elif event.action == "rerun":
            await event.column.restart()
            self._hide_summary()
            run.rerun(index)
            self.board.start_timer()
        elif event.action == "continue":
            self.continue_with(run.lanes[index])

    def continue_with(self, lane: Lane) -> None:
        """Ask to turn ``lane`` into a chat session (the prompt with its images, and the
        answer with its tool calls) and go there: posts :class:`ChatContinued`."""
        answer = lane.meter.completion()
        if self.run is None or not (answer.text or answer.tool_calls):
            self.notify("This target has no answer to continue with.", severity="warning")
            return
        usage, estimated = lane.usage()
        t = lane.target
        spec = f"{t.provider}/{t.spec}" if t.provider else t.spec
        run = self.run
        cost = lane.cost_usd()
        params = params_of_request(run.request_for(t))
        self.post_message(
            self.ChatContinued(
                spec,
                run.prompt,
                answer.text,
                usage,
                cost,
                estimated,
                run.context,
                params,
                run.images,
                answer.tool_calls,
                answer.server_tools,
                t.base_url,
                t.api,
            )
        )
