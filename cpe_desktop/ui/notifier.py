"""One way to put a notification in front of a person: the tray where there is one, the window
otherwise.

Why this module exists: reminders and deadline warnings must be seen whether or not the desktop
has a system tray (many Linux desktops and some locked-down Windows machines do not). Everything
that wants to tell the person something goes through a :class:`Notifier`; this is the only module
that calls ``QSystemTrayIcon.showMessage``. Tests use a fake tray icon or their own notifier.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Protocol

from PySide6.QtWidgets import QApplication, QSystemTrayIcon, QWidget

from cpe_desktop.ui.widgets.banner import NotificationBanner

MESSAGE_MS = 10_000  # how long a tray balloon stays, where the platform lets us choose


class Notifier(Protocol):
    def notify(self, title: str, message: str) -> None:
        """Show one notification to the person at the computer."""
        ...


class TrayNotifier:
    """A balloon or toast from the tray icon."""

    def __init__(self, icon: QSystemTrayIcon) -> None:
        self.icon = icon

    def notify(self, title: str, message: str) -> None:
        self.icon.showMessage(title, message, QSystemTrayIcon.MessageIcon.Information, MESSAGE_MS)


class WindowNotifier:
    """A banner across the main window, and the window asking for attention (the taskbar entry
    flashes, the dock icon bounces)."""

    def __init__(
        self, window: Callable[[], QWidget | None], banner: Callable[[], NotificationBanner | None]
    ) -> None:
        self._window = window
        self._banner = banner

    def notify(self, title: str, message: str) -> None:
        banner = self._banner()
        if banner is not None:
            banner.show_message(title, message)
        window = self._window()
        if window is not None:
            QApplication.alert(window)


def tray_is_available() -> bool:
    return QSystemTrayIcon.isSystemTrayAvailable()


def choose_notifier(
    tray_icon: QSystemTrayIcon | None,
    window: Callable[[], QWidget | None],
    banner: Callable[[], NotificationBanner | None],
    *,
    available: Callable[[], bool] = tray_is_available,
) -> Notifier:
    """The tray when the desktop has one and our icon is in it; the window otherwise."""
    if tray_icon is not None and available() and tray_icon.isVisible():
        return TrayNotifier(tray_icon)
    return WindowNotifier(window, banner)
