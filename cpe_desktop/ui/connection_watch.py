"""The database server went away: a banner says so, edits are refused in words, and the program
reconnects by itself (``services/connection.py``, over ``db/connection_loss.py``).

Whatever meets a lost connection (a form's Save, a table reading its next page, the dashboard)
reports it with :func:`report`; the watch then shows its banner across the top of the window and
tries to reconnect every few seconds (or at once with "Try now"). Once the server answers, the
banner says so briefly and every view refreshes, since other desks may have changed things
meanwhile. A form whose Save met the loss stays open with the person's typing in it.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton

from cpe_desktop.services import connection
from cpe_desktop.services.changes import ALL_KINDS, Changes, note
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.widgets.banner import first_shown

log = logging.getLogger(__name__)

RETRY_MS = 3000
BACK_SHOWN_MS = 4000
REFUSED = (
    "The database server cannot be reached, so nothing was saved. What you typed is still "
    "here: save again once the banner says the connection is back."
)


class ConnectionBanner(QFrame):
    """Across the top of the window while the server cannot be reached."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("connectionBanner")
        self.setProperty("role", "banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Database connection")
        self.text = QLabel()
        self.text.setWordWrap(True)
        # Plain text and its size policy: set when first shown (setVisible).
        self._text_sized = False
        self.try_button = QPushButton("Try now")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.try_button)
        self.hide()

    def setVisible(self, visible: bool) -> None:
        if visible and not self._text_sized:
            self._text_sized = True
            first_shown(self.text)
        super().setVisible(visible)

    def say(self, text: str, *, trying: bool) -> None:
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.try_button.setVisible(trying)
        self.show()


class ConnectionWatch(QObject):
    lostConnection = Signal()
    backAgain = Signal()

    def __init__(self, bus: ChangeBus, banner: ConnectionBanner, parent=None) -> None:
        super().__init__(parent)
        self.bus, self.banner = bus, banner
        self.lost = False
        self.attempts = 0
        self.retry = QTimer(self)
        self.retry.setInterval(RETRY_MS)
        self.retry.timeout.connect(self.try_again)
        self.fade = QTimer(self)
        self.fade.setSingleShot(True)
        self.fade.setInterval(BACK_SHOWN_MS)
        self.fade.timeout.connect(self.banner.hide)
        banner.try_button.clicked.connect(self.try_again)

    def report(self, exc: BaseException) -> bool:
        """True (and the banner up, the retries running) when ``exc`` is a lost connection."""
        if not connection.is_connection_lost(exc):
            return False
        if not self.lost:
            log.warning("database connection lost: %s", exc)
            self.lost = True
            self.attempts = 0
            self.fade.stop()
            self.banner.say(
                "The database server cannot be reached. Nothing can be saved until it is back; "
                "what was saved before is safe. Trying again every few seconds…",
                trying=True,
            )
            self.retry.start()
            self.lostConnection.emit()
        return True

    def try_again(self) -> None:
        if not self.lost:
            return
        self.attempts += 1
        if not connection.reconnect():
            return
        log.info("database connection back after %d attempt(s)", self.attempts)
        self.lost = False
        self.retry.stop()
        self.banner.say("Connected to the database server again.", trying=False)
        self.fade.start()
        everything = Changes(ALL_KINDS)  # other desks may have changed anything meanwhile
        note(everything)
        self.bus.publish(everything)
        self.backAgain.emit()


_current: ConnectionWatch | None = None


def install(watch: ConnectionWatch | None) -> None:
    """The watch of the window now shown (None when there is none)."""
    global _current
    _current = watch


def report(exc: BaseException) -> bool:
    """Route ``exc`` to the current watch; True when it was a lost connection it now handles."""
    if _current is None:
        return False
    return _current.report(exc)
