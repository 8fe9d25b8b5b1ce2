"""The marks on values the record form took from a certificate: a ring in the accent colour
round each pre-filled input, a "From certificate — please check" badge under it, and the state
kept until the user edits or confirms the value (``certificate_prefill``)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QLabel, QWidget

NOTE = "From certificate \u2014 please check"


@dataclass
class Mark:
    """One pre-filled input (or credits line) not yet checked by the user."""

    label: str
    widgets: list[QWidget]
    badge: QLabel | None = None
    restore: Callable[[], None] | None = field(default=None, repr=False)
    tips: list[str] = field(default_factory=list)  # the inputs' own tooltips, given back
    outlines: list[Outline] = field(default_factory=list)


class Outline(QWidget):
    """A ring in the theme's accent colour over a pre-filled input's frame; clicks pass through.

    Painted, not styled: a style sheet on a combo box or date edit drops Fusion's arrow, and it
    would fight the error colours the form sets. The ring follows its input and goes with it.
    """

    def __init__(self, target: QWidget) -> None:
        super().__init__(target.parentWidget())
        self.target = target
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target.installEventFilter(self)
        target.destroyed.connect(self.deleteLater)
        self._follow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self._follow()
        elif event.type() == QEvent.Type.Hide:
            self.hide()
        return False

    def _follow(self) -> None:
        self.setGeometry(self.target.geometry())
        self.setVisible(self.target.isVisible())
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)


def note_badge(text: str = NOTE) -> QLabel:
    badge = QLabel(text)
    badge.setProperty("role", "banner")  # the theme's info colours, light and dark
    badge.setProperty("level", "info")
    badge.setStyleSheet("padding: 0 6px;")  # a compact pill under the input
    return badge


def edit_signals(widget: QWidget) -> list[Any]:
    """The signals that say an input's value changed (programmatic changes are filtered out)."""
    names = ("textChanged", "currentIndexChanged", "dateChanged", "dateTimeChanged", "changed")
    return [getattr(widget, name) for name in names if hasattr(widget, name)]
