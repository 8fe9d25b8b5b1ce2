"""The program's own icons as QIcons: the application mark, the tray icon and status glyphs.

Why this module exists: widgets ask for an icon by meaning (``status_icon("overdue")``), never
by file name, so the artwork drawn by ``build/make_icons.py`` into ``resources/icons/`` can
change without touching the UI. Files are found through :func:`cpe_desktop.paths.resource`, which
works from source and in the frozen bundle. A missing file raises ``FileNotFoundError``: it means
a broken install, and the frozen-app smoke test should catch it, not a blank icon.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Final

from PySide6.QtCore import QSize
from PySide6.QtGui import QIcon

from cpe_desktop.paths import resource

APP_ICON_SIZES: Final = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
# The sizes a window's icon carries away from macOS. On X11, Qt hands the window manager every
# size of a window's icon as pixels (_NET_WM_ICON) at the window's first show: 512 and 1024 would
# be 5 MB decoded and sent (some 35 ms of the start) for sizes no window manager or taskbar draws.
# Windows takes the title bar's and the taskbar's sizes only. macOS draws the Dock's icon from the
# application's icon when run from source (the bundle has its .icns), so it keeps them all.
WINDOW_ICON_SIZES: Final = tuple(size for size in APP_ICON_SIZES if size <= 256)
STATUS_ICON_SIZES: Final = (16, 32)
STATUSES: Final = ("complete", "on_track", "at_risk", "overdue")
TRAY_SIZE: Final = 16  # tray.png; tray@2x.png is twice this


def icon_path(name: str) -> Path:
    """``resources/icons/<name>``; raises ``FileNotFoundError`` if it is missing."""
    path = resource("icons", name)
    if not path.is_file():
        raise FileNotFoundError(f"icon file missing from the installation: {path}")
    return path


def app_icon(platform: str = sys.platform) -> QIcon:
    """The application icon for windows, the taskbar and the Dock: every drawn size on macOS,
    up to 256 pixels elsewhere (``WINDOW_ICON_SIZES``)."""
    icon = QIcon()
    for size in APP_ICON_SIZES if platform == "darwin" else WINDOW_ICON_SIZES:
        icon.addFile(str(icon_path(f"app-{size}.png")), QSize(size, size))
    return icon


def tray_icon(alert: bool = False) -> QIcon:
    """The system tray icon; ``alert`` adds a dot meaning "unread notifications"."""
    stem = "tray-alert" if alert else "tray"
    icon = QIcon()
    icon.addFile(str(icon_path(f"{stem}.png")), QSize(TRAY_SIZE, TRAY_SIZE))
    icon.addFile(str(icon_path(f"{stem}@2x.png")), QSize(2 * TRAY_SIZE, 2 * TRAY_SIZE))
    return icon


def status_icon(status: str) -> QIcon:
    """The glyph for a compliance status: complete, on_track, at_risk or overdue.

    In a selected table row the icon shows its white variant, which stays visible on the
    highlight colour where the coloured glyph would not.
    """
    if status not in STATUSES:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}")
    slug = status.replace("_", "-")
    icon = QIcon()
    for size in STATUS_ICON_SIZES:
        icon.addFile(str(icon_path(f"status-{slug}-{size}.png")), QSize(size, size))
        icon.addFile(
            str(icon_path(f"status-{slug}-{size}-selected.png")),
            QSize(size, size),
            QIcon.Mode.Selected,
        )
    return icon
