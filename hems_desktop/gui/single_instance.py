"""One app per user: a second launch asks the first to show its window, then exits."""

from __future__ import annotations

import getpass

from PySide6.QtCore import QObject, Signal
from PySide6.QtNetwork import QLocalServer, QLocalSocket


class SingleInstance(QObject):
    activated = Signal()

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        try:
            user = getpass.getuser()
        except Exception:
            user = "user"
        self.key = f"{name}-{user}"
        self._server: QLocalServer | None = None

    def acquire(self) -> bool:
        """True when we are the first instance; False after waking the one that runs."""
        socket = QLocalSocket()
        socket.connectToServer(self.key)
        if socket.waitForConnected(300):
            socket.write(b"show\n")
            socket.waitForBytesWritten(300)
            socket.disconnectFromServer()
            return False
        QLocalServer.removeServer(self.key)  # a stale socket from a crash
        server = QLocalServer(self)
        server.setSocketOptions(QLocalServer.SocketOption.UserAccessOption)
        if not server.listen(self.key):
            return True  # cannot guard: run anyway rather than refuse to start
        server.newConnection.connect(self._on_connection)
        self._server = server
        return True

    def _on_connection(self) -> None:
        assert self._server is not None
        while (connection := self._server.nextPendingConnection()) is not None:
            connection.readyRead.connect(self.activated.emit)
            connection.disconnected.connect(connection.deleteLater)

    def release(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
