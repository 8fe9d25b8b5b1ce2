"""Input widgets shared by every add/edit form, one per field kind, with their error labels.

The generated :class:`~cpe_desktop.ui.forms.form_dialog.FormDialog` and the hand-made record form
build their inputs here, so a date, a number or a picker looks and behaves the same everywhere:
dates in the user's locale with a calendar popup (a whole date can be typed too, ``2/18/2026``),
numbers right-aligned and digits only, optional dates with an explicit "not set" state, and each
message naming its field.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import (
    QDate,
    QDateTime,
    QRegularExpression,
    Qt,
    QTime,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QRegularExpressionValidator
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services import credentials, licenses, requirements, users
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing.forms import FormField
from cpe_desktop.ui.date_edits import DateEdit, DateTimeEdit
from cpe_desktop.ui.dates import date_format

_NULL_DATE = QDate(1800, 1, 1)  # shown as "Not set"; real dates start in 1900
_PATTERNS = {"integer": r"\d{0,9}", "decimal": r"\d{0,7}(\.\d{0,2})?"}
_VERBS = ("is ", "must ", "may ", "has ", "cannot ", "contains ", "belongs ")


def describe(label: str, message: str) -> str:
    """A message that names its field: "Email is required", "Credits: 'x' is not a number"."""
    message = message.strip()
    if message.startswith(_VERBS):
        return f"{label} {message}"
    return f"{label}: {message[:1].upper()}{message[1:]}"


def error_label(role: str = "field-error") -> QLabel:
    label = QLabel()
    label.setProperty("role", role)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.hide()
    return label


def save_cancel(
    dialog: QDialog, save: Callable[[], object]
) -> tuple[QDialogButtonBox, QPushButton]:
    """Save (the default button, Enter) and Cancel (Esc) for a form dialog."""
    buttons = QDialogButtonBox(
        QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
    )
    save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
    save_button.setDefault(True)
    buttons.accepted.connect(save)
    buttons.rejected.connect(dialog.reject)
    return buttons, save_button


def scrolling(body: QWidget) -> QScrollArea:
    """``body`` in a frameless scroll area, so a long form still fits a small screen."""
    scroll = QScrollArea()
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    scroll.setWidget(body)
    return scroll


def show_message(label: QLabel, text: str | None) -> None:
    label.setText(text or "")
    label.setVisible(bool(text))


class FieldInput:
    """One field's input: ``widget`` goes in the layout, ``focus`` are its tab stops in order."""

    def __init__(
        self,
        widget: QWidget,
        focus: list[QWidget],
        get: Callable[[], Any],
        put: Callable[[Any], None],
        signals: list[SignalInstance],
    ) -> None:
        self.widget, self.focus = widget, focus
        self._get, self._put = get, put
        self._signals = signals

    def value(self) -> Any:
        """What to save: None while the input is disabled (it does not apply)."""
        return self._get() if self.widget.isEnabled() else None

    def current(self) -> Any:
        """What the input shows, enabled or not."""
        return self._get()

    def set_value(self, value: Any) -> None:
        self._put(value)

    def is_empty(self) -> bool:
        value = self.value()
        return value is None or (isinstance(value, str | list) and not value)

    def on_change(self, callback: Callable[[], None]) -> None:
        for signal in self._signals:
            signal.connect(lambda *_: callback())

    def set_error(self, text: str | None) -> None:
        for widget in self.focus:
            widget.setAccessibleDescription(text or "")
            if isinstance(widget, QLineEdit):
                widget.setProperty("invalid", "true" if text else "false")
                widget.style().unpolish(widget)
                widget.style().polish(widget)


def _line(field: FormField) -> FieldInput:
    edit = QLineEdit()
    edit.setPlaceholderText(field.help)
    if field.kind == "password":
        edit.setEchoMode(QLineEdit.EchoMode.Password)
    if field.kind in _PATTERNS:
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(_PATTERNS[field.kind])))
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)

    def put(value: Any) -> None:
        edit.setText("" if value is None else str(value))

    return FieldInput(edit, [edit], lambda: edit.text().strip() or None, put, [edit.textChanged])


