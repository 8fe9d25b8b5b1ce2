"""Edit › Preferences: the signed-in person's settings, one input per declared setting, and the
firm's mail server.

The mail server is the firm's, one for everyone (``preferences.FIRM_SETTINGS``): an administrator
edits it here; a member sees it, marked "Set by your administrator". Where mail goes (the
person's email) and whether they want it ("Notify me by") are each person's own. The Mail server
section adds what is not a setting: the mail password, which goes to this computer's credential
store (or, where there is none, is asked for when mail is sent), and "Send test email", which
tries the values in the dialog before they are saved, sending to the person's own address. The
test runs on a worker thread so a slow or silent server does not freeze the window.
"""

from __future__ import annotations

import logging
import zoneinfo
from typing import Any, cast

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services import preferences, users
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.mail import password as smtp_password
from cpe_desktop.services.mail import smtp as smtp_delivery
from cpe_desktop.services.mail.smtp import SmtpSettings, Transport
from cpe_desktop.ui.dialogs import smtp_password_prompt
from cpe_desktop.ui.dialogs.field_errors import FieldErrors
from cpe_desktop.ui.layouts import parent_of

log = logging.getLogger(__name__)

_CHOICES = preferences.CHOICE_WORDS
_EMAIL_GROUP = "Mail server (the firm's, for everyone)"
_GROUPS = {
    "General": ("timezone", "theme"),
    "Reminders": ("reminder_lead_days", "notification_method"),
    _EMAIL_GROUP: ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_sender"),
}
SET_BY_ADMINISTRATOR = "Set by your administrator."
NO_SERVER_NOTE = (
    "No mail server is set yet, so nothing can come by email until your administrator sets one."
)
# Broken by hand: a word-wrapped label in a form row is given too little height by Qt.
NO_STORE_NOTE = (
    "This computer has no password store; you will be asked for the mail\n"
    "password when mail is sent."
)


class _Relay(QObject):
    """Carries the test result from the worker thread back to the GUI thread."""

    done = Signal(bool, str)


# The time zone setting's "local", in words: whatever zone this computer is set to.
LOCAL_ZONE_TEXT = "This computer's time zone"


