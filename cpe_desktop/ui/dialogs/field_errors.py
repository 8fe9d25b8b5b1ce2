"""Error labels next to form fields: a service's ValidationError shown where the user looks."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.ui.forms.inputs import error_label


class FieldErrors:
    """Keeps one error label per field key, plus one for the whole form."""

    def __init__(self) -> None:
        self.labels: dict[str, QLabel] = {}
        self.inputs: dict[str, QWidget] = {}
        self.form_label = error_label()

    def add_row(self, form: QFormLayout, title: str, widget: QWidget, key: str) -> None:
        """Add ``widget`` to ``form`` with its error label underneath."""
        holder = QWidget()
        column = QVBoxLayout(holder)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(widget)
        label = error_label()
        column.addWidget(label)
        form.addRow(title, holder)
        self.labels[key] = label
        self.inputs[key] = widget

    def clear(self) -> None:
        for label in (*self.labels.values(), self.form_label):
            label.clear()
            label.hide()

    def show(self, exc: ValidationError) -> None:
        """Put each message beside its field (others on the form label); focus the first."""
        self.clear()
        leftovers = []
        first: QWidget | None = None
        for key, message in exc.errors.items():
            label = self.labels.get(key)
            if label is None:
                leftovers.append(f"{key}: {message}")
                continue
            label.setText(message[:1].upper() + message[1:])
            label.show()
            first = first or self.inputs[key]
            self.inputs[key].setAccessibleDescription(message)
        if leftovers:
            self.form_label.setText("\n".join(leftovers))
            self.form_label.show()
        if first is not None:
            first.setFocus()

    def message(self, key: str) -> str:
        label = self.labels.get(key, self.form_label)
        return label.text() if not label.isHidden() else ""