def _text(field: FormField) -> FieldInput:
    edit = QPlainTextEdit()
    edit.setTabChangesFocus(True)
    edit.setPlaceholderText(field.help)
    edit.setFixedHeight(edit.fontMetrics().lineSpacing() * 4 + 12)

    def get() -> Any:
        text = edit.toPlainText().strip()
        if field.kind == "lines":
            return [line.strip() for line in text.splitlines() if line.strip()] or None
        return text or None

    def put(value: Any) -> None:
        edit.setPlainText("\n".join(value) if isinstance(value, list) else (value or ""))

    return FieldInput(edit, [edit], get, put, [edit.textChanged])


def _date(field: FormField, today: dt.date) -> FieldInput:
    with_time = field.kind == "datetime"
    edit = DateTimeEdit() if with_time else DateEdit()
    edit.setCalendarPopup(True)
    edit.setDisplayFormat(date_format(with_time))
    edit.setMinimumDate(QDate(1900, 1, 1))
    edit.setMaximumDate(QDate(2200, 12, 31))
    start = dt.datetime.combine(today, dt.time(9, 0))
    edit.setDateTime(QDateTime(QDate(today.year, today.month, today.day), QTime(9, 0)))

    def get() -> Any:
        edit.commit_typing()  # a date still being typed counts (Ctrl+S, say)
        if with_time:
            return cast("dt.datetime", edit.dateTime().toPython()).replace(second=0, microsecond=0)
        return edit.date().toPython()

    def put(value: Any) -> None:
        value = value or start
        if isinstance(value, dt.datetime):
            edit.setDateTime(QDateTime(value))  # type: ignore[call-overload]  # PySide6 takes a datetime
        else:
            edit.setDate(QDate(value.year, value.month, value.day))

    return FieldInput(edit, [edit], get, put, [edit.dateTimeChanged])


def _optional_date(field: FormField, today: dt.date) -> FieldInput:
    box = QWidget()
    row = QHBoxLayout(box)
    row.setContentsMargins(0, 0, 0, 0)
    check = QCheckBox()
    check.setToolTip(f"Tick to set {field.label.lower()}; untick to leave it empty")
    check.setAccessibleName(f"{field.label} is set")
    edit = DateEdit()
    edit.setMinimumDate(_NULL_DATE)
    edit.setMaximumDate(QDate(2200, 12, 31))
    edit.setSpecialValueText("Not set")
    edit.setAccessibleName(field.label)
    row.addWidget(check)
    row.addWidget(edit, 1)

    def toggled(on: bool) -> None:
        edit.setEnabled(on)
        if on and edit.date() == _NULL_DATE:
            edit.setDate(QDate(today.year, today.month, today.day))
        elif not on:
            edit.setDate(_NULL_DATE)

    check.toggled.connect(toggled)
    toggled(False)

    def put(value: Any) -> None:
        check.setChecked(value is not None)
        if value is not None:
            edit.setDate(QDate(value.year, value.month, value.day))

    def get() -> Any:
        edit.commit_typing()
        return edit.date().toPython() if check.isChecked() else None

    return FieldInput(box, [check, edit], get, put, [check.toggled, edit.dateChanged])


def _combo(items: list[tuple[Any, str]], *, editable: bool = False) -> FieldInput:
    combo = QComboBox()
    combo.setEditable(editable)
    for value, text in items:
        combo.addItem(text, value)
    if editable:
        combo.setCurrentIndex(-1)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        cast(QLineEdit, combo.lineEdit()).setPlaceholderText("Type or choose...")  # (editable)

        def get() -> Any:
            return combo.currentText().strip() or None

        def put(value: Any) -> None:
            combo.setCurrentText(value or "")

        return FieldInput(combo, [combo], get, put, [combo.currentTextChanged])

    def put_choice(value: Any) -> None:
        if isinstance(value, bool):
            value = "true" if value else "false"
        index = combo.findData(value)
        if index < 0 and value is not None:  # a stored value the list lacks: keep, never lose it
            combo.addItem(str(value), value)
            index = combo.count() - 1
        combo.setCurrentIndex(max(index, 0))

    return FieldInput(combo, [combo], combo.currentData, put_choice, [combo.currentIndexChanged])


