"""The live token estimate of one exchange: ``≈`` counts while the answer streams.

The prompt is counted and the answer's tokenizer loaded in a thread when the exchange starts
(tiktoken's encodings take a moment to load); until then there is no estimate. Streamed text is
only put aside per event (one list append); it is fed to the
:class:`~openmaas_tui.core.tokens.count.IncrementalCounter` when the estimate is read (the UI's
10 Hz timer, the end of the exchange), so the streaming loop never encodes anything.
"""

from __future__ import annotations

import asyncio

from openmaas_tui.core.errors import OpenMaaSError
from openmaas_tui.core.tokens.count import IncrementalCounter, count_messages
from openmaas_tui.core.types import ChatRequest, Usage


class LiveCount:
    """Local (tiktoken) counts of one exchange: its prompt and the output so far.

    Attributes:
        input_tokens: the prompt's estimated tokens, None until counted.
        pending: text received but not counted yet; the exchange appends to it (O(1)).
    """

    def __init__(self) -> None:
        self.input_tokens: int | None = None
        self.pending: list[str] = []
        self._counter: IncrementalCounter | None = None

    async def load(self, request: ChatRequest, provider: str, model: str) -> None:
        """Count ``request``'s prompt and load ``model``'s tokenizer off the event loop.

        A damaged tokenizer file (an OpenMaaSError) leaves no estimate: the provider's
        reported usage still comes.
        """

        def count() -> tuple[int, IncrementalCounter]:
            prompt = count_messages(request.messages, request.system, provider, model)
            return prompt, IncrementalCounter.for_model(provider, model)

        try:
            self.input_tokens, self._counter = await asyncio.to_thread(count)
        except OpenMaaSError:
            pass

    def usage(self) -> Usage | None:
        """The estimate so far: prompt and output tokens; only the prompt while the tokenizer
        loads; None before the prompt is counted."""
        counter = self._counter
        if counter is None:
            return None if self.input_tokens is None else Usage(self.input_tokens)
        if self.pending:
            counter.feed("".join(self.pending))
            self.pending.clear()
        return Usage(self.input_tokens, counter.tokens)
