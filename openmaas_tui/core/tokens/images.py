"""Input tokens of an image, by each provider's published rule.

Rules, read 2026-12:

- OpenAI (and Azure OpenAI, and OpenAI models at any provider), high detail (what ``auto``
  picks for our images, which carry no ``detail``): the image is fitted within 2048x2048, then
  scaled down so its shorter side is at most 768 px, and counted in 512 px tiles: base + tile
  tokens per tile, 85 + 170 for gpt-4o, gpt-4.1 and gpt-4.5, 2833 + 5667 for gpt-4o-mini,
  75 + 150 for o1 and o3, 70 + 140 for gpt-5. gpt-4.1-mini, gpt-4.1-nano, gpt-5-mini,
  gpt-5-nano and o4-mini count 32 px patches instead (at most 1536, the image scaled down to
  fit), times 1.62, 2.46, 1.62, 2.46 and 1.72
  (https://platform.openai.com/docs/guides/images-vision#calculating-costs).
- Anthropic (and Claude on Bedrock): tokens = width * height / 750, once an image whose long
  edge passes 1568 px is scaled down to it; about 1,600 tokens at most
  (https://docs.anthropic.com/en/docs/build-with-claude/vision#calculate-image-costs).
- Gemini (API and Vertex AI): 258 tokens when both sides are 384 px or less; larger images are
  cut into 768x768 tiles of 258 tokens each
  (https://ai.google.dev/gemini-api/docs/tokens#multimodal-tokens). Gemini 3 counts by media
  resolution instead, 1120 tokens an image at its default (high) resolution
  (https://ai.google.dev/gemini-api/docs/media-resolution).
- Mistral: one token per 16x16 px patch, plus one per row of patches (the row breaks), the
  image fitted within 1024x1024 (https://docs.mistral.ai/capabilities/vision/#faq).

Other providers (Cohere, Ollama, Amazon Nova, custom servers) publish no rule a count can be
made with; their images are estimated with gpt-4o's tile rule, as the estimate says (``≈``).
"""

from __future__ import annotations

import math

_TILES: tuple[tuple[str, int, int], ...] = (
    ("gpt-4o-mini", 2833, 5667),
    ("gpt-5", 70, 140),
    ("o1", 75, 150),
    ("o3", 75, 150),
)
"""Model prefixes with their own base and per-tile tokens; the rest take gpt-4o's 85 + 170."""

_PATCHES: tuple[tuple[str, float], ...] = (
    ("gpt-4.1-mini", 1.62),
    ("gpt-4.1-nano", 2.46),
    ("gpt-5-mini", 1.62),
    ("gpt-5-nano", 2.46),
    ("o4-mini", 1.72),
)
"""Models counted in 32 px patches, with their multipliers."""

ANTHROPIC_MAX_EDGE_PX = 1568
ANTHROPIC_MAX_TOKENS = 1600
GEMINI_TILE_TOKENS = 258
GEMINI_3_IMAGE_TOKENS = 1120


def _fit(width: int, height: int, box: int) -> tuple[float, float]:
    """``(width, height)`` scaled down (never up) to fit a ``box`` x ``box`` square."""
    scale = min(1.0, box / max(width, height))
    return width * scale, height * scale


def openai_tile_tokens(width: int, height: int, base: int = 85, per_tile: int = 170) -> int:
    """OpenAI's high-detail tile count: fit 2048, shorter side to 768, 512 px tiles."""
    w, h = _fit(width, height, 2048)
    shorter = min(w, h)
    if shorter > 768:
        w, h = w * 768 / shorter, h * 768 / shorter
    tiles = math.ceil(w / 512) * math.ceil(h / 512)
    return base + per_tile * tiles


def openai_patch_tokens(width: int, height: int, multiplier: float) -> int:
    """OpenAI's patch count: 32 px patches, at most 1536, times the model's multiplier."""
    patches = math.ceil(width / 32) * math.ceil(height / 32)
    if patches > 1536:
        shrink = math.sqrt(32 * 32 * 1536 / (width * height))
        w, h = width * shrink, height * shrink
        shrink *= min(math.floor(w / 32) / (w / 32), math.floor(h / 32) / (h / 32))
        patches = min(math.ceil(width * shrink / 32) * math.ceil(height * shrink / 32), 1536)
    return math.ceil(patches * multiplier)


def anthropic_tokens(width: int, height: int) -> int:
    """Claude's count: width * height / 750 after fitting the long edge to 1568 px."""
    w, h = _fit(width, height, ANTHROPIC_MAX_EDGE_PX)
    return min(math.ceil(w * h / 750), ANTHROPIC_MAX_TOKENS)


def gemini_tokens(width: int, height: int) -> int:
    """Gemini's count: 258 up to 384x384, else 258 per 768x768 tile."""
    if width <= 384 and height <= 384:
        return GEMINI_TILE_TOKENS
    return GEMINI_TILE_TOKENS * math.ceil(width / 768) * math.ceil(height / 768)


def mistral_tokens(width: int, height: int) -> int:
    """Mistral's count: 16 px patches plus a break per row, within 1024x1024."""
    w, h = _fit(width, height, 1024)
    columns, rows = math.ceil(w / 16), math.ceil(h / 16)
    return columns * rows + rows


def _openai(model: str, width: int, height: int) -> int:
    name = model.rsplit("/", 1)[-1].lower()
    for prefix, multiplier in _PATCHES:
        if name.startswith(prefix):
            return openai_patch_tokens(width, height, multiplier)
    for prefix, base, per_tile in _TILES:
        if name.startswith(prefix):
            return openai_tile_tokens(width, height, base, per_tile)
    return openai_tile_tokens(width, height)


def image_tokens(provider: str, model: str, width: int, height: int) -> int:
    """Input tokens of one ``width`` x ``height`` px image sent to ``provider``'s ``model``,
    by the rules in this module's docstring."""
    name = model.rsplit("/", 1)[-1].lower()
    if provider == "anthropic" or "anthropic." in name or name.startswith("claude"):
        return anthropic_tokens(width, height)
    if provider in ("gemini", "vertex") or name.startswith("gemini"):
        if name.startswith("gemini-3"):
            return GEMINI_3_IMAGE_TOKENS
        return gemini_tokens(width, height)
    if provider == "mistral":
        return mistral_tokens(width, height)
    return _openai(name, width, height)
