"""Test and benchmark infrastructure, not part of the product: helpers that drive the app
(:mod:`tests.support.ui`), small HTTP/1.1 servers on
127.0.0.1 that stand in for providers (:mod:`tests.support.server`), the replay server serving
recorded responses byte for byte with chunk timing and faults (:mod:`tests.support.replay`), and
synthetic OpenAI Chat Completions streams (:mod:`tests.support.synth`).

Replay a recording by hand, from the repository root::

    python -m tests.support.replay tests/fixtures/anthropic/stream_text.sse [--port N]
"""
