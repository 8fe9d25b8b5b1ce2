"""Stand-ins for a signed-in person's notices, shared by the reminder tests: a tray icon that
records its balloons, a notifier that records what it was asked to show, and a reminder session
on a real window whose tasks run at once on the test's thread."""

from __future__ import annotations

from PySide6.QtWidgets import QSystemTrayIcon

from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.reminder_session import ReminderSession


class FakeTrayIcon(QSystemTrayIcon):
    """A tray icon that records its balloons instead of asking the desktop to show them."""

    def __init__(self) -> None:
        super().__init__()
        self.shown: list[tuple[str, str]] = []
        self.visible = True

    def showMessage(self, title, message, *args):
        self.shown.append((title, message))

    def isVisible(self) -> bool:
        return self.visible


class RecordingNotifier:
    """A notifier that keeps (title, message) of each notice instead of showing it."""

    def __init__(self) -> None:
        self.shown: list[tuple[str, str]] = []

    def notify(self, title: str, message: str) -> None:
        self.shown.append((title, message))


def run_now(name, work, *, on_done=None, on_error=None):
    """The task runner's submit, run at once on this thread (the runner has its own tests)."""
    try:
        result = work(lambda percent, message="": None)
    except Exception as exc:
        if on_error:
            on_error(exc)
        return
    if on_done:
        on_done(result)


def reminder_session(qtbot, ctx, *, tray=None, notifier=None):
    """A reminder session for ``ctx`` on a window of its own: (session, window, bus)."""
    bus = ChangeBus()
    window = MainWindow(ctx, bus, database_location="test.db")
    qtbot.addWidget(window)
    session = ReminderSession(ctx, bus, window, tray, run_now, notifier=notifier)
    return session, window, bus
