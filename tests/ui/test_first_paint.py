"""What the first window does not need waits until it has been painted (ui/first_paint.py):
the program starts the reminders and the checks after start that way."""

from __future__ import annotations

import time

from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QLabel, QMainWindow

from cpe_desktop.ui.controller import Controller
from cpe_desktop.ui.first_paint import FALLBACK_MS, after_first_paint
from cpe_desktop.ui.reminder_session import ReminderSession
from tests.helpers.modal_dialogs import sign_in


class _Paints(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.count = 0

    def eventFilter(self, watched, event):
        if event.type() == QEvent.Type.Paint:
            self.count += 1
        return False


def test_the_work_runs_once_after_the_window_is_painted(qtbot):
    window = QMainWindow()
    label = QLabel("hello")
    window.setCentralWidget(label)
    qtbot.addWidget(window)
    paints = _Paints()
    label.installEventFilter(paints)
    runs: list[int] = []
    window.show()
    started = time.monotonic()
    after_first_paint(window, lambda: runs.append(paints.count))
    assert runs == []  # not before the event loop has painted
    qtbot.waitUntil(lambda: bool(runs), timeout=5000)
    assert runs[0] >= 1  # the label had been painted
    assert time.monotonic() - started < FALLBACK_MS / 1000 / 2  # on the paint, not the fallback
    qtbot.wait(50)
    assert len(runs) == 1


def test_never_after_the_window_is_gone(qtbot):
    window = QMainWindow()
    window.show()
    runs: list[str] = []
    after_first_paint(window, lambda: runs.append("ran"))
    window.deleteLater()
    qtbot.wait(100)
    assert runs == []


def test_the_program_starts_the_reminders_after_the_first_paint(qtbot, people, clock):
    controller = Controller("test.db", clock, background_after_paint=True)
    window = sign_in(qtbot, controller, "ada@example.com")
    assert controller.session is None  # not yet: the window first
    qtbot.waitUntil(lambda: controller.session is not None, timeout=5000)
    assert window.findChildren(ReminderSession) == [controller.session]
