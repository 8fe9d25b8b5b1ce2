"""The program's style: Fusion, with every check box and radio button edged (``ui/theme.py``
installs it).

A module of its own so that the window's start, which paints no check box first, does not make
PySide6 build the ``QStyle`` and ``QStyleOption`` enum types (some 6 ms) before its first paint.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption, QWidget


class OutlinedIndicators(QProxyStyle):
    """Fusion, with every check box and radio button edged in the muted text colour.

    Fusion edges an unticked box a shade darker than the window; on the dark palette that edge
    and the box's fill all but vanish (about 1.1:1), so an unticked "Started on" looked like no
    control at all. The muted colour is at least 4.5:1 on the window in both themes (WCAG asks
    3:1 of a control's edge). A style sheet cannot do this without replacing Fusion's tick.
    """

    _EDGED = (
        QStyle.PrimitiveElement.PE_IndicatorCheckBox,
        QStyle.PrimitiveElement.PE_IndicatorRadioButton,
    )

    def drawPrimitive(
        self,
        element: QStyle.PrimitiveElement,
        option: QStyleOption,
        painter: QPainter,
        widget: QWidget | None = None,
    ) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in self._EDGED:
            return
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(option.palette.color(QPalette.ColorRole.PlaceholderText), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        box = option.rect.adjusted(1, 1, -1, -1)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(box)
        else:
            painter.drawRoundedRect(box.toRectF().adjusted(0.5, 0.5, -0.5, -0.5), 1.5, 1.5)
        painter.restore()
