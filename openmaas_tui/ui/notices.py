"""What the person is told when the history cannot be read or written."""

from __future__ import annotations

from openmaas_tui.core.errors import OpenMaaSError


def storage_problem_text(problem: OpenMaaSError, *, in_memory: bool) -> str:
    """``STORAGE_FAILED: …`` (naming the file) and what it means for this run.

    Args:
        problem: the history's error.
        in_memory: the history could not be opened and this run keeps its chats in memory
            (otherwise a write failed and later changes may not be saved).
    """
    if in_memory:
        then = problem.hint or "This run keeps its chats in memory."
    else:
        then = "Changes from now on may not be saved."
    return f"{problem.code}: {problem.message}\n{then}"
