"""``openmaas serve --tls-cert FILE --tls-key FILE`` speaks HTTPS: the official ``openai`` SDK,
trusting a certificate made here, gets its answer over TLS; the two options go together, an
unusable pair is refused before anything listens, and ``--allow-remote`` without TLS says
loudly what travels in clear text."""

from __future__ import annotations

import ssl
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from tests.conftest import FIXTURES
from tests.support.certificates import self_signed
from tests.support.gateway import ROOT, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files), made here."""
    return self_signed(tmp_path_factory.mktemp("tls"))


async def test_the_openai_sdk_gets_its_answer_over_https(
    upstream: ReplayServer, certificate: tuple[Path, Path], tmp_path: Path
) -> None:
    cert, key = certificate
    args = ("--tls-cert", str(cert), "--tls-key", str(key))
    gateway = GatewayProcess(tmp_path / "home", upstream.url, extra_args=args)
    try:
        assert gateway.url.startswith("https://127.0.0.1:")
        upstream.queue(fixture_reply(FIXTURES / "openai/chat_json_text_after_tools.json"))
        trusted = ssl.create_default_context(cafile=str(cert))
        async with openai.DefaultAsyncHttpxClient(verify=trusted) as http:
            sdk = openai.AsyncOpenAI(
                base_url=gateway.url, api_key=gateway.token, http_client=http, max_retries=0
            )
            answer = await sdk.chat.completions.create(
                model="gpt-4o-mini", messages=[{"role": "user", "content": "hi"}]
            )
            assert answer.choices[0].message.content
            with pytest.raises(openai.APIConnectionError):  # plain HTTP is not spoken there
                plain = openai.AsyncOpenAI(
                    base_url=gateway.url.replace("https", "http"),
                    api_key=gateway.token,
                    max_retries=0,
                )
                await plain.models.list()
    finally:
        assert gateway.stop() == 0
        gateway.kill()


def _serve(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "openmaas_tui", "--no-keyring", "serve", "--port", "0", *args],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
        env={"OPENMAAS_HOME": str(home), "PYTHONPATH": str(ROOT), "PATH": ""},
    )


def test_a_cert_without_its_key_or_an_unusable_pair_is_refused(
    isolated_home: Path, certificate: tuple[Path, Path]
) -> None:
    cert, key = certificate
    alone = _serve(isolated_home, "--tls-cert", str(cert))
    assert alone.returncode == 1 and alone.stdout == ""
    assert "error INVALID_REQUEST: --tls-cert and --tls-key go together" in alone.stderr
    swapped = _serve(isolated_home, "--tls-cert", str(key), "--tls-key", str(cert))
    assert swapped.returncode == 1 and swapped.stdout == ""
    assert "error INVALID_SETTINGS: cannot use the TLS certificate and key" in swapped.stderr


async def test_allow_remote_without_tls_warns_loudly(
    upstream: ReplayServer, tmp_path: Path
) -> None:
    args = ("--host", "0.0.0.0", "--allow-remote")
    gateway = GatewayProcess(tmp_path / "home", upstream.url, extra_args=args)
    try:
        assert gateway.url.startswith("http://0.0.0.0:")
    finally:
        assert gateway.stop() == 0
        gateway.kill()
    assert "WARNING: listening on 0.0.0.0 WITHOUT TLS" in gateway.err
    assert "--tls-cert and --tls-key" in gateway.err
