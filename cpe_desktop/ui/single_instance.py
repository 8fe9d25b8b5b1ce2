"""One running window per database: a second launch asks the first to come forward, then exits.

Who is "the first" is decided by a lock file (``QLockFile``), never by the local socket alone:
two launches that both found no socket used to both start listening (the second removing the
first's socket as if a crash had left it), so both windows stayed open and both wrote. Creating
the lock file is atomic, so exactly one launch holds it; only the holder listens on the socket,
and every other launch knocks on that socket (retrying while the holder is still starting) to
bring its window forward.

The lock file sits next to a SQLite database (``cpe-tracker.db.lock``), so it also keeps apart
two people's windows on one file. For a server database, or when the database's folder cannot
be written to, it goes in the temporary folder under the same name as the socket. A lock left
by a program that was killed is stale: Qt sees that the process it names is gone on this
machine and removes it. Locks never go stale by age: a window may run for weeks.

The window's start takes the lock at once but opens the socket only once its window has been
painted, or as soon as a dialog waits for the person first (``claim(listen=False)``, then
``listen()``; ``ui/launch.py``): QtNetwork, imported only here, is several milliseconds of the
start. A launch meanwhile keeps knocking (``KNOCK_FOR_MS``) until the socket answers.
"""

from __future__ import annotations

import getpass
import hashlib
import logging
import time
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from PySide6.QtCore import QDir, QLockFile, QObject, Signal

if TYPE_CHECKING:  # imported when a socket is first needed
    from PySide6.QtNetwork import QLocalServer

log = logging.getLogger(__name__)

_TIMEOUT_MS = 1000
# How long a second launch keeps knocking while the holder of the lock starts its socket.
KNOCK_FOR_MS = 5000
_RETRY_MS = 25


def server_name(database_target: str) -> str:
    digest = hashlib.sha256(f"{getpass.getuser()}|{database_target}".encode()).hexdigest()[:16]
    return f"cpe-tracker-{digest}"


def lock_path(database_target: str) -> Path:
    """Where the lock for ``database_target`` (a SQLite path or a database URL) is kept."""
    if "://" not in database_target and database_target not in ("", ":memory:"):
        return Path(database_target).with_name(Path(database_target).name + ".lock")
    return _temporary_lock_path(database_target)


def _temporary_lock_path(database_target: str) -> Path:
    return Path(QDir.tempPath()) / f"{server_name(database_target)}.lock"


class Holder(NamedTuple):  # (not a dataclass: this module is imported at every start)
    """The program holding a database's lock, as its lock file says."""

    pid: int
    host: str

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}" if self.host else f"process {self.pid}"


class SingleInstance(QObject):
    """Owns the lock and local server for a database; ``activated`` fires when another launch
    knocks."""

    activated = Signal()

    def __init__(self, database_target: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(database_target)
        self._target = database_target
        self._lock: QLockFile | None = None
        self._claimed = False
        self._server: QLocalServer | None = None
        self.forwarded = False  # after claim() lost: the running window was asked forward
        self.holder: Holder | None = None  # after claim() lost: who holds the lock, if known
        self.lock_file: Path | None = None  # the lock file held, or found held by another

    @property
    def claimed(self) -> bool:
        """Whether this launch holds the lock (until :meth:`close`)."""
        return self._claimed

    def claim(self, knock_for_ms: int | None = None, *, listen: bool = True) -> bool:
        """True when this launch is now the one instance for its database (the lock is held
        and, unless ``listen`` is False, the socket listening: then :meth:`listen` opens it
        later). False when another launch holds it: ``forwarded`` then says whether it
        answered the knock (it is coming forward), ``holder`` who it is."""
        if knock_for_ms is None:
            knock_for_ms = KNOCK_FOR_MS
        deadline = time.monotonic() + knock_for_ms / 1000
        while True:
            if self._take_lock():
                if listen:
                    self._listen()
                return True
            if self.notify_running():
                self.forwarded = True
                return False
            if time.monotonic() >= deadline:
                return False
            from PySide6.QtCore import QThread  # (its class is made when first imported)

            QThread.msleep(_RETRY_MS)

    def notify_running(self) -> bool:
        """True when another instance answers on this database's socket (it has been asked to
        come forward)."""
        from PySide6.QtNetwork import QLocalSocket

        socket = QLocalSocket()
        socket.connectToServer(self.name)
        if not socket.waitForConnected(_TIMEOUT_MS):
            return False
        socket.write(b"activate\n")
        socket.flush()
        socket.waitForBytesWritten(_TIMEOUT_MS)
        socket.disconnectFromServer()
        return True

    def listen(self) -> bool:
        """Become the instance for this database without knocking first, or open the socket of
        a ``claim(listen=False)`` (once: a socket already open stays as it is): False when
        another launch holds the lock."""
        if not self._take_lock():
            return False
        self._listen()
        return True

    def _take_lock(self) -> bool:
        if self._claimed:
            return True
        for path in (lock_path(self._target), _temporary_lock_path(self._target)):
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                continue  # an unwritable data folder: the temporary folder's lock still guards
            lock = QLockFile(str(path))
            lock.setStaleLockTime(0)  # never stale by age; a dead holder is still detected
            if lock.tryLock(0):
                self._lock, self._claimed, self.lock_file = lock, True, path
                return True
            if lock.error() == QLockFile.LockError.LockFailedError:
                self.lock_file = path
                info = lock.getLockInfo()
                if isinstance(info, tuple) and len(info) == 3 and info[0]:
                    self.holder = Holder(int(info[0]), str(info[1] or ""))
                return False
            # PermissionError or UnknownError: this folder cannot hold a lock; try the next.
        log.warning("no lock file could be created for %s; running unguarded", self._target)
        self._claimed = True
        return True

    def _listen(self) -> None:
        """Start the socket later launches knock on. The lock is ours, so a socket already
        there was left by a crash and is removed."""
        if self._server is not None:
            return
        from PySide6.QtNetwork import QLocalServer

        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                log.warning("cannot listen on %s: %s", self.name, server.errorString())
                server.deleteLater()
                return
        server.newConnection.connect(self._on_connection)
        self._server = server

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            # The message is one short line: wait for it here rather than keep the socket around.
            if socket.bytesAvailable() or socket.waitForReadyRead(_TIMEOUT_MS):
                message = bytes(socket.readAll().data()).strip()
            else:
                message = b""
            socket.abort()
            socket.deleteLater()
            if message == b"activate":
                self.activated.emit()

    def close(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server.deleteLater()
            self._server = None
        if self._lock is not None:
            self._lock.unlock()
            self._lock = None
        self._claimed = False
