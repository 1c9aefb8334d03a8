"""The kinds a provider is described by: its wire protocol, which of OpenAI's two APIs it is
asked through, what it needs to sign a request, whether its models are discovered and how input
tokens are counted. Each :class:`~openmaas_tui.core.models.provider_specs.ProviderSpec` is made
of these; the table of providers itself is in :mod:`.provider_specs`.
"""

from __future__ import annotations

from enum import StrEnum


class WireProtocol(StrEnum):
    """The wire format a provider speaks. Each has one adapter package under
    :mod:`openmaas_tui.providers`, bound in :mod:`openmaas_tui.providers.protocols`."""

    OPENAI_CHAT = "openai"
    """OpenAI Chat Completions and every compatible server (``providers/openai_chat``)."""
    ANTHROPIC = "anthropic"
    """Anthropic Messages (``providers/anthropic``)."""
    GEMINI = "gemini"
    """Gemini ``generateContent`` (``providers/gemini``)."""
    OLLAMA = "ollama"
    """Ollama's native ``/api/chat`` (``providers/ollama``)."""
    OPENAI_RESPONSES = "openai-responses"
    """OpenAI Responses (``providers/openai_responses``)."""
    MISTRAL = "mistral"
    """Mistral chat completions (``providers/mistral``)."""
    COHERE = "cohere"
    """Cohere v2 chat (``providers/cohere``)."""
    AZURE = "azure"
    """Azure OpenAI: Chat Completions and Responses at a resource endpoint
    (``providers/azure``)."""
    BEDROCK = "bedrock"
    """AWS Bedrock Converse and ConverseStream (``providers/bedrock``)."""
    VERTEX = "vertex"
    """Gemini on Google Cloud Vertex AI (``providers/vertex``)."""


class Api(StrEnum):
    """Which of OpenAI's two chat APIs a request goes to, where a provider offers both (OpenAI,
    Azure OpenAI). The registry decides
    (:meth:`~openmaas_tui.providers.registry.Providers.target`): ``--api``, else
    ``[providers.NAME] api`` of ``config.toml``, else the catalog (models offered only through
    Responses), else Chat Completions."""

    CHAT = "chat"
    """Chat Completions: ``POST …/chat/completions``."""
    RESPONSES = "responses"
    """Responses: ``POST …/responses`` (https://platform.openai.com/docs/api-reference/responses)."""


API_PROVIDERS = frozenset({"openai", "azure"})
"""The built-in providers that offer both APIs (custom endpoints speaking OpenAI's protocol or
Azure's may choose too)."""


class CredentialKind(StrEnum):
    """What a provider needs to sign a request. The parts each kind is made of, and the
    environment variables read for them, are in :mod:`openmaas_tui.core.credentials.fields`.
    """

    NONE = "none"
    """Nothing: a local server or the offline demo. No key is listed or asked for; a key stored
    under a local server's name is still sent (a server behind a proxy)."""
    API_KEY = "api-key"
    """One secret key, sent only in a header. Without one a request is refused before anything
    is sent (MISSING_KEY)."""
    OPTIONAL_KEY = "optional-key"
    """One key, sent when there is one and never required: custom endpoints (a local server,
    or a hosted one whose key is in its ``api_key_env``)."""
    AWS = "aws"
    """An AWS access key id, secret access key and optional session token, with a region;
    or, when none is stored, whatever the AWS credential chain finds (``AWS_PROFILE``,
    ``~/.aws``, SSO). Requests are signed with SigV4 (Bedrock)."""
    GOOGLE_CLOUD = "google-cloud"
    """A Google Cloud project and location, with an access token minted from application
    default credentials, or an express-mode API key (Vertex AI)."""
    AZURE = "azure"
    """An Azure OpenAI key (``api-key`` header) or an Entra ID bearer token, and an optional
    ``api-version`` (Azure OpenAI)."""

    @property
    def takes_key(self) -> bool:
        """Whether a key can be set for the provider (``openmaas keys`` and the keys screen
        list it)."""
        return self is not CredentialKind.NONE

    @property
    def requires_key(self) -> bool:
        """Whether a request without an API key is refused with MISSING_KEY before anything
        is sent. Kinds with several parts are checked by their adapter, which knows what else
        can sign (the AWS chain, application default credentials)."""
        return self is CredentialKind.API_KEY

    @property
    def multi_part(self) -> bool:
        """Whether the credentials are made of several parts (stored as one JSON object)."""
        return self in (CredentialKind.AWS, CredentialKind.GOOGLE_CLOUD, CredentialKind.AZURE)


class Discovery(StrEnum):
    """Whether and when a provider's models are asked for at run time, through its adapter's
    ``list_models`` (``GET /models``; Anthropic ``/v1/models``; Gemini ``/v1beta/models``;
    Ollama ``/api/tags``)."""

    NONE = "none"
    """Never: the catalog says all there is (the offline demo)."""
    ON_REQUEST = "on-request"
    """Only when asked (``openmaas keys test``, *t* on the keys screen): a cheap call with the
    key that also tests it. The catalog already holds the hosted models worth knowing."""
    AUTOMATIC = "automatic"
    """Whenever models are discovered (``openmaas models --discover``, the model picker): a
    local server or a custom endpoint, whose models only it knows."""


class TokenCounting(StrEnum):
    """How a request's input tokens are counted before it is sent. Every provider has the
    local estimate (tiktoken, shown with ≈; :mod:`openmaas_tui.core.tokens.count`)."""

    LOCAL = "local"
    """The local estimate only."""
    PROVIDER = "provider"
    """Also the provider's own count, on request (a provider estimate): Anthropic
    ``/v1/messages/count_tokens``, Gemini ``:countTokens``; the adapter's ``count_tokens``."""


__all__ = [
    "API_PROVIDERS",
    "Api",
    "CredentialKind",
    "Discovery",
    "TokenCounting",
    "WireProtocol",
]
