"""The provider specs: one per provider the catalog names, key variables as the README lists
them, routing and key fallbacks read from them, and core still free of the adapters."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from pathlib import Path

import pytest

from openmaas_tui.core.config.endpoint import Endpoint, endpoint_spec
from openmaas_tui.core.credentials.fields import fields_for
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.models.catalog import CATALOG, route
from openmaas_tui.core.models.provider_specs import (
    SPECS,
    CredentialKind,
    Discovery,
    ProviderSpec,
    TokenCounting,
    WireProtocol,
)

README = Path(__file__).parents[3] / "README.md"


def test_every_catalog_provider_has_a_spec() -> None:
    assert {info.provider for info in CATALOG} <= set(SPECS)
    assert all(spec_id == spec.id for spec_id, spec in SPECS.items())


def test_each_default_model_is_the_providers_own() -> None:
    for spec in SPECS.values():
        if spec.credential is CredentialKind.AZURE:  # -m names the person's own deployment
            assert spec.default_model is None
            continue
        if spec.preset and spec.discovery is Discovery.AUTOMATIC:
            assert spec.default_model is None, spec.id  # a local server serves what it has
            continue
        assert spec.default_model, spec.id
        known = {info.id for info in CATALOG if info.provider == spec.id}
        if known:  # a provider the catalog knows defaults to one of its models
            assert spec.default_model in known, spec.id


def _readme_key_variables() -> list[str]:
    """The variables of the README's "Keys are read from, in order: …" paragraph."""
    text = README.read_text(encoding="utf-8")
    paragraph = text.split("Keys are read from, in order:", 1)[1].split("\n\n", 1)[0]
    return re.findall(r"`([A-Z][A-Z0-9_]*)`", paragraph)


def test_key_variables_match_the_readme() -> None:
    from_specs = [name for spec in SPECS.values() for name in spec.key_env]
    assert from_specs == _readme_key_variables()
    assert "GOOGLE_API_KEY" in from_specs  # the parse found the whole list


def test_a_provider_that_requires_a_key_names_its_variables() -> None:
    for spec in SPECS.values():
        if spec.credential.requires_key:
            assert spec.key_env, spec.id
        if not spec.credential.takes_key:
            assert not spec.key_env, spec.id


def test_the_key_store_lists_and_falls_back_as_the_specs_say() -> None:
    endpoints = {"gpubox": Endpoint("gpubox", "http://localhost:8000/v1", api_key_env="GPUBOX_KEY")}
    store = KeyStore(endpoints, environ={}, use_keyring=False)
    takes_key = [s.id for s in SPECS.values() if s.credential.takes_key]
    assert store.providers() == [*takes_key, "gpubox"]
    assert "ollama" not in store.providers() and "demo" not in store.providers()
    assert {"bedrock", "vertex"} <= set(store.providers())
    for spec in SPECS.values():
        if spec.credential.multi_part:  # several parts, each with its own variables
            assert store.env_vars(spec.id) == tuple(v for f in fields_for(spec) for v in f.env)
        else:
            assert store.env_vars(spec.id) == spec.key_env
    assert store.env_vars("gpubox") == ("GPUBOX_KEY",)
    assert store.env_vars("nosuch") == ()


def test_second_variable_is_read_when_the_first_is_unset() -> None:
    store = KeyStore(environ={"GOOGLE_API_KEY": "google-key-0000000000"}, use_keyring=False)
    assert store.get("gemini") == "google-key-0000000000"
    both = {"GEMINI_API_KEY": "gemini-key-0000000000", "GOOGLE_API_KEY": "google-key-000000000"}
    assert KeyStore(environ=both, use_keyring=False).get("gemini") == "gemini-key-0000000000"


def test_model_name_prefixes_route_to_their_spec_and_no_prefix_is_claimed_twice() -> None:
    claimed: dict[str, str] = {}
    for spec in SPECS.values():
        for prefix in spec.routes:
            assert prefix not in claimed, (prefix, claimed.get(prefix), spec.id)
            claimed[prefix] = spec.id
            assert route(prefix + "x").provider == spec.id
    assert set(claimed.values()) == {"openai", "anthropic", "gemini", "xai", "perplexity"}


def test_a_custom_endpoint_has_its_own_spec() -> None:
    spec = endpoint_spec(Endpoint("labbox", "http://localhost:1234/v1", "LABBOX_KEY"))
    assert spec.protocol is WireProtocol.OPENAI_CHAT
    assert spec.credential is CredentialKind.OPTIONAL_KEY
    assert spec.credential.takes_key and not spec.credential.requires_key
    assert spec.key_env == ("LABBOX_KEY",)
    assert spec.discovery is Discovery.AUTOMATIC
    assert spec.token_count is TokenCounting.LOCAL
    assert spec.default_model is None
    assert endpoint_spec(Endpoint("bare", "http://localhost:8080/v1")).key_env == ()


def test_specs_cannot_be_changed() -> None:
    spec = SPECS["openai"]
    with pytest.raises(dataclasses.FrozenInstanceError):
        spec.base_url = "http://elsewhere"  # type: ignore[misc]
    with pytest.raises(TypeError):
        SPECS["evil"] = ProviderSpec("evil", "Evil", WireProtocol.OPENAI_CHAT, "http://x")  # type: ignore[index]


def test_core_imports_nothing_from_providers() -> None:
    code = (
        "import sys, pkgutil, importlib, openmaas_tui.core as core\n"
        "for m in pkgutil.walk_packages(core.__path__, 'openmaas_tui.core.'):\n"
        "    importlib.import_module(m.name)\n"
        "print(sorted(m for m in sys.modules if m.startswith('openmaas_tui.providers')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"
