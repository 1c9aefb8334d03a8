"""``GET /v1/models`` of a real ``openmaas serve`` offers only providers that can sign a
request: parts with defaults (Vertex AI's location) or that sign nothing (a project, a region)
do not put a provider on the list; application default credentials and AWS files do."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.gateway import GatewayProcess
from tests.support.replay import ReplayServer


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own for the child, which inherits this environment: no gcloud or
    AWS files but those the test writes."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    monkeypatch.setenv("APPDATA", str(home / "AppData"))
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(home / ".aws" / "config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(home / ".aws" / "credentials"))
    return home


SIGN_NOTHING = {"GOOGLE_CLOUD_PROJECT": "test-project", "AWS_REGION": "us-east-1"}
"""Parts that, with no key and no credential files, sign nothing."""


@pytest.fixture
def serve(home: Path, upstream: ReplayServer) -> Iterator[Callable[[], GatewayProcess]]:
    """``openmaas serve`` started after the test wrote its files."""
    started: list[GatewayProcess] = []

    def start() -> GatewayProcess:
        started.append(GatewayProcess(home.parent / "openmaas-home", upstream.url))
        return started[-1]

    yield start
    for process in started:
        try:
            process.stop()
        finally:
            process.kill()


def providers_listed(gateway: GatewayProcess) -> dict[str, str]:
    """Each provider on the list, with one of its model ids."""
    reply = httpx.get(gateway.url + "/models", headers={"authorization": f"Bearer {gateway.token}"})
    assert reply.status_code == 200
    body = reply.json()
    assert body["object"] == "list"
    return {m["owned_by"]: m["id"] for m in body["data"]}


@pytest.mark.parametrize("parts", [{}, SIGN_NOTHING], ids=["nothing", "project-and-region"])
def test_no_credentials_no_vertex_or_bedrock_models(
    serve: Callable[[], GatewayProcess], monkeypatch: pytest.MonkeyPatch, parts: dict[str, str]
) -> None:
    for name, value in parts.items():
        monkeypatch.setenv(name, value)
    listed = providers_listed(serve())
    assert "vertex" not in listed and "bedrock" not in listed
    assert listed["openai"].startswith("openai/")  # its key is in the environment
    assert listed["demo"] == "demo"


def test_gcloud_adc_and_an_aws_file_put_them_on_the_list(
    home: Path, serve: Callable[[], GatewayProcess], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in SIGN_NOTHING.items():
        monkeypatch.setenv(name, value)
    gcloud = home / ".config" / "gcloud"
    gcloud.mkdir(parents=True)
    (gcloud / "application_default_credentials.json").write_text("{}", encoding="utf-8")
    (home / ".aws").mkdir()
    (home / ".aws" / "credentials").write_text("[default]\n", encoding="utf-8")
    listed = providers_listed(serve())
    assert listed["vertex"].startswith("vertex/") and listed["bedrock"].startswith("bedrock/")