class CheckList(QScrollArea):
    """Ticked names as a scrolling column of check boxes (``(value, text)`` items); ``changed``
    says a tick changed. Check boxes, not a list's items: they look like every other box of the
    form in light and dark themes."""

    changed = Signal()

    def __init__(self, items: list[tuple[str, str]], rows: int = 6) -> None:
        super().__init__()
        self.setWidgetResizable(True)
        self.boxes: dict[str, QCheckBox] = {}
        self.focus: list[QWidget] = []  # the boxes, in order (FieldInput.focus)
        inner = QWidget()
        self.column = QVBoxLayout(inner)
        self.column.setContentsMargins(6, 4, 6, 4)
        self.column.setSpacing(2)
        self.column.addStretch(1)
        self.setWidget(inner)
        for value, text in items:
            self.add(value, text)
        line = QCheckBox("X").sizeHint().height() + self.column.spacing()
        shown = min(max(len(items), 1), rows)
        self.setFixedHeight(line * shown + 8 + 2 * self.frameWidth())

    def add(self, value: str, text: str) -> QCheckBox:
        box = QCheckBox(text)
        box.toggled.connect(lambda _on: self.changed.emit())
        self.column.insertWidget(self.column.count() - 1, box)
        self.boxes[value] = box
        self.focus.append(box)
        return box

    def value(self) -> list[str]:
        return [value for value, box in self.boxes.items() if box.isChecked()]

    def set_value(self, values: list[str] | tuple[str, ...] | None) -> None:
        wanted = list(values or ())
        for name in wanted:
            if name not in self.boxes:  # a stored value the list lacks: kept, never lost
                self.add(name, name)
        for name, box in self.boxes.items():
            box.setChecked(name in wanted)


def checklist(items: list[tuple[str, str]], *, rows: int = 6) -> FieldInput:
    """A ``CheckList`` as a form input: its value is the ticked values in the list's order,
    None when none."""
    box = CheckList(items, rows)
    return FieldInput(box, box.focus, lambda: box.value() or None, box.set_value, [box.changed])


def jurisdictions() -> list[str]:
    """Every jurisdiction the requirement rules know, for pickers."""
    return sorted({row.state_name for row in requirements.list_requirements()})


def make_input(field: FormField, ctx: ServiceContext) -> FieldInput:
    """The input for one field, with its help as tooltip (and placeholder where text is typed)."""
    kind, today = field.kind, ctx.clock.today()
    if kind in ("text", "email", "password", "integer", "decimal"):
        made = _line(field)
    elif kind in ("multiline", "lines"):
        made = _text(field)
    elif kind in ("date", "datetime"):
        made = _date(field, today)
    elif kind == "optional_date":
        made = _optional_date(field, today)
    elif kind == "bool":
        box = QCheckBox()
        made = FieldInput(
            box, [box], box.isChecked, lambda v: box.setChecked(bool(v)), [box.toggled]
        )
    elif kind == "choice":
        made = _combo(list(field.choices))
    elif kind == "jurisdiction":
        made = _combo([(name, name) for name in jurisdictions()], editable=True)
    elif kind == "user":
        made = _combo([(u.user_id, f"{u.name} <{u.email}>") for u in users.list_users(ctx)])
    elif kind == "license":
        items = [(None, "(none)")] + [
            (lic.license_id, f"{lic.credential.code} {lic.jurisdiction} - {lic.user.name}")
            for lic in licenses.list_licenses(ctx)
        ]
        made = _combo(items)
    else:  # credential
        rows = credentials.list_credentials()
        by_code = field.key == "credential"
        made = _combo(
            [(None, "Choose a credential...")]
            + [(c.code if by_code else c.credential_id, f"{c.code} - {c.name}") for c in rows]
        )
    if field.help:
        for widget in made.focus:
            widget.setToolTip(field.help)
    made.focus[-1].setAccessibleName(field.label)
    return made
