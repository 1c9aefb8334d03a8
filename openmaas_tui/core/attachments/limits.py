"""Each provider's published limits on images, and the check made before a request is sent.

Limits, read 2026-12 (bytes are the image's own bytes, before base64):

- OpenAI (Chat Completions and Responses): "Up to 50 MB total payload size per request"
  (https://platform.openai.com/docs/guides/images-vision#image-input-requirements).
- Azure OpenAI: 20 MB per image ("Maximum image size: 20 MB",
  https://learn.microsoft.com/en-us/azure/ai-foundry/openai/quotas-limits).
- Anthropic: 5 MB per image through the API, at most 8000x8000 px
  (https://docs.anthropic.com/en/docs/build-with-claude/vision#faq).
- Gemini API: inline data while the whole request stays under 20 MB
  (https://ai.google.dev/gemini-api/docs/image-understanding#inline-image).
- Vertex AI: 7 MB per image sent inline
  (https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/image-understanding).
- Bedrock Converse: 3.75 MB per image, at most 8000x8000 px
  (https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html).
- Mistral: 10 MB per image (https://docs.mistral.ai/capabilities/vision/#faq).
- Cohere: 20 MB of images per request (https://docs.cohere.com/docs/image-inputs).

Ollama and the other OpenAI-compatible servers publish no limit; nothing is checked for them.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from openmaas_tui.core.attachments.images import (
    MB,
    SUPPORTED,
    format_bytes,
    part_dimensions,
    unsupported,
)
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.catalog import find_model
from openmaas_tui.core.types import ChatRequest, ImagePart


@dataclass(frozen=True, slots=True)
class ImageLimit:
    """A provider's published limits on images.

    Attributes:
        per_image_bytes: the most bytes one image may have, or None.
        per_request_bytes: the most bytes all images of a request may have together, or None.
        max_side_px: the most pixels an image may have on either side, or None.
        source: the page the limits are published on.
    """

    per_image_bytes: int | None = None
    per_request_bytes: int | None = None
    max_side_px: int | None = None
    source: str = ""


_OPENAI = ImageLimit(
    per_request_bytes=50 * MB,
    source="https://platform.openai.com/docs/guides/images-vision#image-input-requirements",
)

LIMITS: dict[str, ImageLimit] = {
    "openai": _OPENAI,
    "azure": ImageLimit(
        per_image_bytes=20 * MB,
        source="https://learn.microsoft.com/en-us/azure/ai-foundry/openai/quotas-limits",
    ),
    "anthropic": ImageLimit(
        per_image_bytes=5 * MB,
        max_side_px=8000,
        source="https://docs.anthropic.com/en/docs/build-with-claude/vision#faq",
    ),
    "gemini": ImageLimit(
        per_request_bytes=20 * MB,
        source="https://ai.google.dev/gemini-api/docs/image-understanding#inline-image",
    ),
    "vertex": ImageLimit(
        per_image_bytes=7 * MB,
        source="https://cloud.google.com/vertex-ai/generative-ai/docs/multimodal/image-understanding",
    ),
    "bedrock": ImageLimit(
        per_image_bytes=3840 * 1024,
        max_side_px=8000,
        source="https://docs.aws.amazon.com/bedrock/latest/userguide/conversation-inference-call.html",
    ),
    "mistral": ImageLimit(
        per_image_bytes=10 * MB, source="https://docs.mistral.ai/capabilities/vision/#faq"
    ),
    "cohere": ImageLimit(
        per_request_bytes=20 * MB, source="https://docs.cohere.com/docs/image-inputs"
    ),
}
"""Published limits by provider id; a provider not listed has none we know of."""


def images_of(request: ChatRequest) -> Iterator[ImagePart]:
    """Every image in ``request``'s messages, oldest first."""
    for message in request.messages:
        if not isinstance(message.content, str):
            yield from (p for p in message.content if isinstance(p, ImagePart))


def check_images(request: ChatRequest, provider: str, model: str) -> None:
    """Refuse, before anything is sent, a request whose images ``provider``'s ``model`` would
    refuse.

    A model the catalog knows without vision takes no image; a model it does not know (local
    and custom models) is given the benefit of the doubt.

    Raises:
        OpenMaaSError: INVALID_REQUEST when the model takes no images, or an image is over the
            provider's limit (the message says the limit and where it is published);
            UNSUPPORTED_FILE_FORMAT for an image that is not PNG, JPEG, WebP or GIF.
    """
    images = list(images_of(request))
    if not images:
        return
    info = find_model(provider, model)
    if info is not None and not info.vision:
        raise OpenMaaSError(
            ErrorCode.INVALID_REQUEST,
            f"{provider}/{model} does not take images; nothing was sent",
            provider=provider,
            hint="pick a model that sees images (ctrl+l in the app, -m with ask)",
        )
    for image in images:
        if image.media_type not in SUPPORTED:
            raise unsupported(image.name or f"an {image.media_type} image")
    limit = LIMITS.get(provider)
    if limit is None:
        return
    for image in images:
        _check_one(image, limit, provider)
    total = sum(image.size_bytes for image in images)
    if limit.per_request_bytes is not None and total > limit.per_request_bytes:
        raise _over(
            f"the images come to {format_bytes(total)}; {provider} takes at most "
            f"{format_bytes(limit.per_request_bytes)} per request",
            limit,
            provider,
        )


def _check_one(image: ImagePart, limit: ImageLimit, provider: str) -> None:
    name = image.name or "an image"
    size = image.size_bytes
    if limit.per_image_bytes is not None and size > limit.per_image_bytes:
        raise _over(
            f"{name} is {format_bytes(size)}; {provider} takes at most "
            f"{format_bytes(limit.per_image_bytes)} per image",
            limit,
            provider,
        )
    side = limit.max_side_px
    found = part_dimensions(image) if side is not None else None
    if side is not None and found is not None and max(found) > side:
        raise _over(
            f"{name} is {found[0]}x{found[1]} px; {provider} takes at most {side}x{side} px",
            limit,
            provider,
        )


def _over(message: str, limit: ImageLimit, provider: str) -> OpenMaaSError:
    return OpenMaaSError(
        ErrorCode.INVALID_REQUEST,
        f"{message} ({limit.source}); nothing was sent",
        provider=provider,
        hint="attach a smaller image (scale it down or save it as jpeg)",
    )
