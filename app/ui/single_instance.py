"""One console per user: launching it again raises the window that is running.

The first instance listens on a local socket named after the application and
the user; a second one connects, asks the first to show its window, and ends.
"""

from __future__ import annotations

import getpass

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket

from app import APP_ID

RAISE = b"raise\n"


def server_name() -> str:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "user"
    return f"{APP_ID}-{user}"


class SingleInstance(QObject):
    #: Another launch asked for the window.
    raise_requested = Signal()

    def __init__(self, name: str | None = None, parent: QObject | None = None):
        super().__init__(parent)
        self.name = name or server_name()
        self.server: QLocalServer | None = None

    def ask_running(self, timeout_ms: int = 500) -> bool:
        """True when another instance answered (and was asked to raise its window)."""
        sock = QLocalSocket()
        sock.connectToServer(self.name)
        if not sock.waitForConnected(timeout_ms):
            return False
        sock.write(RAISE)
        sock.waitForBytesWritten(timeout_ms)
        sock.disconnectFromServer()
        return True

    def listen(self) -> bool:
        """Become the running instance; a stale socket of a crashed one is removed first."""
        QLocalServer.removeServer(self.name)
        self.server = QLocalServer(self)
        self.server.newConnection.connect(self._connection)
        return self.server.listen(self.name)

    def _connection(self) -> None:
        while self.server is not None and self.server.hasPendingConnections():
            sock = self.server.nextPendingConnection()  # a child of the server, freed with it
            sock.readyRead.connect(self._read)

    def _read(self) -> None:
        sock = self.sender()
        if isinstance(sock, QLocalSocket) and bytes(sock.readAll()).startswith(RAISE.strip()):
            self.raise_requested.emit()

    def close(self) -> None:
        if self.server is not None:
            self.server.close()
            self.server = None
