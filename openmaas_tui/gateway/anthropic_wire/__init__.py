"""Anthropic Messages on the gateway: a client's ``/v1/messages`` request read into our
:class:`~openmaas_tui.core.types.ChatRequest`, and an exchange's answer written back exactly as
Anthropic would send it, whatever provider gave it.

- :mod:`.request`: :func:`~.request.parse_messages_request`, the body read into a
  :class:`~.request.ParsedMessages` (the request, the model asked for, stream or not, and the
  fields that could not be carried), with :mod:`.content` (messages and system) and
  :mod:`.tools` (tools, tool choice, ``tool_use`` and ``tool_result`` blocks);
- :mod:`.stream`: :class:`~.stream.MessageStreamEncoder`, stream events to SSE bytes;
- :mod:`.body`: :func:`~.body.message_body`, a whole answer's Message object;
- :mod:`.errors`: our errors in Anthropic's error shape and status;
- :mod:`.count_tokens`: the ``/v1/messages/count_tokens`` answer.

Pure and headless: no HTTP server, no Textual; the routes (:mod:`openmaas_tui.gateway.messages`,
:mod:`openmaas_tui.gateway.messages_count`) call these.
"""
