"""Images count in the pre-send estimate by each provider's published rule; the worked
examples of each page are checked here."""

from __future__ import annotations

import base64

import pytest

from openmaas_tui.core.tokens.count import count_messages
from openmaas_tui.core.tokens.images import (
    anthropic_tokens,
    gemini_tokens,
    image_tokens,
    mistral_tokens,
    openai_patch_tokens,
    openai_tile_tokens,
)
from openmaas_tui.core.types import ImagePart, Message, Role, TextPart
from tests.support.images import png


def test_openai_tiles_follow_the_guides_examples() -> None:
    # https://platform.openai.com/docs/guides/images-vision#calculating-costs:
    # 1024x1024 high detail: 768x768, four tiles, 85 + 170 * 4 = 765;
    # 2048x4096: fitted to 1024x2048, then 768x1536, six tiles, 85 + 170 * 6 = 1105.
    assert openai_tile_tokens(1024, 1024) == 765
    assert openai_tile_tokens(2048, 4096) == 1105
    assert image_tokens("openai", "gpt-4o-mini", 1024, 1024) == 2833 + 5667 * 4
    assert image_tokens("openai", "gpt-5", 1024, 1024) == 70 + 140 * 4


def test_openai_patches_follow_the_guides_examples() -> None:
    # Same page: 1024x1024 is 1024 patches; 1800x2400 is scaled to 1536 patches at most.
    assert openai_patch_tokens(1024, 1024, 1.0) == 1024
    assert openai_patch_tokens(1800, 2400, 1.0) <= 1536
    assert image_tokens("openai", "gpt-4.1-mini", 1024, 1024) == 1659  # ceil(1024 * 1.62)
    assert image_tokens("openai", "o4-mini", 1024, 1024) == 1762  # ceil(1024 * 1.72)


def test_claude_counts_area_over_750() -> None:
    # https://docs.anthropic.com/en/docs/build-with-claude/vision: 1092x1092 is about 1,590.
    assert anthropic_tokens(1092, 1092) == 1590
    assert anthropic_tokens(200, 200) == 54
    assert anthropic_tokens(4000, 4000) == 1600
    assert image_tokens("bedrock", "us.anthropic.claude-sonnet-4-5-20250929-v1:0", 200, 200) == 54


def test_gemini_counts_258_per_tile() -> None:
    assert gemini_tokens(384, 384) == 258
    assert gemini_tokens(1600, 900) == 258 * 3 * 2
    assert image_tokens("vertex", "gemini-2.5-flash", 100, 100) == 258
    assert image_tokens("gemini", "gemini-3-pro-preview", 100, 100) == 1120


def test_mistral_counts_16px_patches_and_row_breaks() -> None:
    assert mistral_tokens(1024, 1024) == 64 * 64 + 64
    assert mistral_tokens(2048, 1024) == 64 * 32 + 32


@pytest.mark.parametrize(
    ("provider", "model", "expected"),
    [
        ("openai", "gpt-4o", 85 + 170 * 2),  # two 512 px tiles across, one down
        ("anthropic", "claude-sonnet-4-5", 342),  # 640 * 400 / 750 = 341.3
        ("gemini", "gemini-2.5-flash", 258),
    ],
)
def test_an_attached_image_adds_its_tokens_to_the_prompt(
    provider: str, model: str, expected: int
) -> None:
    data = base64.b64encode(png(640, 400)).decode()
    text_only = count_messages([Message.user("what is this?")], None, provider, model)
    with_image = Message(Role.USER, (TextPart("what is this?"), ImagePart(data, "image/png")))
    assert count_messages([with_image], None, provider, model) - text_only == expected
