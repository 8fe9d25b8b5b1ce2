"""The system tray icon and its menu: Open, Pause reminders, Resume, Quit.

Why this module exists: the tray is how a person reaches the program while its window is closed,
so the icon, its menu and the "unread" dot live in one place. It only raises signals; the
controller decides what they do. Showing messages is the notifier's job (``ui/notifier.py``).
"""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon

from cpe_desktop.ui.icons import tray_icon

PAUSE_HOUR = dt.timedelta(hours=1)
TOMORROW_AT = dt.time(8, 0)  # "until tomorrow" means until 08:00 tomorrow, local time


def pause_until_tomorrow(now_local: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(now_local.date() + dt.timedelta(days=1), TOMORROW_AT)


class Tray(QObject):
    """A tray icon with the program's menu. ``icon`` is the QSystemTrayIcon (or a test's fake)."""

    openRequested = Signal()
    pauseRequested = Signal(object)  # a timedelta, or None for "until tomorrow"
    resumeRequested = Signal()
    quitRequested = Signal()

    def __init__(self, icon: QSystemTrayIcon | None = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.icon = icon if icon is not None else QSystemTrayIcon()
        self.icon.setIcon(tray_icon())
        self.icon.setToolTip("CPE Tracker")
        self.menu = QMenu()
        self.open_action = self._add("Open CPE Tracker", self.openRequested.emit)
        self.menu.addSeparator()
        self.pause_hour_action = self._add(
            "Pause reminders for 1 hour", lambda: self.pauseRequested.emit(PAUSE_HOUR)
        )
        self.pause_tomorrow_action = self._add(
            "Pause reminders until tomorrow", lambda: self.pauseRequested.emit(None)
        )
        self.resume_action = self._add("Resume reminders", self.resumeRequested.emit)
        self.resume_action.setVisible(False)
        self.menu.addSeparator()
        self.quit_action = self._add("Quit CPE Tracker", self.quitRequested.emit)
        self.icon.setContextMenu(self.menu)
        self.icon.activated.connect(self._activated)
        self.icon.messageClicked.connect(self.openRequested.emit)

    def _add(self, text: str, slot) -> QAction:
        action = QAction(text, self.menu)
        action.triggered.connect(lambda _checked=False: slot())
        self.menu.addAction(action)
        return action

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (
            QSystemTrayIcon.ActivationReason.Trigger,
            QSystemTrayIcon.ActivationReason.DoubleClick,
        ):
            self.openRequested.emit()

    def show(self) -> None:
        self.icon.show()

    def hide(self) -> None:
        self.icon.hide()

    def set_unread(self, count: int) -> None:
        """The dot on the icon and the tooltip follow the number of unread notifications."""
        self.icon.setIcon(tray_icon(alert=count > 0))
        self.icon.setToolTip(
            f"CPE Tracker — {count} unread notification{'' if count == 1 else 's'}"
            if count
            else "CPE Tracker"
        )

    def set_paused(self, until: dt.datetime | None) -> None:
        """Show "Resume" while reminders are paused, the pause choices otherwise."""
        paused = until is not None
        self.resume_action.setVisible(paused)
        self.resume_action.setText(
            f"Resume reminders (paused until {until:%H:%M})" if paused else "Resume reminders"
        )
        self.pause_hour_action.setVisible(not paused)
        self.pause_tomorrow_action.setVisible(not paused)
