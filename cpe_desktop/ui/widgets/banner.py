"""An in-window banner for notifications, used where the desktop has no system tray.

Why this module exists: without a tray a reminder must still be seen, so it appears across the
top of the main window with a button to the Notifications tab and one to dismiss it. Several
notifications arriving together show the newest with a count, not a stack of banners.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton


def first_shown(text: QLabel, *plain: QLabel, selectable: bool = False) -> None:
    """What a banner's labels are set to when the banner is first shown rather than when it is
    made, hidden, with the window: its message ``text`` plain text, as wide as the row allows
    (and selectable by mouse), and the ``plain`` labels plain text. Made before the first paint,
    these would build PySide6's ``Qt`` namespace (its hundred enum types, 15-25 ms) and
    ``QSizePolicy``'s class, which nothing else before the first paint needs."""
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QSizePolicy

    for label in (text, *plain):
        label.setTextFormat(Qt.TextFormat.PlainText)
    text.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Preferred)
    if selectable:
        text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)


class NotificationBanner(QFrame):
    openRequested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("notificationBanner")
        self.setProperty("role", "banner")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName("Notification")
        self.title = QLabel()
        font = self.title.font()
        font.setBold(True)
        self.title.setFont(font)
        self.text = QLabel()
        self.text.setWordWrap(True)
        # Plain text, its size policy, selectable by mouse: set when first shown (setVisible).
        self._text_sized = False
        self.open_button = QPushButton("Show notifications")
        self.dismiss_button = QPushButton("Dismiss")
        self.open_button.clicked.connect(self._open)
        self.dismiss_button.clicked.connect(self.dismiss)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.open_button)
        layout.addWidget(self.dismiss_button)
        self._count = 0
        self.hide()

    def setVisible(self, visible: bool) -> None:
        if visible and not self._text_sized:
            self._text_sized = True
            first_shown(self.text, self.title, selectable=True)
        super().setVisible(visible)

    def show_message(self, title: str, message: str) -> None:
        self._count += 1
        more = self._count - 1
        self.title.setText(title)
        suffix = f"  (and {more} more)" if more else ""
        self.text.setText(message + suffix)
        self.show()

    def dismiss(self) -> None:
        self._count = 0
        self.hide()

    def _open(self) -> None:
        self.dismiss()
        self.openRequested.emit()
