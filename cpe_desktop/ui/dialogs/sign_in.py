"""Who is using the program: a password sign-in when any account has a password, otherwise a
simple picker that remembers the last person."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services import users
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.ui.forms.inputs import error_label


class SignInDialog(QDialog):
    """Choose an account and, where it has one, type its password."""

    def __init__(
        self,
        ctx: ServiceContext,
        *,
        last_email: str | None = None,
        ask_password: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user: users.User | None = None
        self.setWindowTitle(
            "Sign in to CPE Tracker" if ask_password else "Who is using CPE Tracker?"
        )
        self.account = QComboBox()
        for person in users.list_users(ServiceContext(SYSTEM, ctx.clock), include_inactive=False):
            self.account.addItem(f"{person.name} <{person.email}>", person.email)
        if last_email:
            self.account.setCurrentIndex(max(0, self.account.findData(last_email)))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("leave empty if this account has no password")
        self.error = error_label()

        form = QFormLayout()
        form.addRow("Person", self.account)
        if ask_password:
            form.addRow("Password", self.password)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.button(QDialogButtonBox.StandardButton.Ok).setText(
            "Sign in" if ask_password else "Continue"
        )
        buttons.accepted.connect(self.sign_in)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 16, 20, 16)
        layout.setSpacing(12)
        layout.addWidget(
            QLabel(
                "Choose your account."
                if not ask_password
                else "Choose your account and type its password."
            )
        )
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.setMinimumWidth(420)
        (self.password if ask_password and last_email else self.account).setFocus()

    def sign_in(self) -> None:
        try:
            self.user = users.authenticate(
                self.ctx, self.account.currentData() or "", self.password.text()
            )
        except PermissionDenied as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.password.selectAll()
            self.password.setFocus()
            return
        self.accept()
