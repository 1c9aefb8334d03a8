"""The network every test runs in: names resolve only when they are ``localhost`` or a loopback
literal, and connections reach only loopback ports a server of this process listens on.

A test that reaches for the internet, or for a port it did not open (a local Ollama on 11434, a
stray server of another run), fails at once with an error that names this guard, the same way on
every machine. :mod:`tests.conftest` installs it for every test: :func:`record_listening` for the
whole session (so servers started by module-scoped fixtures count too) and :func:`guard` around
each test.

Servers are known by their listening sockets: every ``socket.listen`` call is remembered (weakly)
and a port counts as open while such a socket is open and bound to it, in whichever thread it was
started. Unix sockets are not guarded.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import weakref
from collections.abc import Iterator
from typing import Any

import pytest

GUARD = "the network guard of tests/conftest.py"
"""How refusals name their origin, so a failing test says why."""

_real_listen = socket.socket.listen
_listening: weakref.WeakSet[socket.socket] = weakref.WeakSet()
_lock = threading.Lock()
_child_ports: set[int] = set()
"""Ports of servers the test started in a child process (see :func:`child_server`)."""


def _listen(self: socket.socket, *args: Any) -> None:
    """``socket.listen`` that remembers the socket as a server of this process."""
    _real_listen(self, *args)
    with _lock:
        _listening.add(self)


def record_listening(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remember every socket that starts listening from now on (until ``monkeypatch`` undoes)."""
    monkeypatch.setattr(socket.socket, "listen", _listen)


def listening_ports() -> set[int]:
    """The TCP ports that open listening sockets of this process are bound to."""
    with _lock:
        sockets = list(_listening)
    ports = set()
    for sock in sockets:
        if sock.fileno() == -1 or sock.family not in (socket.AF_INET, socket.AF_INET6):
            continue
        try:
            ports.add(int(sock.getsockname()[1]))
        except OSError:  # closed by another thread since
            continue
    return ports


@contextlib.contextmanager
def child_server(port: int) -> Iterator[None]:
    """Let the test reach ``port`` on loopback while a server it started in a child process
    (``python -m tests.support.replay …``) listens there."""
    with _lock:
        _child_ports.add(port)
    try:
        yield
    finally:
        with _lock:
            _child_ports.discard(port)


def is_loopback_name(host: object) -> bool:
    """Whether ``host`` is ``localhost`` or a loopback address literal (127.0.0.0/8, ``::1``)."""
    if isinstance(host, bytes):
        host = host.decode("ascii", "replace")
    if not isinstance(host, str):
        return False
    if host.lower().rstrip(".") == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]").partition("%")[0]).is_loopback
    except ValueError:
        return False


def check_resolve(host: object) -> None:
    """Refuse to look up anything but loopback (``None`` and ``""`` ask for no lookup at all).

    Raises:
        socket.gaierror: EAI_NONAME, naming ``host`` and this guard.
    """
    if host is None or host in ("", b"") or is_loopback_name(host):
        return
    raise socket.gaierror(
        socket.EAI_NONAME,
        f"tests may not resolve {host!r}: {GUARD} allows only localhost and loopback addresses",
    )


def check_connect(address: object) -> None:
    """Refuse a connection unless it goes to a loopback port a server of this process holds.

    Raises:
        ConnectionRefusedError: naming the address and this guard.
    """
    if not isinstance(address, tuple):
        return  # a unix socket
    host, port = address[0], address[1]
    if not is_loopback_name(host):
        raise ConnectionRefusedError(
            f"tests may not reach {address!r}: {GUARD} allows loopback only"
        )
    with _lock:
        child = port in _child_ports
    if not child and port not in listening_ports():
        raise ConnectionRefusedError(
            f"tests may not reach {address!r}: no server of this test listens on port {port} "
            f"({GUARD} allows only ports the test opened, e.g. a ReplayServer's)"
        )


def guard(monkeypatch: pytest.MonkeyPatch) -> None:
    """Check every connect and every name lookup (asyncio's ``loop.getaddrinfo`` ends in
    ``socket.getaddrinfo`` on an executor thread) until ``monkeypatch`` undoes it."""
    real_connect = socket.socket.connect
    real_connect_ex = socket.socket.connect_ex
    real_getaddrinfo = socket.getaddrinfo
    real_gethostbyname = socket.gethostbyname
    real_gethostbyname_ex = socket.gethostbyname_ex

    def connect(self: socket.socket, address: Any) -> None:
        check_connect(address)
        real_connect(self, address)

    def connect_ex(self: socket.socket, address: Any) -> int:
        check_connect(address)
        return real_connect_ex(self, address)

    def getaddrinfo(host: Any, *args: Any, **kwargs: Any) -> Any:
        check_resolve(host)
        return real_getaddrinfo(host, *args, **kwargs)

    def gethostbyname(host: str) -> str:
        check_resolve(host)
        return real_gethostbyname(host)

    def gethostbyname_ex(host: str) -> tuple[str, list[str], list[str]]:
        check_resolve(host)
        return real_gethostbyname_ex(host)

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket.socket, "connect_ex", connect_ex)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    monkeypatch.setattr(socket, "gethostbyname", gethostbyname)
    monkeypatch.setattr(socket, "gethostbyname_ex", gethostbyname_ex)
