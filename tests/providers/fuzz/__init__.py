"""Shared machinery of the adapter fuzz tests, and the contract they hold the adapters to.

The contract: whatever bytes a server sends, an adapter ends normally or raises
:class:`OpenMaaSError`. For each of the wire formats (OpenAI Chat SSE, Anthropic SSE, Gemini
SSE, Ollama NDJSON, Mistral SSE, Cohere v2 SSE, OpenAI Responses SSE,
Bedrock's AWS event stream, Gemini on Vertex AI) ``stream``, ``complete``
and ``list_models`` are driven against a loopback server, and beyond "no other exception
escapes": every event and completion must be well typed (text is a string, a tool-call index a
non-negative int, every token count None or a non-negative int that fits an SQLite INTEGER, a
finish reason's raw value a string); a failing stream must first have yielded exactly what the
events before the first mutated one yield on their own; an HTTP error keeps its status and a
finite ``retry_after``. :func:`check` holds every outcome to the typing part; the properties
assert the rest.

:mod:`.corpus` holds the recorded fixtures the mutations start from and bodies cut into
:class:`~.corpus.Frame` s; :mod:`.strategies` the Hypothesis strategies (mutations of a JSON
tree, random bodies, odd headers); :mod:`.harness` the :class:`~.harness.Harness` that replays
them and the checks. The properties are in ``test_fuzz_mutated`` and
``test_fuzz_random``, the hand-written malformed events in ``test_malformed_events``.

Like ``test_any_chunking``, the tests are synchronous: the server runs in a thread and each
replay runs on one module-wide event loop with one shared client. Each property tries 50
examples (:data:`SETTINGS`); ``OPENMAAS_FUZZ_EXAMPLES=1000`` searches longer.
"""
