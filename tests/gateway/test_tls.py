"""``openmaas serve --tls-cert FILE --tls-key FILE`` speaks HTTPS: the official ``openai`` SDK,
trusting a certificate made here, gets its answer over TLS; the two options go together, an
unusable pair is refused before anything listens, and ``--allow-remote`` without TLS says
loudly what travels in clear text."""

from __future__ import annotations

import datetime
import ipaddress
import ssl
import subprocess
import sys
from pathlib import Path

import openai
import pytest

from tests.conftest import FIXTURES
from tests.support.gateway import ROOT, GatewayProcess
from tests.support.replay import ReplayServer, fixture_reply


def _with_cryptography(cert: Path, key: Path) -> None:
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "openmaas test")])
    now = datetime.datetime.now(datetime.UTC)
    built = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .sign(private, hashes.SHA256())
    )
    cert.write_bytes(built.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(
        private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )


def _with_openssl(cert: Path, key: Path) -> None:
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256"]
        + ["-nodes", "-days", "1", "-subj", "/CN=openmaas test"]
        + ["-addext", "subjectAltName=IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
        timeout=60,
    )


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A self-signed certificate for 127.0.0.1 and its key (PEM files), made here."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    try:
        _with_cryptography(cert, key)
    except ImportError:
        try:
            _with_openssl(cert, key)
        except (OSError, subprocess.CalledProcessError):
            pytest.skip("neither the cryptography package nor openssl can make a certificate")
    return cert, key


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
