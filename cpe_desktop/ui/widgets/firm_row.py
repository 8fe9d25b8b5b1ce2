"""The firm view's rows: one compact line per person × license, columns aligned across rows,
so an administrator reads fifty people at a glance. Used by the dashboard."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QGridLayout,
    QLabel,
    QWidget,
)

from cpe_desktop.rules.wording import hours_text, overdue_text
from cpe_desktop.services.compliance import LicenseStatus
from cpe_desktop.ui.widgets.hours_bar import HoursBar
from cpe_desktop.ui.widgets.license_card import (
    STATUS_WORDS,
    LicenseFrame,
    day_text,
    license_title,
    no_rule_text,
    status_glyph,
    status_word,
    text_label,
)

FIRM_COLUMNS = ("status", "person", "license", "ends", "days", "progress")
FIRM_TITLES = {
    "status": "Status",
    "person": "Person",
    "license": "License",
    "ends": "Period ends",
    "days": "Days left",
    "progress": "Total hours",
}
_MAX_WIDTHS = {"person": 220, "license": 260}
ROW_MARGINS = (16, 6, 14, 6)
GLYPH = 16


def _firm_grid(widget: QWidget) -> QGridLayout:
    grid = QGridLayout(widget)
    grid.setContentsMargins(*ROW_MARGINS)
    grid.setHorizontalSpacing(16)
    grid.setVerticalSpacing(2)
    grid.setColumnMinimumWidth(0, GLYPH)
    grid.setColumnStretch(len(FIRM_COLUMNS), 1)
    return grid


def natural_widths(cells: dict[str, QLabel]) -> dict[str, int]:
    """How wide each text column would like to be (capped for very long names)."""
    widths = {}
    for key, label in cells.items():
        width = label.fontMetrics().horizontalAdvance(label.text()) + 2
        widths[key] = min(width, _MAX_WIDTHS.get(key, width))
    return widths


def apply_widths(cells: dict[str, QLabel], widths: dict[str, int]) -> None:
    """Give every column the firm-wide width, eliding what still does not fit."""
    for key, label in cells.items():
        full = label.toolTip() or label.text()
        elided = label.fontMetrics().elidedText(full, Qt.TextElideMode.ElideRight, widths[key])
        if elided != full:
            label.setToolTip(full)
        label.setText(elided)
        label.setFixedWidth(widths[key])


class FirmRow(LicenseFrame):
    """One license of one person on a line, for scanning a whole firm: status, person, license,
    period end, days left and total hours, with what is missing underneath."""

    def __init__(
        self, item: LicenseStatus, *, is_admin: bool = True, parent: QWidget | None = None
    ) -> None:
        super().__init__(item, 6, parent)
        ev = item.evaluation
        grid = _firm_grid(self)
        grid.addWidget(status_glyph(item.status, GLYPH), 0, 0)
        self.status_label = status_word(item.status)
        self.cells: dict[str, QLabel] = {
            "status": self.status_label,
            "person": text_label(item.user.name, bold=True),
            "license": text_label(license_title(item)),
            "ends": text_label(day_text(ev.period_end) if ev else "—"),
            "days": text_label(f"{ev.days_left:,}" if ev else "—"),
        }
        self.cells["days"].setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        for column, key in enumerate(FIRM_COLUMNS[:-1], start=1):
            grid.addWidget(self.cells[key], 0, column)
        self.bar: HoursBar | None = None
        if ev is not None and ev.required_total:
            self.bar = HoursBar(
                "Total", ev.counted_total, ev.required_total, ev.status, compact=True
            )
            grid.addWidget(self.bar, 0, len(FIRM_COLUMNS))
        elif ev is not None:
            nothing = "no minimum" if ev.required_total is None else "none required"
            no_minimum = text_label(f"{hours_text(ev.counted_total)} h, {nothing}")
            grid.addWidget(no_minimum, 0, len(FIRM_COLUMNS))
        if ev is None:
            detail = no_rule_text(item, is_admin)
        else:
            # The card's first sentence, with tracked overdue history said apart.
            detail = "  ·  ".join(t for t in (ev.headline(), overdue_text(ev)) if t)
            if ev.issues:
                detail += f"  ·  {len(ev.issues)} issue{'' if len(ev.issues) == 1 else 's'}"
                self.setToolTip("\n".join(i.message for i in ev.issues[:10]))
        self.headline_label = text_label(detail, muted=True, wrap=True)
        grid.addWidget(self.headline_label, 1, 2, 1, len(FIRM_COLUMNS) - 1)
        self.setAccessibleName(
            f"{item.user.name}, {license_title(item)}: {STATUS_WORDS[item.status]}"
        )
        self.setAccessibleDescription(detail)


class FirmHeader(QWidget):
    """Column titles above the firm rows, on the rows' grid."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = _firm_grid(self)
        grid.setContentsMargins(ROW_MARGINS[0], 0, ROW_MARGINS[2], 0)
        # The text columns get fixed widths; the bar's title starts where the bars do.
        self.cells = {
            key: text_label(FIRM_TITLES[key], muted=True, bold=True) for key in FIRM_COLUMNS[:-1]
        }
        spacer = QWidget()  # an empty grid column gets no spacing: keep the glyph's place
        spacer.setFixedSize(GLYPH, 1)
        grid.addWidget(spacer, 0, 0)
        self.cells["days"].setAlignment(Qt.AlignmentFlag.AlignRight)
        for column, key in enumerate(FIRM_COLUMNS[:-1], start=1):
            grid.addWidget(self.cells[key], 0, column)
        progress = text_label(FIRM_TITLES["progress"], muted=True, bold=True)
        grid.addWidget(progress, 0, len(FIRM_COLUMNS))


# --- the tab ------------------------------------------------------------------------------------
