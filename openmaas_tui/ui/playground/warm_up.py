"""Work done in threads while the person types, so that the first answer does not stall."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.dom import DOMNode

from openmaas_tui.core.config.endpoint import Endpoint
from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.models.catalog import route
from openmaas_tui.core.tokens.count import encoding_for
from openmaas_tui.ui.markdown.lines import warm_up as draw_sample


class WarmUp:
    """Loads a model's tokenizer and, once, draws a Markdown sample, in threads: loading a
    tokenizer takes about 0.3 s and holds the interpreter, and the first code fence imports
    the highlighter; either would stall the first answer.

    Args:
        host: the node whose workers these are (ending it cancels them).
        endpoints: the custom endpoints, to route a model name.
    """

    def __init__(self, host: DOMNode, endpoints: dict[str, Endpoint]) -> None:
        self.host = host
        self.endpoints = endpoints
        self._drawn_sample = False

    def __call__(self, spec: str) -> None:
        """Warm up for the model ``spec`` names."""
        try:
            r = route(spec, endpoints=self.endpoints)
            provider, model = r.provider, r.model
        except OpenMaaSError:
            provider, model = "", spec
        self._run(partial(encoding_for, provider, model), "load the tokenizer")
        if not self._drawn_sample:
            self._drawn_sample = True
            self._run(draw_sample, "draw a Markdown sample")

    def _run(self, job: Callable[[], object], description: str) -> None:
        self.host.run_worker(
            job, thread=True, group="warm", exit_on_error=False, description=description
        )
