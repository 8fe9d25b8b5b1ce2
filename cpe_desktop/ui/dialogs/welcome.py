"""First run: create the first person (an administrator) and, if they like, their first license.

The first license gets the same questions as the license form, so the very first answer is
right: when the current reporting period ends (the rule's date pre-filled, its note beside it),
where tracking starts, the hours already earned this period, and the birth date when the rule
sets periods by it (saved on the person).
"""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services import credentials, requirements, users
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing.forms import LICENSE, PERIOD_SECTION, FormField
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.ui.date_edits import DateEdit
from cpe_desktop.ui.dialogs.field_errors import FieldErrors
from cpe_desktop.ui.forms.inputs import FieldInput, make_input, scrolling
from cpe_desktop.ui.forms.license_form import PeriodAnswers, needs_birth_date
from cpe_desktop.ui.layouts import parent_of


class WelcomeDialog(QDialog):
    """Collects name, email, optional password and an optional first license; saves all at once."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: users.User | None = None
        self.setWindowTitle("Welcome to CPE Tracker")
        intro = QLabel(
            "<h3>Welcome</h3><p>CPE Tracker keeps your continuing education records and tells you, "
            "for each license, whether you are on track for the current reporting period.</p>"
            "<p>Create your account to begin. You will be its administrator.</p>"
        )
        intro.setWordWrap(True)

        self.name = QLineEdit()
        self.email = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("optional — leave empty for no password")
        self.errors = FieldErrors()
        account = QFormLayout()
        self.errors.add_row(account, "Your name", self.name, "name")
        self.errors.add_row(account, "Email", self.email, "email")
        self.errors.add_row(account, "Password", self.password, "password")

        self.license_box = QGroupBox("Add your first license (optional)")
        self.license_box.setCheckable(True)
        self.license_box.setChecked(False)
        self.credential = QComboBox()
        for credential in credentials.list_credentials():
            self.credential.addItem(f"{credential.code} — {credential.name}", credential.code)
        self.credential.setCurrentIndex(max(0, self.credential.findData("CPA")))
        self.jurisdiction = QComboBox()
        self.jurisdiction.setEditable(True)
        self.credential.currentIndexChanged.connect(self._fill_jurisdictions)
        self._fill_jurisdictions()
        self.license_number = QLineEdit()
        self.issued_on = DateEdit()  # a date can be typed whole, 2/18/2026
        self.issued_on.setDate(ctx.clock.today().replace(month=1, day=1))  # type: ignore[arg-type]  # PySide6 takes a date
        self.birth_date = make_input(
            FormField(
                "birth_date",
                "Your birth date",
                "optional_date",
                help="This board's periods follow the birth month or the birth year",
            ),
            ctx,
        )
        self.answers: dict[str, FieldInput] = {
            key: make_input(LICENSE.field(key), ctx)
            for key in (
                "period_end_override",
                "tracked_from",
                "opening_hours",
                "opening_ethics_hours",
                "home_jurisdiction",
            )
        }
        self.period_note = QLabel()
        self.period_note.setWordWrap(True)
        self.period_note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.period = PeriodAnswers(
            ctx,
            self.answers["period_end_override"],
            self.answers["tracked_from"],
            self.period_note,
        )
        column = QVBoxLayout(self.license_box)
        self.license_form = form = QFormLayout()
        column.addLayout(form)
        self.errors.add_row(form, "Credential", self.credential, "credential")
        self.errors.add_row(form, "Jurisdiction", self.jurisdiction, "jurisdiction")
        self.errors.add_row(form, "License number", self.license_number, "license_number")
        self.errors.add_row(form, "Issued on", self.issued_on, "issued_on")
        self.errors.add_row(form, "Your birth date", self.birth_date.widget, "birth_date")
        heading = QLabel(f"<b>{PERIOD_SECTION}</b>")
        column.addSpacing(6)
        column.addWidget(heading)
        questions = QFormLayout()
        questions.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        column.addLayout(questions)
        for key, made in self.answers.items():
            holder = QWidget()
            cell = QVBoxLayout(holder)
            cell.setContentsMargins(0, 0, 0, 0)
            cell.setSpacing(2)
            cell.addWidget(made.widget)
            if key == "tracked_from":
                cell.addWidget(self.period.earlier)
            if key == "period_end_override":
                cell.addWidget(self.period_note)
            self.errors.add_row(questions, LICENSE.field(key).label, holder, key)

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create account")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        body = QWidget()
        content = QVBoxLayout(body)
        content.setContentsMargins(20, 16, 20, 8)
        content.setSpacing(12)
        content.addWidget(intro)
        content.addLayout(account)
        content.addWidget(self.license_box)
        content.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 16)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.errors.form_label)
        buttons.setContentsMargins(20, 0, 20, 0)
        layout.addWidget(buttons)
        self.setMinimumWidth(520)

        for signal in (
            self.credential.currentIndexChanged,
            self.jurisdiction.currentTextChanged,
            self.license_number.textChanged,
            self.issued_on.dateChanged,
        ):
            signal.connect(self._resuggest)
        self.birth_date.on_change(self._resuggest)
        self._resuggest()
        self.period.keep_start(None)
        self.resize(560, min(body.sizeHint().height() + 90, 800))

    def _resuggest(self) -> None:
        """Ask for the birth date only where the rule needs it; work the period out again."""
        credential = self.credential.currentData()
        jurisdiction = self.jurisdiction.currentText().strip()
        needs_birth = bool(credential and jurisdiction) and needs_birth_date(
            self.ctx, credential, jurisdiction
        )
        self.license_form.setRowVisible(parent_of(self.birth_date.widget), needs_birth)
        self.period.update(
            credential,
            jurisdiction or None,
            cast("dt.date", self.issued_on.date().toPython()),
            self.license_number.text().strip() or None,
            self.birth_date.value() if needs_birth else None,
        )

    def _fill_jurisdictions(self) -> None:
        code = self.credential.currentData()
        current = self.jurisdiction.currentText()
        self.jurisdiction.clear()
        self.jurisdiction.addItems(requirements.jurisdictions_for_code(code))
        self.jurisdiction.setCurrentIndex(-1)
        line = cast(QLineEdit, self.jurisdiction.lineEdit())  # (the box is editable)
        line.setPlaceholderText("choose or type, e.g. Texas")
        if current:
            self.jurisdiction.setCurrentText(current)

    def save(self) -> None:
        self.errors.clear()
        account = {
            "name": self.name.text(),
            "email": self.email.text(),
            "password": self.password.text() or None,
        }
        birth_row = parent_of(self.birth_date.widget)
        if self.license_box.isChecked() and birth_row.isVisibleTo(self):
            account["birth_date"] = self.birth_date.value()
        first_license = None
        if self.license_box.isChecked():
            first_license = {
                "credential": self.credential.currentData(),
                "jurisdiction": self.jurisdiction.currentText(),
                "license_number": self.license_number.text() or None,
                "issued_on": self.issued_on.date().toPython(),
                "opening_hours": self.answers["opening_hours"].value(),
                "opening_ethics_hours": self.answers["opening_ethics_hours"].value(),
                "home_jurisdiction": self.answers["home_jurisdiction"].value(),
            } | self.period.answers()
        try:
            user = users.create_account(self.ctx, account, first_license).value
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.user = user
        self.accept()
