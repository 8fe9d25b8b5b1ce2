"""The Reports tab's dialogs: choosing what a new report covers, and reading a stored report.

``ReportOptionsDialog`` asks only what the report needs — whose progress (administrators pick a
person), the as-of date, or for an audit pack the license and which of its periods. The
periods are asked of the service as the license changes; a license that cannot be packed (no
requirement rule) says why and keeps OK disabled. ``ReportViewer`` shows a stored report's data
with the same HTML its PDF is laid out from, and offers Export as….
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any, cast

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.errors import ServiceError
from cpe_desktop.services.reporting.audit_pack import PackPeriod
from cpe_desktop.ui.date_edits import DateEdit
from cpe_desktop.ui.report_html import report_html

MIN_WIDTH = 440  # a date box alone made a dialog 200 pixels wide, its title cut


class ReportOptionsDialog(QDialog):
    """What a new report covers. Pass ``people`` to offer a choice of person, ``as_of`` to ask
    for a date, ``licenses`` and ``periods_of`` for an audit pack."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        *,
        people: Sequence[tuple[int, str]] = (),
        person_id: int | None = None,
        as_of: dt.date | None = None,
        licenses: Sequence[tuple[int, str]] = (),
        periods_of: Callable[[int], list[PackPeriod]] | None = None,
        intro: str = "",
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(MIN_WIDTH)
        self._periods_of = periods_of
        self._periods: list[PackPeriod] = []
        form = QFormLayout()
        self.person = QComboBox()
        for user_id, label in people:
            self.person.addItem(label, user_id)
        if person_id is not None and self.person.findData(person_id) >= 0:
            self.person.setCurrentIndex(self.person.findData(person_id))
        if people:
            form.addRow("&Person:", self.person)
        self.date = DateEdit()  # a date can be typed whole, 2/18/2026
        if as_of is not None:
            self.date.setDate(QDate(as_of.year, as_of.month, as_of.day))
            form.addRow("Data &as of:", self.date)
        self.license = QComboBox()
        self.period = QComboBox()
        self.problem = QLabel()
        self.problem.setWordWrap(True)
        self.problem.setProperty("role", "error")
        self.problem.hide()
        if periods_of is not None:
            for license_id, label in licenses:
                self.license.addItem(label, license_id)
            form.addRow("&License:", self.license)
            form.addRow("P&eriod:", self.period)
            form.addRow(self.problem)
            self.license.currentIndexChanged.connect(self._load_periods)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        self.buttons.button(QDialogButtonBox.StandardButton.Ok).setText("&Make")
        layout = QVBoxLayout(self)
        self.intro = QLabel(intro)
        self.intro.setWordWrap(True)
        self.intro.setVisible(bool(intro))
        layout.addWidget(self.intro)
        layout.addSpacing(6 if intro else 0)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        if periods_of is not None:
            self._load_periods()

    @property
    def ok_button(self) -> QPushButton:
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _load_periods(self) -> None:
        self.period.clear()
        self._periods = []
        license_id = self.license.currentData()
        problem = "" if license_id is not None else "There are no licenses to pack."
        if license_id is not None and self._periods_of is not None:
            try:
                self._periods = self._periods_of(license_id)
            except ServiceError as exc:
                problem = str(exc)
        for index, period in enumerate(self._periods):
            suffix = " (current)" if index == 0 else ""
            self.period.addItem(period.label + suffix)
        self.problem.setText(problem)
        self.problem.setVisible(bool(problem))
        self.ok_button.setEnabled(bool(self._periods))

    def person_id(self) -> int | None:
        return self.person.currentData()

    def as_of(self) -> dt.date:
        return cast("dt.date", self.date.date().toPython())

    def license_id(self) -> int | None:
        return self.license.currentData()

    def chosen_period(self) -> PackPeriod | None:
        index = self.period.currentIndex()
        return self._periods[index] if 0 <= index < len(self._periods) else None


class ReportViewer(QDialog):
    """A stored report on screen, from its stored data; ``exportRequested`` asks for a file."""

    exportRequested = Signal(int)

    def __init__(self, parent: QWidget | None, report_id: int, data: dict[str, Any]) -> None:
        super().__init__(parent)
        self.report_id = report_id
        self.setWindowTitle(str(data.get("title") or "Report"))
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.resize(820, 900)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        # The report is shown as on paper (its colours are a printed page's), in any theme.
        self.browser.setStyleSheet("QTextBrowser { background: #ffffff; color: #1a1a1a; }")
        self.browser.setHtml(report_html(data))
        self.browser.setAccessibleName("Report")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.export_button = buttons.addButton("Export as…", QDialogButtonBox.ButtonRole.ActionRole)
        self.export_button.clicked.connect(lambda: self.exportRequested.emit(self.report_id))
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser, 1)
        layout.addWidget(buttons)

    def text(self) -> str:
        return self.browser.toPlainText()
