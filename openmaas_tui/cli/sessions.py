"""``openmaas sessions list|show|export|import|rename|delete|costs|compares|compare-export``:
the history from the shell (saved compare runs: :mod:`openmaas_tui.cli.compare_history`).

Sessions are named by their id or any unique prefix of it (``list`` shows 8 characters); an id
that names no session (or several) is INVALID_REQUEST, exit status 1. ``delete`` asks before
it deletes when standard input is a terminal, unless ``--yes``; without a terminal to ask on it
refuses (INVALID_REQUEST) unless ``--yes``. Deleting a chat keeps its spend (the cost report
reads the spend ledger).
A damaged or unwritable history is an error here (STORAGE_FAILED, exit status 1): unlike the
app, these commands have nothing to do without the file.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.table import Table

from openmaas_tui.cli import compare_history, costs
from openmaas_tui.cli.arguments import read_stdin_text
from openmaas_tui.core.errors import ErrorCode, OpenMaaSError
from openmaas_tui.core.history.records import StoredSession
from openmaas_tui.core.history.sources import SessionSource
from openmaas_tui.core.history.store import Store
from openmaas_tui.core.sessions.export import session_json, session_markdown
from openmaas_tui.core.sessions.importing import parse_session_json
from openmaas_tui.core.sessions.titles import shown_title
from openmaas_tui.core.text.local_time import local_text
from openmaas_tui.core.text.terminal import json_terminal_safe, terminal_safe
from openmaas_tui.services import Services

SHORT_ID = 8
"""How many characters of a session id ``list`` shows."""


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``openmaas sessions``."""
    sub = parser.add_subparsers(dest="sessions_command", required=True, metavar="ACTION")
    p_list = sub.add_parser("list", help="sessions, most recently active first")
    p_list.add_argument("--json", action="store_true", help="print a JSON array")
    p_list.add_argument(
        "--source",
        choices=[str(s) for s in SessionSource],
        help="only the sessions started there (playground, ask, compare, gateway, import)",
    )
    p_show = sub.add_parser("show", help="print a session's messages")
    p_show.add_argument("id", help="session id or a unique prefix of it")
    p_export = sub.add_parser("export", help="write a session as Markdown or JSON")
    p_export.add_argument("id", help="session id or a unique prefix of it")
    p_export.add_argument("--format", choices=("md", "json"), default="md")
    p_export.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")
    p_import = sub.add_parser("import", help="add a session from a JSON export ('-': stdin)")
    p_import.add_argument("file", help="the JSON file, or - for stdin")
    p_rename = sub.add_parser("rename", help="give a session a title")
    p_rename.add_argument("id", help="session id or a unique prefix of it")
    p_rename.add_argument("title", help="the new title")
    p_delete = sub.add_parser("delete", help="delete a session and its messages (its spend stays)")
    p_delete.add_argument("id", help="session id or a unique prefix of it")
    p_delete.add_argument("--yes", action="store_true", help="do not ask for confirmation")
    costs.add_arguments(sub.add_parser("costs", help="cost per period, per day and per model"))
    compare_history.add_arguments(sub)


def session_summary(session: StoredSession) -> dict[str, Any]:
    """A session's line of ``list --json``: its fields and totals (cost in USD, None when
    unknown), times in seconds since the epoch."""
    t = session.totals
    return {
        "id": session.id,
        "title": session.title,
        "created_at": session.created_at,
        "updated_at": session.updated_at,
        "provider": session.provider,
        "model": session.model,
        "messages": session.message_count,
        "input_tokens": t.input_tokens,
        "output_tokens": t.output_tokens,
        "cost_usd": t.cost_usd if t.cost_known else None,
        "cost_estimated": t.estimated,
        "imported": session.imported,
        "source": str(session.source),
    }


def _from(session: StoredSession) -> str:
    """A title's note of where the session came from: none for the playground's,
    ``(imported)`` for an import, ``(ask)``, ``(compare)`` or ``(gateway)`` for the others."""
    if session.source is SessionSource.PLAYGROUND:
        return " [dim](imported)[/dim]" if session.imported else ""
    name = "imported" if session.source is SessionSource.IMPORT else str(session.source)
    return f" [dim]({name})[/dim]"


def _list(store: Store, args: argparse.Namespace, console: Console) -> int:
    source = None if args.source is None else SessionSource(args.source)
    sessions = store.list_sessions(source=source)
    if args.json:
        listed = json.dumps(
            [session_summary(s) for s in sessions], ensure_ascii=False, allow_nan=False
        )
        sys.stdout.write(json_terminal_safe(listed))
        sys.stdout.write("\n")
        return 0
    if not sessions:
        console.print("no sessions yet" if source is None else f"no sessions from {source}")
        return 0
    table = Table(title="sessions")
    for column in ("id", "last active", "title", "model", "messages", "cost"):
        table.add_column(column, justify="right" if column in ("messages", "cost") else "left")
    for s in sessions:
        model = "/".join(p for p in (s.provider, s.model) if p)
        table.add_row(
            s.id[:SHORT_ID],
            local_text(s.updated_at),
            escape(terminal_safe(shown_title(s.title))) + _from(s),
            escape(terminal_safe(model)),
            str(s.message_count),
            s.totals.cost_text,
        )
    console.print(table)
    return 0


