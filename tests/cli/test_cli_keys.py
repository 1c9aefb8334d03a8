"""``openmaas keys``: set from stdin (never argv), list masked with the backend named, delete,
and test against a loopback server (ok, and AUTH_FAILED on a bad key)."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

from openmaas_tui.cli.main import main
from openmaas_tui.core.credentials.keys import SERVICE
from tests.support.memory_keyring import MemoryKeyring
from tests.support.recordings import fixture_path
from tests.support.replay import ReplayServer, fixture_reply
from tests.support.server import Reply

KEY = "sk-ant-test-keys-cli-000000000abcd"


def _keys(
    argv: list[str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    stdin: str = "",
) -> tuple[int, str]:
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = main(["keys", *argv])
    out, err = capsys.readouterr()
    return code, out + err


def test_set_list_delete(
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    code, out = _keys(["set", "anthropic"], capsys, monkeypatch, stdin=KEY + "\n")
    assert code == 0
    assert memory_keyring.store[(SERVICE, "anthropic")] == KEY
    assert KEY not in out and "sk-…abcd" in out

    code, out = _keys(["list"], capsys, monkeypatch)
    assert code == 0
    assert "keyring backend: memory keyring MemoryKeyring" in out
    assert "anthropic" in out and "sk-…abcd" in out and "keyring" in out
    assert KEY not in out

    code, out = _keys(["delete", "anthropic"], capsys, monkeypatch)
    assert code == 0 and "deleted" in out
    assert memory_keyring.store == {}


def test_unknown_provider_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    code, out = _keys(["set", "nosuch"], capsys, monkeypatch, stdin=KEY)
    assert code == 1
    assert "INVALID_REQUEST" in out and "providers: openai" in out


def test_the_key_is_never_taken_from_argv() -> None:
    with pytest.raises(SystemExit):
        main(["keys", "set", "openai", "sk-test-on-the-command-line-0000"])


def test_key_test_reports_ok_and_auth_failed(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    server = ReplayServer(Reply.json_body({"data": [{"id": "gpt-4o-mini"}, {"id": "gpt-4o"}]}))
    server.queue(fixture_reply(fixture_path("openai/error_401_invalid_key.json")))
    server.start_in_thread()
    try:
        isolated_home.mkdir(parents=True, exist_ok=True)
        (isolated_home / "config.toml").write_text(
            f'[endpoints.local]\nbase_url = "{server.url}/v1"\napi_key_env = "LOCAL_KEY"\n',
            encoding="utf-8",
        )
        monkeypatch.setenv("LOCAL_KEY", "sk-test-wrong-key-000000000000")
        code, out = _keys(["test", "local"], capsys, monkeypatch)
        assert code == 1
        assert "AUTH_FAILED" in out
        assert "sk-test-wrong-key-000000000000" not in out
        code, out = _keys(["test", "local"], capsys, monkeypatch)
        assert code == 0 and "2 models" in out
        assert (
            server.requests[0].headers["authorization"] == "Bearer sk-test-wrong-key-000000000000"
        )
        assert server.requests[0].path == "/v1/models"
    finally:
        server.stop_thread()


def test_set_without_a_keyring_stores_nothing_and_says_what_to_do(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    keyring.set_keyring(keyring.backends.fail.Keyring())  # type: ignore[no-untyped-call]
    code, out = _keys(
        ["set", "gemini"], capsys, monkeypatch, stdin="AIzaTestTestTestTestTest0000\n"
    )
    assert code == 1
    assert "STORAGE_FAILED" in out and "not stored" in out
    assert "GEMINI_API_KEY or GOOGLE_API_KEY" in out
    assert "AIzaTestTestTestTestTest0000" not in out


def test_set_reads_each_part_of_multi_part_credentials(
    memory_keyring: MemoryKeyring,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    isolated_home: Path,
) -> None:
    isolated_home.mkdir(parents=True, exist_ok=True)
    (isolated_home / "config.toml").write_text(
        '[endpoints.corp-aws]\nprovider = "bedrock"\nbase_url = "http://127.0.0.1:9"\n',
        encoding="utf-8",
    )
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    piped = f"access_key_id=AKIAIOSFODNN7EXAMPLE\nsecret_access_key={secret}\nregion=eu-west-1\n"
    code, said = _keys(["set", "corp-aws"], capsys, monkeypatch, stdin=piped)
    assert code == 0, said
    stored = memory_keyring.store[(SERVICE, "corp-aws")]
    assert secret in stored and "eu-west-1" in stored
    assert secret not in said and "eu-west-1" in said and "credentials" in said
    code, said = _keys(["list"], capsys, monkeypatch)
    assert code == 0 and secret not in said and "AKIAIOSFODNN7EXAMPLE" not in said
    code, said = _keys(["set", "corp-aws"], capsys, monkeypatch, stdin="colour=blue\n")
    assert code == 1 and "INVALID_REQUEST" in said and "secret_access_key" in said
