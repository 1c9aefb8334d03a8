"""can_authenticate: each kind of credentials with and without each part it needs, application
default credentials and AWS files present or absent, under a home of the test's own."""

from __future__ import annotations

from pathlib import Path

import pytest

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.credentials.keys import KeyStore
from openmaas_tui.core.credentials.ready import (
    adc_file,
    aws_chain_found,
    can_authenticate,
    home_dir,
)
from openmaas_tui.core.models.provider_specs import SPECS

VERTEX, BEDROCK, AZURE = SPECS["vertex"], SPECS["bedrock"], SPECS["azure"]
US = "us-central1"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A home of the test's own, and none of the variables that point elsewhere."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("APPDATA", str(tmp_path / "appdata"))
    for name in ("GOOGLE_APPLICATION_CREDENTIALS", "CLOUDSDK_CONFIG", "AWS_PROFILE"):
        monkeypatch.delenv(name, raising=False)
    for name in ("AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    return home


def creds(provider: str, **parts: str) -> Credentials:
    return Credentials(provider, {Part(k): v for k, v in parts.items()})


def write(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("{}", encoding="utf-8")
    return path


def test_local_servers_and_optional_keys_need_nothing(home: Path) -> None:
    for name in ("ollama", "lmstudio", "demo", "vllm", "llamacpp"):
        assert can_authenticate(SPECS[name], Credentials(name), environ={}, home=home), name


def test_an_api_key_provider_needs_its_key(home: Path) -> None:
    assert not can_authenticate(SPECS["openai"], Credentials("openai"), environ={}, home=home)
    key = Credentials.of_key("sk-test-abc", "openai")
    assert can_authenticate(SPECS["openai"], key, environ={}, home=home)


def test_vertex_with_its_default_location_alone_cannot_authenticate(home: Path) -> None:
    only_location = creds("vertex", location=US)
    assert not only_location.empty  # what made it look present
    assert not can_authenticate(VERTEX, only_location, environ={}, home=home)


def test_vertex_with_an_express_key_needs_nothing_else(home: Path) -> None:
    assert can_authenticate(VERTEX, creds("vertex", api_key="AQ.test"), environ={}, home=home)


def test_vertex_with_a_project_needs_gcloud_adc_on_disk(home: Path) -> None:
    with_project = creds("vertex", project="my-proj", location=US)
    assert not can_authenticate(VERTEX, with_project, environ={}, home=home)
    write(home / ".config" / "gcloud" / "application_default_credentials.json")
    assert can_authenticate(VERTEX, with_project, environ={}, home=home)
    # ADC without a project: the regional URL cannot be built.
    assert not can_authenticate(VERTEX, creds("vertex", location=US), environ={}, home=home)


def test_vertex_reads_the_file_google_application_credentials_names(
    home: Path, tmp_path: Path
) -> None:
    with_project = creds("vertex", project="my-proj")
    named = tmp_path / "sa.json"
    environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(named)}
    assert not can_authenticate(VERTEX, with_project, environ=environ, home=home)
    write(named)
    assert can_authenticate(VERTEX, with_project, environ=environ, home=home)


def test_a_missing_named_file_is_not_rescued_by_gcloud_file(home: Path, tmp_path: Path) -> None:
    # google-auth stops at the file GOOGLE_APPLICATION_CREDENTIALS names, found or not.
    write(home / ".config" / "gcloud" / "application_default_credentials.json")
    environ = {"GOOGLE_APPLICATION_CREDENTIALS": str(tmp_path / "gone.json")}
    assert not can_authenticate(VERTEX, creds("vertex", project="p"), environ=environ, home=home)


def test_the_adc_file_follows_cloudsdk_config_and_windows_appdata(
    home: Path, tmp_path: Path
) -> None:
    gcloud = home / ".config" / "gcloud" / "application_default_credentials.json"
    assert adc_file({}, home, windows=False) == gcloud
    assert adc_file({"XDG_CONFIG_HOME": str(tmp_path / "x")}, home, windows=False) == gcloud
    moved = {"CLOUDSDK_CONFIG": str(tmp_path / "sdk")}
    assert adc_file(moved, home, windows=False) == tmp_path / "sdk" / gcloud.name
    appdata = {"APPDATA": str(tmp_path / "roaming")}
    assert adc_file(appdata, home, windows=True) == tmp_path / "roaming" / "gcloud" / gcloud.name


def test_the_home_is_the_environments() -> None:
    assert home_dir({"HOME": "/h/one", "USERPROFILE": "/h/two"}) == Path("/h/one")
    assert home_dir({"USERPROFILE": "/h/two"}) == Path("/h/two")


def test_bedrock_with_a_region_alone_cannot_authenticate(home: Path) -> None:
    assert not can_authenticate(BEDROCK, creds("bedrock", region="us-east-1"), environ={})


def test_bedrock_needs_a_region_and_a_whole_access_key(home: Path) -> None:
    whole = {"access_key_id": "AKIATEST", "secret_access_key": "s3cr3t"}
    assert can_authenticate(BEDROCK, creds("bedrock", region="us-east-1", **whole), environ={})
    assert not can_authenticate(BEDROCK, creds("bedrock", **whole), environ={})
    half = creds("bedrock", region="us-east-1", access_key_id="AKIATEST")
    write(home / ".aws" / "credentials")
    assert not can_authenticate(BEDROCK, half, environ={})  # refused, never completed


@pytest.mark.parametrize("name", ["credentials", "config"])
def test_bedrock_takes_the_aws_files_in_the_home(home: Path, name: str) -> None:
    region = creds("bedrock", region="eu-west-1", profile="work")
    assert not can_authenticate(BEDROCK, region, environ={})
    write(home / ".aws" / name)
    assert can_authenticate(BEDROCK, region, environ={})


def test_the_aws_chain_follows_its_variables(home: Path, tmp_path: Path) -> None:
    moved = {"AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "creds")}
    write(home / ".aws" / "credentials")
    assert aws_chain_found({}, home)
    assert not aws_chain_found(moved, home)  # the variable moves the file away from ~/.aws
    write(tmp_path / "creds")
    assert aws_chain_found(moved, home)
    assert aws_chain_found({"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI": "/v2/creds"}, tmp_path)
    token = {"AWS_WEB_IDENTITY_TOKEN_FILE": str(tmp_path / "token")}
    assert not aws_chain_found(token, tmp_path)
    write(tmp_path / "token")
    assert aws_chain_found(token, tmp_path)


def test_azure_needs_an_endpoint_and_a_key_or_token(home: Path) -> None:
    def ok(c: Credentials, endpoint_set: bool = True) -> bool:
        return can_authenticate(AZURE, c, endpoint_set=endpoint_set, environ={}, home=home)

    assert not ok(creds("azure", api_version="2024-10-21"))
    assert ok(creds("azure", api_key="azkey"))
    assert ok(creds("azure", token="eyJ-entra"))
    assert not ok(creds("azure", api_key="azkey"), endpoint_set=False)


def test_the_key_store_decides_from_its_own_parts_and_environment(home: Path) -> None:
    environ = {
        "HOME": str(home),
        "GOOGLE_CLOUD_PROJECT": "my-proj",
        "AWS_REGION": "us-east-1",
        "OPENAI_API_VERSION": "2024-10-21",
        "AZURE_OPENAI_API_KEY": "azkey",
        "ANTHROPIC_API_KEY": "sk-ant-test",
    }
    store = KeyStore(environ=environ, use_keyring=False)
    assert not store.credentials("vertex").empty and not store.credentials("bedrock").empty
    ready = {p: store.can_authenticate(p) for p in ("vertex", "bedrock", "azure", "anthropic")}
    assert ready == {"vertex": False, "bedrock": False, "azure": False, "anthropic": True}
    assert store.can_authenticate("ollama") and not store.can_authenticate("nowhere")
    assert not KeyStore(environ={"HOME": str(home)}, use_keyring=False).can_authenticate("openai")
    with_endpoint = {**environ, "AZURE_OPENAI_ENDPOINT": "https://me.openai.azure.com"}
    assert KeyStore(environ=with_endpoint, use_keyring=False).can_authenticate("azure")
    configured = KeyStore(
        environ=environ,
        use_keyring=False,
        options={"azure": {"base_url": "https://me.openai.azure.com"}},
    )
    assert configured.can_authenticate("azure")
    write(home / ".config" / "gcloud" / "application_default_credentials.json")
    write(home / ".aws" / "config")
    assert store.can_authenticate("vertex") and store.can_authenticate("bedrock")