def _export_text(store: Store, prefix: str, fmt: str) -> str:
    session_id = store.resolve_id(prefix)
    session = store.get_session(session_id)
    if session is None:  # deleted meanwhile
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"no session {session_id}")
    messages = store.messages(session_id)
    if fmt == "json":
        return (
            json.dumps(
                session_json(session, messages), ensure_ascii=False, indent=2, allow_nan=False
            )
            + "\n"
        )
    return session_markdown(session, messages)


def _import(store: Store, name: str, console: Console) -> int:
    if name == "-":
        text, source = read_stdin_text(sys.stdin), "stdin"
    else:
        try:
            text, source = Path(name).read_text(encoding="utf-8"), name
        except (OSError, UnicodeDecodeError) as exc:
            raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"{name}: cannot read ({exc})") from None
    session, messages = parse_session_json(text, source=source)
    new_id = store.import_session(session, messages)
    console.print(
        f"imported {shown_title(session.title)!r} ({len(messages)} messages) as {new_id}",
        markup=False,
    )
    return 0


def _on_terminal(text: str, fmt: str) -> str:
    """An export made inert for a terminal: JSON escapes what it would show raw (the same
    value), Markdown shows control characters as pictures."""
    return json_terminal_safe(text) if fmt == "json" else terminal_safe(text)


def _rename(store: Store, prefix: str, title: str, console: Console) -> int:
    title = title.strip()
    if not title:
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, "a session's title cannot be empty")
    session_id = store.resolve_id(prefix)
    store.rename_session(session_id, title)
    console.print(f"renamed {session_id[:SHORT_ID]} to {title!r}", markup=False)
    return 0


def _confirmed(question: str) -> bool:
    """Ask ``question`` on the terminal; True for an answer starting with y."""
    sys.stderr.write(f"{question} [y/N] ")
    sys.stderr.flush()
    return sys.stdin.readline().strip().lower().startswith("y")


def _delete(store: Store, prefix: str, yes: bool, console: Console) -> int:
    session_id = store.resolve_id(prefix)
    session = store.get_session(session_id)
    if session is None:  # deleted meanwhile
        raise OpenMaaSError(ErrorCode.INVALID_REQUEST, f"no session {session_id}")
    if not yes:
        if not sys.stdin.isatty():
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST,
                f"not deleting {session_id[:SHORT_ID]}: there is no terminal to confirm on",
                hint="add --yes to delete without asking",
            )
        what = f"{session.title!r} ({session.message_count} messages)"
        if not _confirmed(f"delete session {session_id[:SHORT_ID]} {what}?"):
            console.print("nothing deleted")
            return 1
    store.delete_session(session_id)
    console.print(f"deleted {session_id[:SHORT_ID]} {session.title!r}", markup=False)
    return 0


async def main(services: Services, args: argparse.Namespace) -> int:
    """Run ``openmaas sessions ACTION``; returns the exit status.

    Raises:
        OpenMaaSError: STORAGE_FAILED for a damaged or unwritable history; INVALID_REQUEST for
            an unknown or ambiguous id or a broken import file.
    """
    console = Console(highlight=False)
    store = Store(services.paths.history_db)
    try:
        action = args.sessions_command
        if action == "list":
            return _list(store, args, console)
        if action == "costs":
            return costs.main(store, args, console)
        if action == "import":
            return _import(store, args.file, console)
        if action == "rename":
            return _rename(store, args.id, args.title, console)
        if action == "delete":
            return _delete(store, args.id, args.yes, console)
        if action == "compares":
            return compare_history.list_main(store, args, console)
        if action == "show":
            text = terminal_safe(_export_text(store, args.id, "md"))
            if sys.stdout.isatty():
                console.print(Markdown(text))
            else:
                sys.stdout.write(text)
            return 0
        if action == "compare-export":
            text = compare_history.export_text(store, args.id, args.format)
        else:
            text = _export_text(store, args.id, args.format)
        if args.output is None:  # an export: raw bytes, unless shown on a terminal
            sys.stdout.write(_on_terminal(text, args.format) if sys.stdout.isatty() else text)
            return 0
        try:
            args.output.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise OpenMaaSError(
                ErrorCode.INVALID_REQUEST, f"{args.output}: cannot write ({exc.strerror})"
            ) from None
        Console(stderr=True, highlight=False, soft_wrap=True).print(f"wrote {args.output}")
        return 0
    finally:
        store.close()
