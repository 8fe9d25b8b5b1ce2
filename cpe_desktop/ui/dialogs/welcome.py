"""First run: create the first person (an administrator) and, if they like, their first license."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.db.models import StateRequirement, User, database
from cpe_desktop.services import credentials, licenses, users
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.ui.dates import date_format
from cpe_desktop.ui.dialogs.field_errors import FieldErrors


class WelcomeDialog(QDialog):
    """Collects name, email, optional password and an optional first license; saves all at once."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: User | None = None
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
        self.issued_on = QDateEdit()
        self.issued_on.setCalendarPopup(True)
        self.issued_on.setDisplayFormat(date_format())
        self.issued_on.setDate(ctx.clock.today().replace(month=1, day=1))
        form = QFormLayout(self.license_box)
        self.errors.add_row(form, "Credential", self.credential, "credential")
        self.errors.add_row(form, "Jurisdiction", self.jurisdiction, "jurisdiction")
        self.errors.add_row(form, "License number", self.license_number, "license_number")
        self.errors.add_row(form, "Issued on", self.issued_on, "issued_on")

        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText("Create account")
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(intro)
        layout.addLayout(account)
        layout.addWidget(self.license_box)
        layout.addWidget(self.errors.form_label)
        layout.addWidget(buttons)
        self.setMinimumWidth(480)

    def _fill_jurisdictions(self) -> None:
        code = self.credential.currentData()
        current = self.jurisdiction.currentText()
        self.jurisdiction.clear()
        query = (
            StateRequirement.select(StateRequirement.state_name)
            .join(credentials.Credential)
            .where(credentials.Credential.code == code)
            .order_by(StateRequirement.state_name)
            .distinct()
        )
        self.jurisdiction.addItems([row.state_name for row in query])
        self.jurisdiction.setCurrentIndex(-1)
        self.jurisdiction.lineEdit().setPlaceholderText("choose or type, e.g. Texas")
        if current:
            self.jurisdiction.setCurrentText(current)

    def save(self) -> None:
        self.errors.clear()
        account = {
            "name": self.name.text(),
            "email": self.email.text(),
            "password": self.password.text() or None,
        }
        try:
            with database.atomic():
                user = users.create_user(self.ctx, account).value
                if self.license_box.isChecked():
                    as_user = ServiceContext(Actor.for_user(user), self.ctx.clock)
                    licenses.create_license(
                        as_user,
                        {
                            "credential": self.credential.currentData(),
                            "jurisdiction": self.jurisdiction.currentText(),
                            "license_number": self.license_number.text() or None,
                            "issued_on": self.issued_on.date().toPython(),
                        },
                    )
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.user = user
        self.accept()
