"""The compare screen saves each finished run in the history (on the store's worker thread):
once when every lane has ended, and again under the same id after a column is rerun."""

from __future__ import annotations

import asyncio

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.compare.export import run_json
from openmaas_tui.core.history.async_store import AsyncStore
from openmaas_tui.core.history.compare_runs import RunRecord, get_run, list_runs
from openmaas_tui.ui.app import PlaygroundApp
from tests.support.recordings import expected
from tests.support.replay import ReplayServer
from tests.support.synth import openai_stream_reply
from tests.ui.test_compare_screen import GEMINI, SIZE, TEXT, _race, three

__all__ = ["three"]  # the fixture, shared with the compare screen's tests


async def _saved(history: AsyncStore, count: int) -> list[RunRecord]:
    for _ in range(500):  # five seconds at most
        records = await history.call(list_runs)
        if len(records) >= count:
            return records
        await asyncio.sleep(0.01)
    raise AssertionError(f"{count} run(s) never saved")


async def test_a_finished_run_is_saved_and_a_rerun_updates_it(three: list[ReplayServer]) -> None:
    app = build_app(["--demo", "--no-keyring"])
    async with app.run_test(size=SIZE) as pilot:
        assert isinstance(app, PlaygroundApp)
        screen = await _race(pilot, three)
        history = await app.services.history()
        [record] = await _saved(history, 1)
        run = screen.run
        assert run is not None and record.id == run.id
        assert record.prompt == "Two names for a pet pelican"
        assert [t.status for t in record.targets] == ["done", "error", "done"]
        assert record.targets[1].error_code == "RATE_LIMITED"
        assert record.targets[0].output_tokens == expected(TEXT)["usage"]["output_tokens"]
        saved = await history.call(get_run, record.id)
        assert saved is not None
        assert [t["text"] for t in saved["targets"]][::2] == [
            expected(TEXT)["text"],
            expected(GEMINI)["text"],
        ]
        assert saved == run_json(run) | {"created_at": saved["created_at"]}
        # rerun the failing column: the same record is replaced, not a second one added
        three[1].default = openai_stream_reply(["Pip", " and Pelly"])
        screen.columns[1].focus()
        await pilot.press("r")
        for _ in range(500):
            records = await history.call(list_runs)
            if records[0].targets[1].status == "done":
                break
            await asyncio.sleep(0.01)
        [again] = records
        assert again.id == record.id and again.failed == 0
        assert again.updated_at >= record.updated_at
        saved = await history.call(get_run, record.id)
        assert saved is not None and saved["targets"][1]["text"] == "Pip and Pelly"
