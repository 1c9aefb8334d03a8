"""Who is writing a streaming answer, and whether they still live: one advisory lock per store.

Every history file opened for writing takes a random token (:class:`OwnerLock`) and holds an
exclusive advisory lock on ``<folder>/<token>`` (the folder beside the database, see
:func:`owners_folder`) for as long as it is open: ``flock`` on POSIX, ``msvcrt.locking`` on
Windows. An answer the store starts streaming carries that token (``messages.owner``). The
operating system drops the lock when the process ends, however it ends (exit, crash, SIGKILL),
so "is this answer's writer alive?" is "is its token's lock still held?" (:func:`alive`).

Why a lock and not a pid with a heartbeat: pids are reused (a new process may carry a dead
one's pid), a heartbeat needs a timer writing to the database every few seconds in every
process (write-lock traffic on a WAL file for nothing) and a threshold that a suspended laptop
or a stopped process (SIGSTOP) crosses while alive. A lock needs no clock and no writes, and is
as local as the database itself: WAL needs all its processes on one host anyway
(https://www.sqlite.org/wal.html, "all processes using a database must be on the same host").

References: flock(2), https://man7.org/linux/man-pages/man2/flock.2.html;
https://docs.python.org/3/library/msvcrt.html#msvcrt.locking.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import uuid
from pathlib import Path

_TOKEN = re.compile(r"[0-9a-f]{32}")
"""What a token looks like (a UUID4 in hex); anything else in the folder is left alone."""

if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _try_lock(fd: int) -> bool:
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True

else:
    import fcntl

    def _try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        return True


def owners_folder(database: Path) -> Path:
    """The folder of the owners' lock files of ``database`` (``history.db.owners``)."""
    return database.with_name(database.name + ".owners")


def _open(path: Path) -> int:
    return os.open(path, os.O_RDWR | os.O_CREAT, 0o600)


class OwnerLock:
    """This store's token and the lock that says it is alive.

    Attributes:
        token: 32 hex characters, written into ``messages.owner`` of the answers it streams.
    """

    def __init__(self, folder: Path) -> None:
        """Make a token and lock its file in ``folder`` (created if need be).

        Raises:
            OSError: the folder or the file cannot be made.
        """
        folder.mkdir(parents=True, exist_ok=True)
        self._folder = folder
        while True:
            token = uuid.uuid4().hex
            path = folder / token
            fd = _open(path)
            # a sweep may have taken and removed the file between our open and our lock: the
            # lock must be on the file that is still at ``path``
            if _try_lock(fd) and _same_file(fd, path):
                break
            os.close(fd)
        self.token = token
        self._fd: int | None = fd

    def release(self) -> None:
        """Drop the lock and remove its file (the store is closing)."""
        if self._fd is None:
            return
        with contextlib.suppress(OSError):
            (self._folder / self.token).unlink()
        os.close(self._fd)
        self._fd = None


def _same_file(fd: int, path: Path) -> bool:
    try:
        return os.path.samestat(os.fstat(fd), os.stat(path))
    except OSError:
        return False


def alive(folder: Path, token: str | None) -> bool:
    """Whether the owner ``token`` still holds its lock (its process is running and its store
    open). A token that is None or malformed has no owner alive; a dead owner's file is removed.
    """
    if token is None or not _TOKEN.fullmatch(token):
        return False
    path = folder / token
    try:
        fd = _open(path)
    except OSError:
        return False  # no folder, no file: nobody can hold it
    try:
        if not _try_lock(fd):
            return True
        with contextlib.suppress(OSError):
            path.unlink()
        return False
    finally:
        os.close(fd)


def sweep(folder: Path, keep: str) -> None:
    """Remove the lock files of owners that died without a streaming answer (never ``keep``)."""
    try:
        names = [p.name for p in folder.iterdir()]
    except OSError:
        return
    for name in names:
        if name != keep and _TOKEN.fullmatch(name):
            alive(folder, name)
