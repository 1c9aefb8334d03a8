"""A session to Markdown or JSON, and back from that JSON.

JSON (``format: "openmaas-session"``, ``schema_version: 1``) is lossless: the session's and
every message's fields as stored (:class:`~openmaas_tui.core.history.records.StoredSession`,
:class:`~openmaas_tui.core.history.records.StoredMessage`), ids included; totals are left out
(they follow from the messages). Where the session's model is asked goes with it: ``base_url``
(None: at its provider's endpoint), always without user, password or query
(:func:`~openmaas_tui.core.sessions.endpoint.storable_url`), and the API chosen under
``params.api``, as the history keeps it. Importing gives the session and its messages new
ids; see :mod:`openmaas_tui.core.sessions.importing` for the checks.

Markdown is for reading: the title, a line naming the model (and where it is asked, when not
at its provider's endpoint), one ``##`` heading per message (an answer's reasoning, the
tools its provider ran, its text and its tool calls:
:mod:`~openmaas_tui.core.text.tool_markdown`), and under each answer its model, tokens and cost
(formatted with :func:`~openmaas_tui.core.money.format_usd`). Times are shown in local time
with the zone named (:func:`~openmaas_tui.core.text.local_time.local_text`): the Markdown is
for a person; the JSON keeps seconds since the epoch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from openmaas_tui.core.attachments.images import format_bytes
from openmaas_tui.core.exchange.record import MessageState
from openmaas_tui.core.history.records import StoredMessage, StoredSession
from openmaas_tui.core.money import format_usd
from openmaas_tui.core.sessions.endpoint import api_of, storable_url
from openmaas_tui.core.text.local_time import local_text
from openmaas_tui.core.text.tool_markdown import server_tool_markdown, tool_call_markdown
from openmaas_tui.core.types import Role, Usage

FORMAT = "openmaas-session"
SCHEMA_VERSION = 1
"""The version of the JSON export format (not of the database)."""


def session_json(session: StoredSession, messages: Sequence[StoredMessage]) -> dict[str, Any]:
    """The lossless JSON object of a session and its messages (ready for ``json.dumps``)."""
    head = asdict(session)
    head.pop("totals")
    head.pop("imported")  # a fact of this history (spend made elsewhere), not of the session
    head.pop("source")  # where it started in this history; an import starts it anew
    head["base_url"] = storable_url(session.base_url)  # never a credential, however it came
    body = []
    for message in messages:
        fields = asdict(message)
        fields.pop("session_id")
        fields["role"] = str(message.role)
        fields["state"] = str(message.state)
        fields["attachments"] = list(message.attachments)
        fields["tool_calls"] = [call.as_dict() for call in message.tool_calls]
        blocks = fields.pop("reasoning_blocks")
        if blocks:  # only answers that have them: older exports read the same
            fields["reasoning_blocks"] = [b.as_dict() for b in message.reasoning_blocks]
        server = fields.pop("server_tools")
        if server:  # the same: only answers for which the provider ran a tool
            fields["server_tools"] = [tool.as_dict() for tool in message.server_tools]
        body.append(fields)
    return {"format": FORMAT, "schema_version": SCHEMA_VERSION, "session": head, "messages": body}


def _count(value: int | None) -> str:
    return "?" if value is None else f"{value:,}"


def answer_line(message: StoredMessage) -> str:
    """What goes under an answer: ``gpt-4o-mini (openai) · TTFT 312 ms · 12 in / 34 out ·
    $0.0002``, with cached and reasoning counts, ``≈`` for estimates and how it ended when it
    did not complete."""
    where = message.model or "unknown model"
    if message.provider:
        where += f" ({message.provider})"
    parts = [where]
    if message.ttft_ms is not None:
        parts.append(f"TTFT {message.ttft_ms:.0f} ms")
    if message.state is MessageState.ERROR and message.usage == Usage():
        return " · ".join([*parts, f"error {message.error_code}: {message.error_message or ''}"])
    mark = "≈" if message.cost_estimated else ""
    tokens = f"{mark}{_count(message.input_tokens)} in / {mark}{_count(message.output_tokens)} out"
    extra = []
    if message.cached_input_tokens:
        extra.append(f"{message.cached_input_tokens:,} cached")
    if message.reasoning_tokens:
        extra.append(f"{message.reasoning_tokens:,} reasoning")
    parts.append(tokens + (f" ({', '.join(extra)})" if extra else ""))
    cost = format_usd(message.cost_usd)
    parts.append(f"{mark}{cost}" if message.cost_usd is not None else cost)
    if message.state is MessageState.ERROR:
        parts.append(f"error {message.error_code or ''}: {message.error_message or ''}".strip())
    elif message.state is not MessageState.COMPLETE:
        parts.append(str(message.state))
    elif message.finish_reason and message.finish_reason != "stop":
        parts.append(f"finish: {message.finish_reason}")
    return " · ".join(parts)


def session_markdown(session: StoredSession, messages: Sequence[StoredMessage]) -> str:
    """The session as Markdown: a title, a summary line, then one heading per message."""
    model = "/".join(p for p in (session.provider, session.model) if p) or "no model"
    url, api = storable_url(session.base_url), api_of(session.params)
    model += f" at {url}" if url else ""
    model += f" ({api} API)" if api else ""
    lines = [
        f"# {session.title}",
        "",
        f"Session `{session.id}` · {model} · created {local_text(session.created_at)} · "
        f"{len(messages)} messages · {session.totals.cost_text}",
        "",
    ]
    for message in messages:
        who = {Role.USER: "User", Role.ASSISTANT: "Assistant"}.get(message.role, "Tool result")
        if message.role is Role.TOOL:
            who += f" ({message.tool_name or '?'}, {message.tool_call_id or '?'})"
        lines += [f"## {who} · {local_text(message.created_at)}", ""]
        if message.reasoning:
            lines += ["<details><summary>Reasoning</summary>", "", message.reasoning, ""]
            lines += ["</details>", ""]
        for server in message.server_tools:  # above the answer, as the playground shows them
            lines += server_tool_markdown(server)
        if message.content:
            lines += [message.content, ""]
        for call in message.tool_calls:
            lines += tool_call_markdown(call)
        for attachment in message.attachments:
            lines += [f"*attached: {attachment_label(attachment)}*", ""]
        if message.role is Role.ASSISTANT:
            lines += [f"*{answer_line(message)}*", ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def attachment_label(attachment: dict[str, Any]) -> str:
    """``diagram.png (image/png, 12 KB)`` for a named image, else its path or media type."""
    name, kind, size = (attachment.get(k) for k in ("name", "media_type", "size_bytes"))
    if not name:
        return str(attachment.get("path") or kind or "attachment")
    details = [str(kind)] if kind else []
    if isinstance(size, int):
        details.append(format_bytes(size))
    return f"{name} ({', '.join(details)})" if details else str(name)
