"""A progress bar for hours: counted against required, painted with QPainter in the status colour.

Why this module exists: QProgressBar takes whole numbers, draws differently on every style and
cannot say "76.5 of 120 h" beside a marker for how much of the period has passed. The dashboard
needs one look in light and dark themes, hours as decimals, and a text that screen readers get
too (the accessible description says the same numbers the bar shows).
"""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from cpe_desktop.rules.wording import hours_text
from cpe_desktop.ui.theme import STATUSES, status_colour

BAR_HEIGHT = 8
COMPACT_BAR_HEIGHT = 6
GAP = 4  # between the caption line and the bar


def blend(first: QColor, second: QColor, amount: float) -> QColor:
    """``first`` moved ``amount`` (0…1) of the way towards ``second``."""
    return QColor.fromRgbF(
        first.redF() + (second.redF() - first.redF()) * amount,
        first.greenF() + (second.greenF() - first.greenF()) * amount,
        first.blueF() + (second.blueF() - first.blueF()) * amount,
    )


def bar_colour(status: str, met: bool) -> QColor:
    """A met requirement is drawn as complete; an unmet one in its license's status colour."""
    return status_colour("complete" if met or status not in STATUSES else status)


class HoursBar(QWidget):
    """``counted`` of ``required`` hours as a bar with its caption and numbers.

    The full bar puts ``label`` and "76.5 of 120 h" on a line above the bar and ``detail`` (e.g.
    the ethics period's dates), when given, in muted text below it; the ``compact`` one (firm view
    rows) draws a thin bar with the numbers to its right. ``pace`` (0…1), when given, marks how
    much of the period has passed, so a bar left of its marker reads as "behind". ``met``
    overrides "counted reaches required" (a total waived because an alternative path is met).
    """

    def __init__(
        self,
        label: str,
        counted: Decimal,
        required: Decimal,
        status: str,
        *,
        detail: str = "",
        pace: float | None = None,
        compact: bool = False,
        met: bool | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._met = met
        self.label = label
        self.counted = counted
        self.required = required
        self.status = status
        self.detail = detail
        self.pace = pace
        self.compact = compact
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.setAccessibleName(f"{label} hours")
        self.setAccessibleDescription(self.description())
        self.setToolTip(self.description())

    # --- what it says -------------------------------------------------------------------------

    @property
    def met(self) -> bool:
        """Counted reaches required, unless the caller knows better (an alternative met)."""
        return self.counted >= self.required if self._met is None else self._met

    @property
    def fraction(self) -> float:
        """How full the bar is drawn, 0…1 (more than required still draws a full bar)."""
        if self.required <= 0:
            return 1.0
        return max(0.0, min(1.0, float(self.counted / self.required)))

    def numbers(self) -> str:
        """The text beside the bar: "76.5 of 120 h"."""
        return f"{hours_text(self.counted)} of {hours_text(self.required)} h"

    def description(self) -> str:
        """The bar in words, for screen readers and the tooltip."""
        label = f"{self.label} ({self.detail})" if self.detail else self.label
        text = f"{label}: {hours_text(self.counted)} of {hours_text(self.required)} hours counted"
        missing = self.required - self.counted
        if self.met:
            text += "; requirement met."
        elif missing > 0:
            text += f"; {hours_text(missing)} still needed."
        else:
            text += "; not met yet."
        if self.pace is not None:
            text += (
                f" {round(self.pace * 100)}% of the period has passed (the mark on the bar:"
                " where an even pace would be)."
            )
        return text

    def numbers_width(self) -> int:
        """Room for the widest numbers a bar shows, so compact bars line up row after row."""
        return self.fontMetrics().horizontalAdvance("888.8 of 888 h") + 2

    # --- size and painting ----------------------------------------------------------------------

    def sizeHint(self) -> QSize:
        metrics = self.fontMetrics()
        if self.compact:
            return QSize(120 + self.numbers_width(), max(metrics.height(), COMPACT_BAR_HEIGHT))
        height = metrics.height() + GAP + BAR_HEIGHT + 2  # +2: the pace marker
        if self.detail:
            height += GAP + metrics.height()
        return QSize(240, height)

    def minimumSizeHint(self) -> QSize:
        hint = self.sizeHint()
        return QSize(80 if not self.compact else 40 + self.numbers_width(), hint.height())

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        text_colour = palette.color(QPalette.ColorRole.WindowText)
        metrics = self.fontMetrics()
        width = self.width()
        if self.compact:
            numbers_width = self.numbers_width()
            bar = QRectF(
                0,
                (self.height() - COMPACT_BAR_HEIGHT) / 2,
                max(width - numbers_width - 8, 8),
                COMPACT_BAR_HEIGHT,
            )
            painter.setPen(text_colour)
            painter.drawText(
                int(bar.right()) + 8,
                0,
                numbers_width,
                self.height(),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                self.numbers(),
            )
        else:
            line = metrics.height()
            numbers = self.numbers()
            numbers_width = metrics.horizontalAdvance(numbers)
            label = metrics.elidedText(
                self.label, Qt.TextElideMode.ElideRight, max(width - numbers_width - 12, 0)
            )
            painter.setPen(text_colour)
            painter.drawText(0, 0, width, line, Qt.AlignmentFlag.AlignLeft, label)
            font = painter.font()
            font.setBold(True)
            painter.setFont(font)
            painter.drawText(0, 0, width, line, Qt.AlignmentFlag.AlignRight, numbers)
            bar = QRectF(0, line + GAP, width, BAR_HEIGHT)
            if self.detail:
                font.setBold(False)
                painter.setFont(font)
                painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
                detail = metrics.elidedText(self.detail, Qt.TextElideMode.ElideRight, width)
                top = int(bar.bottom()) + 2 + GAP
                painter.drawText(0, top, width, line, Qt.AlignmentFlag.AlignLeft, detail)
        self._paint_bar(painter, bar, palette)
        painter.end()

    def _paint_bar(self, painter: QPainter, bar: QRectF, palette: QPalette) -> None:
        base = palette.color(QPalette.ColorRole.Base)
        text = palette.color(QPalette.ColorRole.Text)
        radius = bar.height() / 2
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(blend(base, text, 0.14))
        painter.drawRoundedRect(bar, radius, radius)
        if self.counted > 0:
            filled = QRectF(bar)
            filled.setWidth(max(bar.width() * self.fraction, bar.height()))
            painter.setBrush(bar_colour(self.status, self.met))
            painter.drawRoundedRect(filled, radius, radius)
        # Where the hours should be by now, if spread evenly; only worth drawing while short.
        if self.pace is not None and 0 < self.pace < 1 and not self.met:
            x = bar.left() + bar.width() * self.pace
            painter.setBrush(text)
            painter.drawRect(QRectF(x - 1, bar.top() - 2, 2, bar.height() + 4))
