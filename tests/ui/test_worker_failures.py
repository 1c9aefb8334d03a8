"""A worker that fails, whoever started it (the app, a screen, a widget deep in one), is reported
once, by the app: the error's code and message, nothing raw, never a traceback; and the app goes
on working."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from textual.dom import DOMNode
from textual.pilot import Pilot
from textual.worker import WorkerFailed

import openmaas_tui.ui
from openmaas_tui.cli.main import build_app
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.workers import MAX_FAILURE_CHARS, failure_text
from tests.support.ui import ask

SIZE = (120, 40)


def _demo_app(home: Path) -> PlaygroundApp:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("demo_tokens_per_s = 100000\n", encoding="utf-8")
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    return app


async def _owner(pilot: Pilot[None], app: PlaygroundApp, which: str) -> DOMNode:
    if which == "app":
        return app
    if which == "screen":
        return app.playground
    if which == "answer":  # a widget deep in a chat pane, owner of the answer's stream
        return await ask(pilot, "hello")
    return app.playground.estimate  # a widget inside the screen


@pytest.mark.parametrize("which", ["app", "screen", "widget", "answer"])
async def test_a_failing_worker_is_reported_once_and_the_app_goes_on(
    isolated_home: Path, which: str
) -> None:
    app = _demo_app(isolated_home)
    async with app.run_test(size=SIZE) as pilot:
        await app.workers.wait_for_complete()
        await pilot.pause()
        before = list(app._notifications)

        def fail() -> None:
            raise RuntimeError("[b]boom[/b]\x1b[2J key sk-abcdefghijklmnopqrstuv")

        owner = await _owner(pilot, app, which)
        before = list(app._notifications)
        worker = owner.run_worker(
            fail,
            thread=True,
            group="test",
            exit_on_error=False,
            description="test the report",
        )
        with pytest.raises(WorkerFailed):
            await worker.wait()
        await pilot.pause()
        await pilot.pause()
        new = [n for n in app._notifications if n not in before]
        assert [(n.title, n.severity) for n in new] == [("Could not test the report", "error")]
        message = new[0].message
        assert message.startswith("RuntimeError: [b]boom[/b]␛[2J key sk-…")
        assert "\x1b" not in message and "abcdefghijklmnop" not in message
        assert "Traceback" not in message and not new[0].markup
        assert app.is_running
        await pilot.press(*"hi", "enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert app.playground.current.messages[-1].text.startswith("*Demo model (offline)")


def test_the_failure_text_names_the_code_and_says_no_more_than_it_should() -> None:
    error = OpenMaaSError(ErrorCode.STORAGE_FAILED, "history.db: disk I/O error")
    assert failure_text(error) == "STORAGE_FAILED: history.db: disk I/O error"
    assert failure_text(ValueError()) == "ValueError"
    long = failure_text(RuntimeError("x" * 1000))
    assert len(long) == MAX_FAILURE_CHARS and long.endswith("…")
    assert failure_text(RuntimeError("two\nlines\r\x07\x9b")) == "RuntimeError: two\nlines␍␇\\u009b"


def _starts_workers(cls: ast.ClassDef) -> bool:
    """Whether a class body starts a worker of its own: ``@work`` or ``self.run_worker(``."""
    for node in ast.walk(cls):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            for deco in node.decorator_list:
                target = deco.func if isinstance(deco, ast.Call) else deco
                if isinstance(target, ast.Name) and target.id == "work":
                    return True
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr == "run_worker"
            and isinstance(node.func.value, ast.Name)
            and node.func.value.id == "self"
        ):
            return True
    return False


def test_every_class_that_starts_workers_reports_their_failures() -> None:
    """Textual tells a worker's failure only to the node that started it: a screen or widget
    that starts workers without mixing in WorkerOwner would fail silently."""
    ui = Path(openmaas_tui.ui.__file__).parent
    starters = []
    for path in sorted(ui.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef) and _starts_workers(node):
                bases = {b.id for b in node.bases if isinstance(b, ast.Name)}
                starters.append((f"{path.name}:{node.name}", "WorkerOwner" in bases))
    assert len(starters) >= 8  # the scan sees the UI's workers
    assert [name for name, owner in starters if not owner] == []
