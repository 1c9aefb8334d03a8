"""Before anything is sent: a model the catalog knows without vision refuses images, and an
image over its provider's published limit is refused with the limit in the message."""

from __future__ import annotations

import base64

import pytest

from openmaas_tui.core.attachments.images import format_bytes
from openmaas_tui.core.attachments.limits import LIMITS, check_images
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.types import ChatRequest, ImagePart, Message, Role, TextPart
from tests.support.images import png


def _request(*images: ImagePart) -> ChatRequest:
    return ChatRequest("m", (Message(Role.USER, (TextPart("what is it?"), *images)),))


def _sized(size: int, name: str = "big.png") -> ImagePart:
    data = png(8, 8)
    padded = data + b"\0" * (size - len(data))
    return ImagePart(base64.b64encode(padded).decode(), "image/png", name)


def test_text_only_requests_are_never_refused() -> None:
    check_images(ChatRequest("demo", (Message.user("hi"),)), "demo", "demo")


def test_a_catalog_model_without_vision_refuses_images() -> None:
    with pytest.raises(OpenMaaSError) as caught:
        check_images(_request(_sized(100)), "openai", "o3-mini")
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert "openai/o3-mini does not take images" in caught.value.message
    assert "nothing was sent" in caught.value.message


def test_a_model_the_catalog_does_not_know_is_given_the_benefit_of_the_doubt() -> None:
    check_images(_request(_sized(100)), "ollama", "llava:13b")
    check_images(_request(_sized(100)), "my-endpoint", "whatever")


@pytest.mark.parametrize(
    ("provider", "model", "limit"),
    [
        ("anthropic", "claude-sonnet-4-5", "5 MB per image"),
        ("bedrock", "amazon.nova-lite-v1:0", "3.75 MB per image"),
        ("vertex", "gemini-2.5-flash", "7 MB per image"),
        ("mistral", "pixtral-large-latest", "10 MB per image"),
        ("azure", "gpt-4o", "20 MB per image"),
    ],
)
def test_an_image_over_the_providers_limit_says_the_limit(
    provider: str, model: str, limit: str
) -> None:
    per_image = LIMITS[provider].per_image_bytes
    assert per_image is not None
    check_images(_request(_sized(per_image)), provider, model)  # at the limit: fine
    with pytest.raises(OpenMaaSError) as caught:
        check_images(_request(_sized(per_image + 1)), provider, model)
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    assert limit in caught.value.message and "big.png" in caught.value.message
    assert LIMITS[provider].source in caught.value.message


@pytest.mark.parametrize(
    ("provider", "model"), [("openai", "gpt-4o"), ("gemini", "gemini-2.5-pro")]
)
def test_request_limits_add_the_images_up(provider: str, model: str) -> None:
    total = LIMITS[provider].per_request_bytes
    assert total is not None
    half = _sized(total // 2)
    check_images(_request(half, half), provider, model)
    with pytest.raises(OpenMaaSError) as caught:
        check_images(_request(half, half, _sized(10)), provider, model)
    assert f"at most {format_bytes(total)} per request" in caught.value.message


def test_an_image_wider_than_the_provider_takes_is_refused() -> None:
    wide = ImagePart(base64.b64encode(png(8001, 2)).decode(), "image/png", "wide.png")
    with pytest.raises(OpenMaaSError) as caught:
        check_images(_request(wide), "anthropic", "claude-haiku-4-5")
    assert "8001x2 px" in caught.value.message and "8000x8000 px" in caught.value.message


def test_an_image_of_another_format_is_unsupported() -> None:
    tiff = ImagePart("SUkqAA==", "image/tiff", "scan.tiff")
    with pytest.raises(OpenMaaSError) as caught:
        check_images(_request(tiff), "openai", "gpt-4o")
    assert caught.value.code is ErrorCode.UNSUPPORTED_FILE_FORMAT
    assert "scan.tiff" in caught.value.message and "png, jpeg, webp, gif" in caught.value.message


def test_sizes_read_as_people_read_them() -> None:
    assert [format_bytes(n) for n in (12, 2048, 3840 * 1024, 50 * 1024 * 1024)] == [
        "12 bytes",
        "2 KB",
        "3.75 MB",
        "50 MB",
    ]
