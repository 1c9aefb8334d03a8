"""Credentials of several parts: masked in every repr, resolved from memory, keyring, config and
environment in that order, stored as one keyring entry, never pickled."""

from __future__ import annotations

import pickle

import pytest

from openmaas_tui.core.config.endpoint import Endpoint, endpoint_spec
from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.credentials.keys import KeySource, KeyStore
from openmaas_tui.core.credentials.redact import redact
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.models.provider_specs import (
    CredentialKind,
    ProviderSpec,
    WireProtocol,
)
from openmaas_tui.providers.hosts import fill_url

SECRET = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
ACCESS = "AKIAIOSFODNN7EXAMPLE"

AWS = ProviderSpec("aws-test", "AWS test", WireProtocol.BEDROCK, "", credential=CredentialKind.AWS)


@pytest.fixture
def aws_store(monkeypatch: pytest.MonkeyPatch) -> KeyStore:
    """A key store that also knows a provider signed with AWS credentials."""
    store = KeyStore(
        {"aws-test": Endpoint("aws-test", "http://127.0.0.1:9", protocol=WireProtocol.BEDROCK)},
        environ={"AWS_REGION": "eu-west-1"},
        use_keyring=False,
        options={},
    )
    return store


def test_repr_and_str_mask_every_secret_part() -> None:
    creds = Credentials(
        "bedrock",
        {Part.ACCESS_KEY_ID: ACCESS, Part.SECRET_ACCESS_KEY: SECRET, Part.REGION: "us-east-1"},
    )
    for shown in (repr(creds), str(creds), f"{creds}", repr([creds])):
        assert SECRET not in shown and ACCESS not in shown
        assert SECRET[:8] not in shown
        assert "us-east-1" in shown
    assert creds.get(Part.SECRET_ACCESS_KEY) == SECRET
    assert set(creds.secrets()) == {ACCESS, SECRET}


def test_credentials_are_never_pickled() -> None:
    with pytest.raises(TypeError):
        pickle.dumps(Credentials.of_key("sk-never-on-disk-000000"))


def test_blank_parts_are_left_out() -> None:
    creds = Credentials("x", {Part.API_KEY: "", Part.REGION: "eu"})
    assert creds.api_key is None and dict(creds.values) == {Part.REGION: "eu"}
    assert Credentials.of_key(None).empty


def test_parts_come_from_memory_then_environment(aws_store: KeyStore) -> None:
    source = aws_store.set_parts(
        "aws-test", {Part.ACCESS_KEY_ID: ACCESS, Part.SECRET_ACCESS_KEY: SECRET}
    )
    assert source is KeySource.MEMORY
    creds = aws_store.credentials("aws-test")
    assert creds.get(Part.ACCESS_KEY_ID) == ACCESS
    assert creds.get(Part.REGION) == "eu-west-1"  # the environment fills what is not stored
    assert SECRET not in redact(f"echoed {SECRET}")
    info = aws_store.info("aws-test")
    assert info.source is KeySource.MEMORY and info.masked is not None
    assert SECRET not in info.masked and "eu-west-1" in info.masked


def test_a_part_the_provider_does_not_take_is_refused(aws_store: KeyStore) -> None:
    with pytest.raises(OpenMaaSError) as caught:
        aws_store.set_parts("aws-test", {Part.PROJECT: "p"})
    assert caught.value.code is ErrorCode.INVALID_REQUEST
    with pytest.raises(OpenMaaSError):
        aws_store.set_parts("aws-test", {Part.ACCESS_KEY_ID: "  "})


def test_config_fills_non_secret_parts_and_defaults_apply() -> None:
    store = KeyStore(
        {
            "gc": Endpoint("gc", "http://127.0.0.1:9", protocol=WireProtocol.VERTEX),
        },
        environ={"GOOGLE_CLOUD_PROJECT": "from-env"},
        use_keyring=False,
        options={"gc": {"project": "from-config"}},
    )
    creds = store.credentials("gc")
    assert creds.get(Part.PROJECT) == "from-config"
    assert creds.get(Part.LOCATION) == "us-central1"  # the documented default
    assert creds.api_key is None


def test_multi_part_entries_round_trip_through_one_keyring_entry(aws_store: KeyStore) -> None:
    from openmaas_tui.core.credentials import keys as keys_module

    encoded = keys_module._encode({Part.ACCESS_KEY_ID: ACCESS, Part.SECRET_ACCESS_KEY: SECRET})
    assert keys_module._decode(encoded) == {
        Part.ACCESS_KEY_ID: ACCESS,
        Part.SECRET_ACCESS_KEY: SECRET,
    }
    # A key stored by earlier versions is the key itself, and still reads back as one.
    assert keys_module._encode({Part.API_KEY: "sk-abc"}) == "sk-abc"
    assert keys_module._decode("sk-abc") == {Part.API_KEY: "sk-abc"}


def test_an_endpoint_of_another_protocol_signs_as_that_protocol_does() -> None:
    spec = endpoint_spec(Endpoint("corp", "https://proxy", protocol=WireProtocol.ANTHROPIC))
    assert spec.protocol is WireProtocol.ANTHROPIC
    assert spec.credential is CredentialKind.OPTIONAL_KEY
    bedrock = endpoint_spec(Endpoint("b", "https://proxy", protocol=WireProtocol.BEDROCK))
    assert bedrock.credential is CredentialKind.AWS


def test_urls_take_their_region_or_location() -> None:
    aws = Credentials("bedrock", {Part.REGION: "eu-west-1"})
    assert (
        fill_url("https://bedrock-runtime.{region}.amazonaws.com", aws)
        == "https://bedrock-runtime.eu-west-1.amazonaws.com"
    )
    gc = Credentials("vertex", {Part.LOCATION: "global"})
    assert fill_url("https://{location}-aiplatform.googleapis.com", gc) == (
        "https://aiplatform.googleapis.com"
    )
    with pytest.raises(OpenMaaSError) as caught:
        fill_url("https://bedrock-runtime.{region}.amazonaws.com", Credentials("bedrock"))
    assert caught.value.code is ErrorCode.MISSING_KEY
    assert "region" in caught.value.message
