"""The real Secret Service: gnome-keyring under its own D-Bus session, driven through KeyStore.

The keyring work runs in a child interpreter started by ``dbus-run-session`` after the keyring
daemon is unlocked, so it uses the real ``SecretService`` backend and never touches the
person's own keyring. In CI (``CI=true``) a missing gnome-keyring or dbus fails the test
rather than skipping it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.secret_service

CHILD = textwrap.dedent(
    """
    import json
    from openmaas_tui.core.credentials.keys import KeyStore
    out = {}
    store = KeyStore(environ={})
    out["backend"] = store.backend_name
    out["set"] = str(store.set("openai", "sk-test-secret-service-0000abcd"))
    out["read_back"] = KeyStore(environ={}).get("openai")
    out["listed"] = [(i.provider, i.masked, str(i.source)) for i in KeyStore(environ={}).list()
                     if i.provider == "openai"]
    out["deleted"] = KeyStore(environ={}).delete("openai")
    out["after_delete"] = KeyStore(environ={}).get("openai")
    print(json.dumps(out))
    """
)


def _tools_present() -> bool:
    return bool(shutil.which("dbus-run-session") and shutil.which("gnome-keyring-daemon"))


def test_set_read_list_delete_with_the_real_secret_service(tmp_path: Path) -> None:
    if not _tools_present():
        if os.environ.get("CI"):
            pytest.fail("CI must have gnome-keyring and dbus installed (see .ci/run)")
        pytest.skip("gnome-keyring / dbus-run-session not installed")
    script = tmp_path / "child.py"
    script.write_text(CHILD, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DBUS_", "GNOME_KEYRING"))}
    env["HOME"] = str(tmp_path)  # a keyring of its own, never the person's
    env["XDG_DATA_HOME"] = str(tmp_path / "share")
    env["OPENMAAS_HOME"] = str(tmp_path / "home")
    shell = (
        "echo -n pw | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1; "
        f'exec "{sys.executable}" "{script}"'
    )
    result = subprocess.run(
        ["dbus-run-session", "--", "sh", "-c", shell],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        cwd=Path(__file__).resolve().parents[3],
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout.strip().splitlines()[-1])
    assert "SecretService" in out["backend"]
    assert out["set"] == "keyring"
    assert out["read_back"] == "sk-test-secret-service-0000abcd"
    assert out["listed"] == [["openai", "sk-…abcd", "keyring"]]
    assert out["deleted"] is True
    assert out["after_delete"] is None
