"""The parameter panel holds each decimal to the selected model's provider's range and says it;
controls the model ignores are greyed out with a tooltip saying why."""

from __future__ import annotations

from textual.widgets import Input, Static

from tests.ui.test_params_panel import Host


def _errors_shown(app: Host) -> str:
    return str(app.panel.query_one("#param-errors", Static).render())


async def test_anthropic_range_is_shown_refused_and_stepped_within() -> None:
    app = Host("claude-sonnet-4-5")
    async with app.run_test(size=(120, 40)) as pilot:
        temperature = app.panel.query_one("#temperature", Input)
        assert temperature.placeholder == "default · 0–1"
        assert "0–1 for Anthropic" in str(temperature.tooltip)
        temperature.focus()
        await pilot.press("1", "full_stop", "5")
        await pilot.pause()
        said = "temperature must be between 0 and 1 for Anthropic"
        assert app.panel.errors() == [said]
        assert said in _errors_shown(app) and temperature.has_class("-invalid")
        assert app.panel.params.temperature is None
        await pilot.press("right")  # from the nearest end of the range, and no further
        assert temperature.value == "1"
        await pilot.press("right", "plus")
        assert temperature.value == "1" and app.panel.errors() == []
        await pilot.press("left")
        assert temperature.value == "0.9" and app.panel.params.temperature == 0.9
        # Claude takes no penalties: greyed out, saying why
        row = app.panel.query_one("#row-presence_penalty")
        assert row.has_class("-off") and app.panel.query_one("#presence_penalty").disabled
        assert row.tooltip == "presence_penalty is not supported by claude-sonnet-4-5"
        assert app.panel.query_one("#presence_penalty", Input).placeholder == "not taken"


async def test_switching_provider_holds_what_is_typed_to_the_new_range() -> None:
    app = Host("gpt-4o-mini")
    async with app.run_test(size=(120, 40)) as pilot:
        temperature = app.panel.query_one("#temperature", Input)
        assert temperature.placeholder == "default · 0–2"
        temperature.focus()
        await pilot.press("1", "full_stop", "5")
        await pilot.pause()
        assert app.panel.errors() == [] and app.panel.params.temperature == 1.5
        app.panel.set_model("claude-haiku-4-5")
        await pilot.pause()
        assert app.panel.errors() == ["temperature must be between 0 and 1 for Anthropic"]
        assert temperature.has_class("-invalid") and temperature.value == "1.5"
        app.panel.set_model("cohere/command-a-03-2025")
        await pilot.pause()
        assert app.panel.errors() == ["temperature must be between 0 and 1 for Cohere"]
        presence = app.panel.query_one("#presence_penalty", Input)
        assert presence.placeholder == "default · 0–1"
        app.panel.set_model("gpt-4o-mini")
        await pilot.pause()
        assert app.panel.errors() == [] and not temperature.has_class("-invalid")
        assert presence.placeholder == "default · ±2"


async def test_the_demo_greys_out_json_output_saying_why() -> None:
    app = Host("demo")
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        row = app.panel.query_one("#row-response_format")
        assert row.has_class("-off")
        assert app.panel.query_one("#response_format").disabled
        assert row.tooltip == "the offline demo answers canned text: it ignores JSON output"
        assert not app.panel.query_one("#temperature", Input).disabled
