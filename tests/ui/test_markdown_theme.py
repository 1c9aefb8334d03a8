"""The Markdown of answers takes its colours from the app's theme: ``theme`` in config.toml
starts the playground in it (an unknown name is an INVALID_SETTINGS notice, not a crash), and a
theme change draws the welcome, a streamed answer and an answer from the history again in the
new theme's colours."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.color import Color as RichColor
from rich.segment import Segment
from textual.app import App
from textual.color import Color
from textual.pilot import Pilot
from textual.strip import Strip
from textual.theme import BUILTIN_THEMES

from openmaas_tui.cli.main import build_app
from openmaas_tui.core.errors import ErrorCode
from openmaas_tui.ui.app import PlaygroundApp
from openmaas_tui.ui.markdown.theme import (
    ELEMENTS,
    default_markdown_styles,
    markdown_styles,
    resolve_color,
    theme_variables,
)
from openmaas_tui.ui.widgets.answer import AnswerView
from openmaas_tui.ui.widgets.message_view import FinishedAnswer
from openmaas_tui.ui.widgets.welcome import Welcome

SIZE = (160, 50)


def _text_primary(theme: str) -> RichColor:
    """The colour of headings and bullets in ``theme`` (its ``$text-primary``)."""
    variables = theme_variables(BUILTIN_THEMES[theme])
    colour = resolve_color(variables["text-primary"], Color.parse(variables["background"]))
    assert colour is not None
    return colour


def _colours(lines: list[Strip]) -> set[RichColor]:
    return {
        segment.style.color
        for line in lines
        for segment in line
        if isinstance(segment, Segment) and segment.style and segment.style.color
    }


def _config(home: Path, text: str) -> None:
    home.mkdir(parents=True, exist_ok=True)
    (home / "config.toml").write_text("demo_tokens_per_s = 100000\n" + text, encoding="utf-8")


# --- the styles -----------------------------------------------------------------------------


def test_each_element_takes_its_colour_from_the_theme() -> None:
    nord = markdown_styles(BUILTIN_THEMES["nord"])
    assert set(ELEMENTS) <= set(nord.styles)
    assert nord.styles["markdown.h1"].color == _text_primary("nord")
    assert nord.styles["markdown.h1"].bold and nord.styles["markdown.h1"].underline
    assert nord.styles["markdown.code"].color == RichColor.parse("#F1DCB2")  # $text-warning
    # $text-muted is "auto 60%": white at 60% over nord's #2E3440 background.
    assert nord.styles["markdown.block_quote"].color == RichColor.parse("#ABADB2")
    light = markdown_styles(BUILTIN_THEMES["textual-light"])
    assert light.styles["markdown.h1"].color != nord.styles["markdown.h1"].color


def test_styles_are_resolved_once_per_theme() -> None:
    nord = BUILTIN_THEMES["nord"]
    assert markdown_styles(nord) is markdown_styles(nord)
    assert markdown_styles(nord) is not markdown_styles(BUILTIN_THEMES["gruvbox"])
    assert default_markdown_styles() is markdown_styles(BUILTIN_THEMES["textual-dark"])


def test_ansi_themes_use_the_terminals_own_colours() -> None:
    styles = markdown_styles(BUILTIN_THEMES["ansi-dark"])
    assert styles.styles["markdown.h1"].color == RichColor.parse("color(4)")  # ansi_blue
    quote = styles.styles["markdown.block_quote"]  # ansi_default 50%: no colour, dimmed
    assert quote.color is None and quote.dim and quote.italic


@pytest.mark.parametrize("value", ["", "nonsense", "auto much", "auto 150%", "#12345"])
def test_a_value_that_is_no_colour_gives_none(value: str) -> None:
    assert resolve_color(value, Color(0, 0, 0)) is None


# --- the app ---------------------------------------------------------------------------------


async def _ask(app: PlaygroundApp, pilot: Pilot[None], text: str) -> None:
    await pilot.press(*text, "enter")
    await pilot.pause()
    await app.workers.wait_for_complete()
    await pilot.pause()


async def _change_theme(pilot: Pilot[None], name: str) -> None:
    pilot.app.theme = name
    await pilot.pause()
    await pilot.pause()


async def test_the_configured_theme_colours_answers_and_a_change_redraws_them(
    isolated_home: Path,
) -> None:
    _config(isolated_home, 'theme = "nord"\n')
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    nord, gruvbox = _text_primary("nord"), _text_primary("gruvbox")
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        assert app.theme == "nord"
        welcome = app.query_one(Welcome)
        assert nord in _colours(welcome.lines)
        await _ask(app, pilot, "hi")
        streamed = app.query_one(AnswerView).answer
        assert nord in _colours(streamed.lines)
        assert _text_primary("textual-dark") not in _colours(streamed.lines)

        await _change_theme(pilot, "gruvbox")
        for widget in (welcome, streamed):
            assert gruvbox in _colours(widget.lines) and nord not in _colours(widget.lines)


async def test_an_answer_from_the_history_follows_a_theme_change(isolated_home: Path) -> None:
    _config(isolated_home, "")
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await _ask(app, pilot, "hi")  # textual-dark: Textual's default

    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        await pilot.press("ctrl+s", "down", "enter")
        await pilot.pause()
        stored = app.query_one(FinishedAnswer)
        assert _text_primary("textual-dark") in _colours(stored.lines)
        await _change_theme(pilot, "nord")
        assert _text_primary("nord") in _colours(stored.lines)
        assert _text_primary("textual-dark") not in _colours(stored.lines)


def test_an_unknown_theme_is_invalid_settings_naming_the_file_and_the_themes(
    isolated_home: Path,
) -> None:
    """The playground still opens, in the default theme, and says why in a notice."""
    _config(isolated_home, 'theme = "solarised"\n')
    config = isolated_home / "config.toml"
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    [error] = app.notices
    assert error.code is ErrorCode.INVALID_SETTINGS
    assert f"{config}:2" in error.message and "'solarised'" in error.message
    assert "solarized-dark" in error.message and "nord" in error.message
    assert error.hint is not None and "default theme" in error.hint
    assert app.theme == App[None]().theme


def test_a_theme_that_is_not_a_name_is_refused_with_its_line(isolated_home: Path) -> None:
    _config(isolated_home, "theme = 3\n")
    app = build_app(["--demo", "--no-keyring"])
    assert isinstance(app, PlaygroundApp)
    [error] = app.notices
    assert error.code is ErrorCode.INVALID_SETTINGS
    assert f"{isolated_home / 'config.toml'}:2" in error.message
    assert app.services.settings.theme is None
