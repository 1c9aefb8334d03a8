"""Every parameter set from the keyboard in the playground, seen in the body the replay server
received; resets; JSON answers checked; streaming off."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from functools import partial
from typing import Any

import pytest
from textual.pilot import Pilot

from openmaas_tui.core.exchange.durations import forget_durations
from openmaas_tui.core.models.request_params import RequestParams
from openmaas_tui.core.sessions.params_state import Params
from openmaas_tui.core.types import ResponseFormat
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.answer_parts import JsonMarker
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply
from tests.support.synth import openai_stream_reply
from tests.support.ui import ask, palette_hits, replay_playground, settle, wait_until

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def _no_past_durations() -> None:
    forget_durations()


def _completion_body(text: str, finish_reason: str = "stop") -> bytes:
    payload = {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "model": "gpt-4o-mini",
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": text},
                "finish_reason": finish_reason,
            }
        ],
        "usage": {"prompt_tokens": 9, "completion_tokens": 4, "total_tokens": 13},
    }
    return json.dumps(payload).encode()


def openai_json_reply(text: str, finish_reason: str = "stop") -> Reply:
    """A non-streaming ``chat.completion`` body answering ``text``."""
    return Reply(body=_completion_body(text, finish_reason))


def held_json_reply(text: str, release: asyncio.Event) -> Reply:
    """Like :func:`openai_json_reply`, but the body comes only once ``release`` is set."""

    async def body() -> AsyncIterator[bytes]:
        await release.wait()
        yield _completion_body(text)

    return Reply(stream=body())


async def _down_to(pilot: Pilot[None], app: PlaygroundApp, field: str) -> None:
    """Press ↓ until ``field`` has focus (at most 15 times)."""
    for _ in range(15):
        if app.focused is not None and app.focused.id == field:
            return
        await pilot.press("down")
    raise AssertionError(f"↓ never reached {field}; stuck at {app.focused}")


async def _send(pilot: Pilot[None], app: PlaygroundApp, text: str = "hi") -> AnswerView:
    await pilot.press("escape")  # back to the prompt
    return await ask(pilot, text)


async def test_every_common_parameter_from_the_keyboard(server: ReplayServer) -> None:
    server.default = openai_json_reply('{"ok": true}')
    app = replay_playground(server, "openai", "gpt-4o-mini")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        assert app.focused is not None and app.focused.id == "model"
        await _down_to(pilot, app, "temperature")
        await pilot.press("right", "minus", "minus", "minus", "minus")  # 1.1, then 0.7
        await _down_to(pilot, app, "top_p")
        await pilot.press("left")  # 0.9
        await _down_to(pilot, app, "max_tokens")
        await pilot.press("left", "left")  # 512, 256
        await _down_to(pilot, app, "presence_penalty")
        await pilot.press("plus", "equals_sign")  # 0.1, 0.2
        await _down_to(pilot, app, "frequency_penalty")
        await pilot.press("minus", "0", "full_stop", "5")  # an empty field: "-" types a minus
        await _down_to(pilot, app, "seed")
        await pilot.press("right", "right", "right")  # 1, 2, 3
        await _down_to(pilot, app, "stop")
        await pilot.press(*"END, \\n\\n")
        await pilot.press("down")  # effort and thinking are off for gpt-4o-mini: skipped
        assert app.focused is not None and app.focused.id == "response_format"
        await pilot.press("right")  # JSON object
        await _down_to(pilot, app, "stream")
        await pilot.press("left")  # off
        await _down_to(pilot, app, "system")
        await pilot.press(*"Be brief.")
        assert app.playground.params.errors() == []
        view = await _send(pilot, app)
        body = server.last.json()
        assert body["temperature"] == 0.7 and body["top_p"] == 0.9
        assert body["max_tokens"] == 256 and body["seed"] == 3
        assert body["presence_penalty"] == 0.2 and body["frequency_penalty"] == -0.5
        assert body["stop"] == ["END", "\n\n"]
        assert body["response_format"] == {"type": "json_object"}
        assert "stream" not in body  # streaming off: the whole answer in one response
        assert body["messages"][0] == {"role": "system", "content": "Be brief."}
        assert view.json_check is not None and view.json_check.ok
        summary = str(app.playground.params.border_subtitle)
        assert "t0.7" in summary and "256 tok" in summary and "no stream" in summary


async def test_reasoning_effort_and_a_typed_schema(server: ReplayServer) -> None:
    server.default = openai_stream_reply(['{"n": ', "3}"])
    app = replay_playground(server, "openai", "gpt-5-mini")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "down")
        assert app.focused is not None and app.focused.id == "max_tokens"  # no temperature
        await _down_to(pilot, app, "reasoning_effort")
        await pilot.press("right", "right")  # minimal, low
        await _down_to(pilot, app, "response_format")
        await pilot.press("right", "right")  # JSON object, JSON schema
        await pilot.press("down")
        assert app.focused is not None and app.focused.id == "schema"
        await pilot.press(*'{"type": "object", "required": ["n"], "title": "count"}')
        await pilot.pause()
        assert app.playground.params.errors() == []
        await pilot.press("down")  # from the editor's last row on to the next field
        assert app.focused is not None and app.focused.id == "stream"
        await pilot.press("down", "up")
        assert app.focused is not None and app.focused.id == "stream"
        view = await _send(pilot, app)
        body = server.last.json()
        assert body["reasoning_effort"] == "low"
        assert body["response_format"] == {
            "type": "json_schema",
            "json_schema": {
                "name": "count",
                "schema": {"type": "object", "required": ["n"], "title": "count"},
            },
        }
        assert "temperature" not in body and body["stream"] is True
        assert view.json_check is not None and view.json_check.ok


async def test_thinking_budget_reaches_anthropic(server: ReplayServer) -> None:
    server.default = fixture_reply(fixture_path("anthropic/stream_text.sse"))
    app = replay_playground(server, "anthropic", "claude-sonnet-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o")
        await _down_to(pilot, app, "thinking_budget")
        await pilot.press("right", "right")  # 2048, 4096
        await pilot.press("up", "up")  # stop, then max_tokens
        assert app.focused is not None and app.focused.id == "max_tokens"
        await _send(pilot, app)
        body = server.last.json()
        assert body["thinking"] == {"type": "enabled", "budget_tokens": 4096}
        assert body["max_tokens"] > 4096


async def test_fields_a_model_does_not_take_are_disabled_with_a_reason(
    server: ReplayServer,
) -> None:
    app = replay_playground(server, "anthropic", "claude-haiku-4-5")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        panel = app.playground.params
        for name in ("seed", "presence_penalty", "reasoning_effort", "response_format"):
            assert panel.query_one(f"#{name}").disabled, name
            assert "not supported by claude-haiku-4-5" in str(
                panel.query_one(f"#row-{name}").tooltip
            )
        assert not panel.query_one("#thinking_budget").disabled
        panel.set_model("gpt-5")
        await pilot.pause()
        assert panel.query_one("#temperature").disabled
        assert not panel.query_one("#reasoning_effort").disabled


async def test_reset_the_field_then_everything(server: ReplayServer) -> None:
    app = replay_playground(server, "openai", "gpt-4o-mini")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "down", "right", "down", "left", "down", "right")
        assert app.focused is not None and app.focused.id == "max_tokens"
        assert (
            app.playground.params.params.temperature,
            app.playground.params.params.max_tokens,
        ) == (1.1, 2048)
        await pilot.press("ctrl+t")
        assert app.playground.params.params.max_tokens is None
        assert app.playground.params.params.temperature == 1.1
        await _down_to(pilot, app, "stream")
        await pilot.press("space")
        await pilot.press("ctrl+r")
        assert app.playground.params.params == Params(model="gpt-4o-mini")
        assert str(app.playground.params.border_subtitle) == "defaults"


SCHEMA = {"type": "object", "properties": {"n": {"type": "integer"}}, "required": ["n"]}


@pytest.mark.parametrize(
    ("pieces", "finish", "verdict", "shown"),
    [
        (['{"n": ', "3}"], "stop", "valid", "✓ valid JSON, matches the schema 'answer'"),
        (['{"n": "three"}'], "stop", "schema_violation", "✗ does not match the schema at $.n"),
        (['{"n": 3,,'], "stop", "invalid_json", "✗ invalid JSON: "),
        (['{"n": ', "3"], "length", "truncated", "✗ truncated JSON"),
    ],
)
async def test_json_schema_answers_are_checked(
    server: ReplayServer, pieces: list[str], finish: str, verdict: str, shown: str
) -> None:
    server.default = openai_stream_reply(pieces, finish_reason=finish)
    app = replay_playground(server, "openai", "gpt-4o-mini")
    async with app.run_test(size=SIZE) as pilot:
        fmt = ResponseFormat("json_schema", SCHEMA)
        app.playground.params.show_params(RequestParams(response_format=fmt))
        view = await _send(pilot, app)
        assert view.json_check is not None and view.json_check.verdict == verdict
        marker = view.query_one(JsonMarker)
        assert str(marker.render()).startswith(shown)
        assert marker.has_class("-ok") is (verdict == "valid")


async def test_streaming_off_shows_progress_then_the_answer(server: ReplayServer) -> None:
    releases = [asyncio.Event(), asyncio.Event()]
    server.queue(held_json_reply("first", releases[0]))
    server.queue(held_json_reply("second", releases[1]))
    app = replay_playground(server, "openai", "gpt-4o-mini")
    async with app.run_test(size=SIZE) as pilot:
        app.playground.params.show_params(RequestParams(stream=False))
        seen: list[Any] = []

        def waiting(view: AnswerView) -> bool:
            return view.waiting is not None

        for text, release in zip(("one", "two"), releases, strict=True):
            await pilot.press("escape", *text, "enter")
            view = list(app.query(AnswerView))[-1]
            await wait_until(pilot, partial(waiting, view), what="the progress line")
            assert view.waiting is not None
            seen.append((str(view.waiting.label.render()), view.waiting.bar.total))
            assert view.meter.completion().text == ""
            release.set()
            await settle(pilot)
            assert view.waiting is None and not view.query("WaitingBar")
            assert view.meter.completion().text in ("first", "second")
        assert seen[0][0].startswith("waiting for the whole answer · ")
        assert seen[0][0].endswith("(first answer from this model)") and seen[0][1] is None
        assert " of ~" in seen[1][0]  # the first answer's duration is the estimate
        assert seen[1][1] is not None and seen[1][1] > 0
        assert [r.json().get("stream") for r in server.requests] == [None, None]


async def _palette(pilot: Pilot[None], app: PlaygroundApp, command: str) -> None:
    """Run ``command`` from the command palette, as typed."""
    await pilot.press("ctrl+p")
    await pilot.pause()
    await pilot.press(*command)
    await wait_until(pilot, lambda: palette_hits(app), what=f"a command matching {command!r}")
    await pilot.press("enter")
    await pilot.pause()


async def test_presets_save_load_and_delete_from_the_palette(
    server: ReplayServer, isolated_home: Any
) -> None:
    app = replay_playground(server, "openai", "gpt-4o-mini")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("ctrl+o", "down", "left", "left", "down", "down", "right")  # 0.8, 2048
        saved = app.playground.params.params
        assert (saved.temperature, saved.max_tokens) == (0.8, 2048)
        await _palette(pilot, app, "Save parameters as preset")
        assert app.screen.query_one("#preset-name") is not None
        await pilot.press(*"warm", "enter")
        await pilot.pause()
        text = (isolated_home / "presets.toml").read_text(encoding="utf-8")
        assert "[presets.warm]" in text and "temperature = 0.8" in text
        await pilot.press("ctrl+o", "ctrl+r")
        assert app.playground.params.params == Params(model="gpt-4o-mini")
        await _palette(pilot, app, "Load preset: warm")
        assert app.playground.params.params == saved
        await _palette(pilot, app, "Delete preset: warm")
        assert "warm" not in (isolated_home / "presets.toml").read_text(encoding="utf-8")
