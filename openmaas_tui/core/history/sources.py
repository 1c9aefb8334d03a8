"""Where a session came from: which face started it, kept with it (schema 7).

The sidebar marks each session by its source and can list only the playground's
(:mod:`~openmaas_tui.core.history.listing`); ``openmaas sessions list --source`` filters by it.
The spend ledger says which face ran each *answer*
(:class:`~openmaas_tui.core.history.ledger.SpendSource`); this says which face made the
*session*, whatever face answered in it later (``openmaas ask --session`` keeps a playground
chat a playground chat).
"""

from __future__ import annotations

from enum import StrEnum


class SessionSource(StrEnum):
    """The face that started a session.

    - ``playground``: a chat started in the playground (and any session whose start is not
      known: those stored before schema 7 that no answer of ``ask`` began);
    - ``ask``: ``openmaas ask`` (a new session);
    - ``compare``: carried on from a compare answer (the playground's "carry on");
    - ``gateway``: a request through ``openmaas serve`` kept as a session;
    - ``import``: ``openmaas sessions import``.
    """

    PLAYGROUND = "playground"
    ASK = "ask"
    COMPARE = "compare"
    GATEWAY = "gateway"
    IMPORT = "import"
    # schema 7's CHECK lists these values: a new one needs a migration that widens it
