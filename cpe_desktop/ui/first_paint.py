"""Work that the first window does not need, run once it has been painted.

Why this module exists: whatever runs between ``show()`` and the event loop's first turn delays
the first picture of the window, and people judge a program's start by when they see it. The
reminders (scheduler, tray, email queue, the deadline check) and the checks after start (audit
log, sync folder, the automatic backup) can wait a few milliseconds more; the window cannot.

Qt paints a widget window while it handles the window's first expose event, so the work is
queued (a zero timer, parented to the widget: it never runs once the widget is gone) when that
event arrives. A window that is never exposed (hidden, minimized at start) does not hold the work
back for long: it runs after ``FALLBACK_MS`` anyway.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FALLBACK_MS = 2000


class _AfterFirstPaint(QObject):
    def __init__(self, widget: QWidget, work: Callable[[], None]) -> None:
        super().__init__(widget)
        self._work: Callable[[], None] | None = work
        self._window = widget.windowHandle()
        if self._window is not None:
            self._window.installEventFilter(self)
        self._fallback = QTimer(self)
        self._fallback.setSingleShot(True)
        self._fallback.timeout.connect(self._run)
        self._fallback.start(FALLBACK_MS)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Expose and self._work is not None:
            self._fallback.stop()
            QTimer.singleShot(0, self, self._run)  # after this expose, and its painting, is done
        return False

    def _run(self) -> None:
        work, self._work = self._work, None
        if self._window is not None:
            self._window.removeEventFilter(self)
        self._fallback.stop()
        self.deleteLater()
        if work is not None:
            work()


def after_first_paint(widget: QWidget, work: Callable[[], None]) -> None:
    """Run ``work`` on this thread once ``widget`` (shown, a top-level window) has been painted
    for the first time, or after ``FALLBACK_MS``; never after ``widget`` is deleted."""
    _AfterFirstPaint(widget, work)
