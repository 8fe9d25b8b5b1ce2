"""One running window per database: a second launch asks the first to come forward, then exits."""

from __future__ import annotations

import getpass
import hashlib

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

_TIMEOUT_MS = 1000


def server_name(database_target: str) -> str:
    digest = hashlib.sha256(f"{getpass.getuser()}|{database_target}".encode()).hexdigest()[:16]
    return f"cpe-tracker-{digest}"


class SingleInstance(QObject):
    """Owns the local server for a database; ``activated`` fires when another launch knocks."""

    activated = Signal()

    def __init__(self, database_target: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.name = server_name(database_target)
        self._server: QLocalServer | None = None

    def notify_running(self) -> bool:
        """True when another instance owns this database (it has been asked to come forward)."""
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
        """Become the instance for this database (clearing a stale socket left by a crash)."""
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.name):
            QLocalServer.removeServer(self.name)
            if not server.listen(self.name):
                return False
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while self._server.hasPendingConnections():
            socket = self._server.nextPendingConnection()
            # The message is one short line: wait for it here rather than keep the socket around.
            if socket.bytesAvailable() or socket.waitForReadyRead(_TIMEOUT_MS):
                message = bytes(socket.readAll()).strip()
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