class PreferencesDialog(QDialog):
    test_finished = Signal(bool, str)  # the "Send test email" result, once shown

    def __init__(self, ctx: ServiceContext, user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user_id = user_id
        self.outcome: Outcome | None = None
        self.transport: Transport = smtp_delivery.DEFAULT_TRANSPORT
        self._relay: _Relay | None = None
        self.setWindowTitle("Preferences")
        # Administrators edit the firm's mail server here; members see it.
        self.edits_firm = ctx.actor.is_admin
        self.firm = preferences.get_firm_settings(ctx)
        current = {**preferences.get_preferences(ctx, user_id), **self.firm}
        self.errors = FieldErrors()
        self.inputs: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        for group, names in _GROUPS.items():
            box = QGroupBox(group)
            form = QFormLayout(box)
            if group == _EMAIL_GROUP:
                self._add_server_rows(form, current)
                self._add_mail_rows(form, current)
            else:
                for name in names:
                    widget = self._input(name, current[name])
                    self.inputs[name] = widget
                    self.errors.add_row(form, preferences.SETTINGS[name].label, widget, name)
            if group == "Reminders":
                self._add_address_row(form)
            layout.addWidget(box)
        layout.addWidget(self.errors.form_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        # A minimum width set by hand replaces the layout's own: never narrower than the rows
        # (an address of 40 characters was cut off at the dialog's edge).
        self.setMinimumWidth(max(460, layout.minimumSize().width()))

    def _add_address_row(self, form: QFormLayout) -> None:
        """Where this person's email goes: their own address (Edit › Your details…)."""
        email = users.get_user(self.ctx, self.user_id).email
        # Two lines broken by hand, not word-wrapped: Qt gives a wrapped label in a form row too
        # little height, squeezing the rows below it.
        self.address = QLabel(
            f"{email}\n(change it under Edit › Your details…)"
            if email
            else "No email address yet:\nadd yours under Edit › Your details…"
        )
        self.address.setProperty("role", "muted")
        form.addRow("Email goes to", self.address)

    def _add_server_rows(self, form: QFormLayout, current: dict[str, Any]) -> None:
        """The firm's server: inputs for an administrator, what is set for a member."""
        self.server_note = QLabel(
            "One server for everyone; each person's email goes to their own address."
            if self.edits_firm
            else SET_BY_ADMINISTRATOR
        )
        self.server_note.setProperty("role", "muted")
        form.addRow(self.server_note)
        self.server_labels: dict[str, QLabel] = {}
        no_server = not self.edits_firm and not self.firm["smtp_host"]
        for name in () if no_server else _GROUPS[_EMAIL_GROUP]:
            setting = preferences.FIRM_SETTINGS[name]
            if self.edits_firm:
                widget = self._input(name, current[name])
                self.inputs[name] = widget
                self.errors.add_row(form, setting.label, widget, name)
                continue
            value = current[name]
            text = dict(_CHOICES.get(name, [])).get(value, setting.dump(value))
            label = QLabel(text or "—")
            label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            self.server_labels[name] = label
            form.addRow(setting.label, label)
        if no_server:  # a port and security alone would read as a server
            self.server_note.setText(f"{SET_BY_ADMINISTRATOR} {NO_SERVER_NOTE}")
            self.server_note.setWordWrap(True)

    def _input(self, name: str, value: Any) -> QWidget:
        if name in _CHOICES:
            combo = QComboBox()
            for key, text in _CHOICES[name]:
                combo.addItem(text, key)
            combo.setCurrentIndex(max(0, combo.findData(value)))
            return combo
        if name == "timezone":
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItem(LOCAL_ZONE_TEXT)  # stored as "local"
            combo.addItems(sorted(zoneinfo.available_timezones()))
            combo.setCurrentText(LOCAL_ZONE_TEXT if value == "local" else str(value))
            return combo
        if name == "smtp_port":
            spin = QSpinBox()
            spin.setRange(1, 65535)
            spin.setValue(int(value))
            return spin
        declared = preferences.SETTINGS.get(name) or preferences.FIRM_SETTINGS[name]
        edit = QLineEdit(declared.dump(value))
        if name == "reminder_lead_days":
            edit.setPlaceholderText("e.g. 90, 30, 7")
        return edit

    def _add_mail_rows(self, form: QFormLayout, current: dict[str, Any]) -> None:
        self.has_store = smtp_password.store_available()
        self._saved_account = (current["smtp_user"], current["smtp_host"])
        self._saved_password = ""
        if self.has_store:
            self._saved_password = smtp_password.get_password(*self._saved_account) or ""
        self.password = QLineEdit(self._saved_password)
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setAccessibleName("Mail password")
        self.password.setToolTip(
            "Kept in this computer's password store, never in the database: enter it on each "
            "computer that sends the firm's mail"
        )
        self.errors.add_row(form, "Mail password", self.password, "smtp_password")
        self.no_store_note = QLabel(NO_STORE_NOTE)
        self.no_store_note.setProperty("role", "muted")
        form.addRow(self.no_store_note)
        if self.has_store:
            self.no_store_note.hide()
        else:
            self.password.setEnabled(False)
            form.setRowVisible(parent_of(self.password), False)
        if not self.edits_firm and not SmtpSettings.from_preferences(self.firm).needs_password:
            form.setRowVisible(parent_of(self.password), False)  # nothing to log in with
            self.no_store_note.hide()
        self.test_button = QPushButton("Send test email")
        self.test_button.setToolTip("Send a message to your own address with the settings above")
        self.test_button.clicked.connect(self.send_test_email)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.test_button)
        form.addRow(self.test_result)

    def values(self) -> dict[str, Any]:
        """The values of the dialog's inputs (the firm's server only for an administrator)."""
        out: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[name] = widget.currentData() if name in _CHOICES else widget.currentText()
                if name == "timezone" and out[name].strip() == LOCAL_ZONE_TEXT:
                    out[name] = "local"
            elif isinstance(widget, QSpinBox):
                out[name] = widget.value()
            else:
                out[name] = cast(QLineEdit, widget).text()
        return out

    def _checked_values(self) -> dict[str, Any]:
        """The dialog's values, parsed by the settings' own checks (ValidationError if any fail)."""
        parsed: dict[str, Any] = {}
        errors: dict[str, str] = {}
        for name, value in self.values().items():
            declared = preferences.SETTINGS.get(name) or preferences.FIRM_SETTINGS[name]
            try:
                parsed[name] = declared.parse(value)
            except ValueError as exc:
                errors[name] = str(exc)
        if errors:
            raise ValidationError(errors)
        return parsed

    def _server(self, values: dict[str, Any]) -> dict[str, Any]:
        """The server settings to use: the dialog's (administrator) or the firm's (member)."""
        if self.edits_firm:
            return {name: values[name] for name in preferences.FIRM_SETTINGS}
        return dict(self.firm)

    def save(self) -> None:
        values = self.values()
        personal = {k: v for k, v in values.items() if k in preferences.SETTINGS}
        firm = {k: v for k, v in values.items() if k in preferences.FIRM_SETTINGS}
        try:
            self._save_password(self._checked_values())
            self.outcome = preferences.save_settings(self.ctx, self.user_id, personal, firm)
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.accept()

    def _save_password(self, values: dict[str, Any]) -> None:
        if not self.has_store:
            return
        server = self._server(values)
        account = (server["smtp_user"], server["smtp_host"])
        typed = self.password.text()
        if account == self._saved_account and typed == self._saved_password:
            return  # unchanged
        if account != self._saved_account and not typed:
            return  # nothing to save for the new account (the old one's stays in the store)
        smtp_password.set_password(*account, typed)
        self._saved_account, self._saved_password = account, typed

    # --- Send test email ----------------------------------------------------------------------

    def send_test_email(self) -> None:
        """Try the values in the dialog by sending a message to the person's own address."""
        try:
            values = self._checked_values()
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.errors.clear()
        settings = SmtpSettings.from_preferences(self._server(values))
        if not settings.host:
            if self.edits_firm:
                self.errors.show(ValidationError("smtp_host", "is needed to send a test email"))
            else:
                self._show_test_result(False, NO_SERVER_NOTE)
            return
        password: str | None = None
        if settings.needs_password:
            if self.has_store:
                password = self.password.text() or None
                if password is None and not self.edits_firm:
                    self._show_test_result(
                        False,
                        "Enter the mail password for this computer first (ask your administrator).",
                    )
                    return
            else:
                password = smtp_password_prompt.ask_smtp_password(self, settings)
                if password is None:
                    return  # cancelled
        recipient = users.get_user(self.ctx, self.user_id).email
        self._start_test(settings, password, recipient)

    def _start_test(self, settings: SmtpSettings, password: str | None, recipient: str) -> None:
        self.test_button.setEnabled(False)
        self.setCursor(Qt.CursorShape.WaitCursor)
        self._show_test_result(None, f"Sending a test message to {recipient}…")
        relay = _Relay()  # no parent: lives while the worker holds it, even if the dialog closes
        relay.done.connect(self._test_done)
        self._relay = relay
        transport = self.transport

        def work() -> None:
            try:
                result = smtp_delivery.send_test(settings, password, recipient, transport=transport)
                ok, message = result.ok, result.message
            except Exception as exc:  # a bug must not leave the dialog waiting forever
                log.exception("test email failed")
                ok, message = False, f"The test could not be run: {exc}"
            relay.done.emit(ok, message)

        QThreadPool.globalInstance().start(work)

    def _test_done(self, ok: bool, message: str) -> None:
        self.unsetCursor()
        self.test_button.setEnabled(True)
        self._relay = None
        self._show_test_result(ok, message)
        self.test_finished.emit(ok, message)

    def _show_test_result(self, ok: bool | None, message: str) -> None:
        self.test_result.setProperty("role", "field-error" if ok is False else "muted")
        self.test_result.style().unpolish(self.test_result)
        self.test_result.style().polish(self.test_result)
        self.test_result.setText(message)
        self._fit_height()

    def _fit_height(self) -> None:
        """Grow to show a wrapped message whole (Qt sizes wrapped labels for a guessed width)."""
        layout = self.layout()
        if layout is not None and layout.hasHeightForWidth():
            needed = layout.totalHeightForWidth(self.width())
            if needed > self.height():
                self.resize(self.width(), needed)
