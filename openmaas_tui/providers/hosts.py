"""A server's base URL: from a host variable such as ``OLLAMA_HOST`` (a spec's ``host_env``),
and with a region or location filled in (Bedrock, Vertex AI)."""

from __future__ import annotations

from urllib.parse import urlsplit

from openmaas_tui.core.credentials.credentials import Credentials, Part
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError

_ANY_ADDRESS = {"0.0.0.0", "::", "[::]"}
_SCHEME_PORTS = {"http": 80, "https": 443}


def url_from_host(raw: str, default_url: str) -> str:
    """The base URL a host variable names, read the way Ollama's own CLI reads ``OLLAMA_HOST``
    (its ``envconfig.Host``).

    Accepted forms: ``host``, ``host:port``, ``:port``, ``scheme://host`` and
    ``scheme://host:port``, optionally followed by a path. Without a scheme the port defaults
    to ``default_url``'s; with ``http://`` or ``https://`` and no port, to 80 or 443.
    ``0.0.0.0`` (or ``::``) is a server's "listen everywhere" address; a client reaches that
    server at ``localhost``.

    Args:
        raw: the variable's value; blank means unset.
        default_url: the spec's default endpoint, with its port (``http://localhost:11434``).

    Returns:
        A URL without a trailing slash; ``default_url`` when ``raw`` is blank.
    """
    raw = raw.strip()
    if not raw:
        return default_url
    default = urlsplit(default_url)
    own_port = default.port or _SCHEME_PORTS.get(default.scheme, 80)
    scheme, sep, rest = raw.partition("://")
    if sep:
        scheme = scheme.lower()
        default_port = _SCHEME_PORTS.get(scheme, own_port)
    else:
        scheme, rest, default_port = "http", raw, own_port
    parts = urlsplit(f"{scheme}://{rest}")
    try:
        port = parts.port or default_port
    except ValueError:
        port = default_port
    host = parts.hostname or "localhost"
    if host in _ANY_ADDRESS:
        host = "localhost"
    elif ":" in host:
        host = f"[{host}]"
    path = parts.path.rstrip("/")
    return f"{scheme}://{host}:{port}{path}"


def resource_url(raw: str) -> str:
    """The URL of a hosted resource a variable names (``AZURE_OPENAI_ENDPOINT``): ``raw`` as
    given, ``https://`` added when it has no scheme, no port added, no trailing slash. Unlike
    :func:`url_from_host` (a local server's ``host:port``, ``http`` by default), a cloud
    endpoint is HTTPS on its default port.

    Args:
        raw: the variable's value; blank means unset.

    Returns:
        The URL, or ``""`` when ``raw`` is blank.
    """
    raw = raw.strip().rstrip("/")
    if not raw:
        return ""
    return raw if "://" in raw else f"https://{raw}"


_PLACES = {"{region}": Part.REGION, "{location}": Part.LOCATION}


def fill_url(url: str, creds: Credentials) -> str:
    """``url`` with ``{region}`` and ``{location}`` replaced by the credentials' parts:
    ``https://bedrock-runtime.{region}.amazonaws.com``. Vertex AI's ``global`` location has no
    host prefix (``https://aiplatform.googleapis.com``, see
    https://cloud.google.com/vertex-ai/generative-ai/docs/learn/locations#global-endpoint).

    Raises:
        OpenMaaSError: MISSING_KEY naming the part when one the URL needs is not set.
    """
    for placeholder, part in _PLACES.items():
        if placeholder not in url:
            continue
        value = creds.get(part)
        if not value:
            raise OpenMaaSError(
                ErrorCode.MISSING_KEY,
                f"no {part.value} for {creds.provider or 'this provider'}",
                provider=creds.provider or None,
                hint=f"`openmaas keys set {creds.provider}` asks for it (or f2 in the app)",
            )
        if part is Part.LOCATION and value == "global":
            url = url.replace("{location}-", "")
        url = url.replace(placeholder, value)
    return url
