"""Edit › Preferences: the signed-in person's settings, one input per declared setting."""

from __future__ import annotations

import zoneinfo
from typing import Any

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services import preferences
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.ui.dialogs.field_errors import FieldErrors

_CHOICES = {
    "notification_method": [
        ("tray", "Desktop notification"),
        ("email", "Email"),
        ("tray_and_email", "Desktop notification and email"),
    ],
    "theme": [("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")],
    "smtp_security": [("starttls", "STARTTLS"), ("tls", "TLS"), ("none", "None (not encrypted)")],
}
_GROUPS = {
    "General": ("timezone", "theme"),
    "Reminders": ("reminder_lead_days", "notification_method"),
    "Email (SMTP)": ("smtp_host", "smtp_port", "smtp_security", "smtp_user", "smtp_sender"),
}


class PreferencesDialog(QDialog):
    def __init__(self, ctx: ServiceContext, user_id: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.user_id = user_id
        self.outcome: Outcome | None = None
        self.setWindowTitle("Preferences")
        current = preferences.get_preferences(ctx, user_id)
        self.errors = FieldErrors()
        self.inputs: dict[str, QWidget] = {}
        layout = QVBoxLayout(self)
        for group, names in _GROUPS.items():
            box = QGroupBox(group)
            form = QFormLayout(box)
            for name in names:
                widget = self._input(name, current[name])
                self.inputs[name] = widget
                self.errors.add_row(form, preferences.SETTINGS[name].label, widget, name)
            layout.addWidget(box)
        layout.addWidget(self.errors.form_label)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.setMinimumWidth(460)

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
            combo.addItem("local")
            combo.addItems(sorted(zoneinfo.available_timezones()))
            combo.setCurrentText(str(value))
            return combo
        if name == "smtp_port":
            spin = QSpinBox()
            spin.setRange(1, 65535)
            spin.setValue(int(value))
            return spin
        edit = QLineEdit(preferences.SETTINGS[name].dump(value))
        if name == "reminder_lead_days":
            edit.setPlaceholderText("e.g. 90, 30, 7")
        return edit

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for name, widget in self.inputs.items():
            if isinstance(widget, QComboBox):
                out[name] = widget.currentData() if name in _CHOICES else widget.currentText()
            elif isinstance(widget, QSpinBox):
                out[name] = widget.value()
            else:
                out[name] = widget.text()
        return out

    def save(self) -> None:
        try:
            self.outcome = preferences.set_preferences(self.ctx, self.user_id, self.values())
        except ValidationError as exc:
            self.errors.show(exc)
            return
        self.accept()
