"""A requirement rule's components (ARCHITECTURE.md §4): the list, and a form for one component.

Why this module exists: boards ask more than a total and an ethics figure (Florida's 8 hours of
accounting and auditing, California's Regulatory Review every 6 years, New York's 24 hours in one
subject instead of 40), and a person who finds the program's rule wrong must be able to correct
it. ``ComponentsDialog`` lists a rule's components and adds, edits and deletes them; each change
is saved at once through ``requirements.set_components`` (administrators only, one transaction,
one audit entry; the rule is then marked as edited, so updates of the shipped data keep it).
``ComponentForm`` edits one component, with every message the service gives shown beside its
field and nothing saved until all are fixed.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.rules.component_facts import (
    ATTRIBUTE_LABELS,
    COMPONENT_KINDS,
    DELIVERY_GROUPS,
    FIELD_GROUPS,
    GROUP_WORDS,
    SCOPES,
)
from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY
from cpe_desktop.services import requirements
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing.forms import FormField
from cpe_desktop.services.errors import ServiceError, ValidationError
from cpe_desktop.services.tables import words as table_words
from cpe_desktop.ui.forms.inputs import (
    FieldInput,
    checklist,
    describe,
    error_label,
    make_input,
    save_cancel,
    scrolling,
    show_message,
)

KIND_WORDS = table_words.COMPONENT_KIND_WORDS
SCOPE_WORDS = table_words.COMPONENT_SCOPE_WORDS
_NUMBER_KINDS = ("min", "max")
COLUMNS = ("Label", "Kind", "Hours", "Of", "When", "Applies if", "Option")


def _group_items(groups: dict[str, Any], names: tuple[str, ...]) -> list[tuple[str, str]]:
    return [(g, f"All {GROUP_WORDS.get(g, g)}") for g in groups] + [(n, n) for n in names]


def _fields(key: str, label: str, kind: str = "text", **more: Any) -> FormField:
    return FormField(key, label, kind, **more)


# The form's questions, in order; ``enabled_when`` keeps what a kind does not use out of the way.
FORM_FIELDS: tuple[FormField, ...] = (
    _fields(
        "kind",
        "Kind",
        "choice",
        required=True,
        choices=tuple((k, KIND_WORDS[k]) for k in COMPONENT_KINDS),
        default="min",
    ),
    _fields("label", "Label", help='how it is shown, e.g. "8 h accounting and auditing"'),
    _fields("hours", "Hours", "decimal", help="hours asked, or a cap's limit"),
    _fields(
        "pct",
        "% of total",
        "decimal",
        help="instead of (or with) hours: a share of the total hours",
        enabled_when=("kind", _NUMBER_KINDS),
    ),
    _fields(
        "factor",
        "Counts at",
        "decimal",
        help="e.g. 0.5: matching credits count at half",
        enabled_when=("kind", ("credit_factor",)),
    ),
    _fields("fields", "Fields of study", help="none ticked: any field"),
    _fields("delivery", "Delivery", help="none ticked: any delivery method"),
    _fields(
        "scope",
        "Counted over",
        "choice",
        choices=tuple((s, SCOPE_WORDS[s]) for s in SCOPES),
        default="period",
    ),
    _fields("cycle_years", "Cycle (years)", "integer", help="1-20; a course's own cycle too"),
    _fields(
        "topic",
        "Topic",
        help='records tagged with it count, e.g. "California Regulatory Review"',
        enabled_when=("kind", ("course",)),
    ),
    _fields("applies_if", "Applies if", "choice", help="a box the holder ticks on the license"),
    _fields(
        "alternative",
        "Option",
        help="a name shared by the components of one option (e.g. concentration_taxes); "
        "empty: always asked",
    ),
    _fields("source", "Source", "multiline", help="the board rule this comes from"),
    _fields("notes", "Notes", "multiline"),
)
FIELD_BY_KEY = {f.key: f for f in FORM_FIELDS}


def _names_text(names: list[str] | None) -> str:
    return ", ".join(GROUP_WORDS.get(n, n) for n in names or ())


def summary_cells(item: dict[str, Any]) -> list[str]:
    """One component as the list's cells (COLUMNS)."""
    amount = []
    if item.get("hours") is not None:
        amount.append(f"{item['hours']} h")
    if item.get("pct") is not None:
        amount.append(f"{item['pct']} %")
    if item.get("factor") is not None:
        amount.append(f"× {item['factor']}")
    of = [
        part
        for part in (_names_text(item.get("fields")), _names_text(item.get("delivery")))
        if part
    ]
    if item.get("topic"):
        of.append(item["topic"])
    years = item.get("cycle_years")
    scope = item.get("scope") or "period"
    when = f"Every {years} years" if years else {"year": "Each year"}.get(scope, "The period")
    applies = item.get("applies_if")
    return [
        item.get("label") or "",
        KIND_WORDS.get(item["kind"], item["kind"]),
        " ".join(amount),
        "; ".join(of) or "any",
        when,
        ATTRIBUTE_LABELS.get(applies, applies) if applies else "Always",
        item.get("alternative") or "",
    ]


class ComponentForm(QDialog):
    """Add or edit one component. ``save`` (given the component object) raises ValidationError
    keyed by the component's keys; the form shows each message beside its field."""

    def __init__(
        self,
        ctx: ServiceContext,
        save: Callable[[dict[str, Any]], object],
        item: dict[str, Any] | None = None,
        *,
        topics: list[str] = (),  # type: ignore[assignment]
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self._save = save
        self.outcome: object | None = None
        self.setWindowTitle("Add component" if item is None else "Edit component")
        self.inputs: dict[str, FieldInput] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.form_error = error_label()
        body = QWidget()
        stack = QVBoxLayout(body)
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        stack.addLayout(form)
        stack.addStretch(1)  # spare height goes below the form, not between its rows
        for field in FORM_FIELDS:
            made = self._input(field, topics)
            self.inputs[field.key] = made
            cell = QWidget()
            column = QVBoxLayout(cell)
            column.setContentsMargins(0, 0, 0, 0)
            column.setSpacing(2)
            column.addWidget(made.widget)
            if field.help and field.kind not in ("text", "decimal", "integer", "multiline"):
                note = QLabel(field.help)
                note.setProperty("role", "muted")
                note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
                note.setWordWrap(True)
                column.addWidget(note)
            self.error_labels[field.key] = error_label()
            column.addWidget(self.error_labels[field.key])
            label = QLabel(field.label + (" *" if field.required else ""))
            label.setBuddy(made.focus[0])
            form.addRow(label, cell)
        self.buttons, self.save_button = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_error)
        layout.addWidget(scrolling(body), 1)
        layout.addWidget(self.buttons)
        values = {f.key: f.default for f in FORM_FIELDS if f.default is not None}
        values |= item or {}
        for key, made in self.inputs.items():
            if key in values:
                made.set_value(values[key])
        for field in FORM_FIELDS:
            self.inputs[field.key].on_change(self._update_enabled)
        self._update_enabled()
        hint = body.sizeHint()
        self.resize(max(560, hint.width() + 48), min(hint.height() + 90, 760))

    def _input(self, field: FormField, topics: list[str]) -> FieldInput:
        if field.key == "fields":
            made = checklist(_group_items(FIELD_GROUPS, FIELDS_OF_STUDY), rows=7)
        elif field.key == "delivery":
            made = checklist(_group_items(DELIVERY_GROUPS, DELIVERY_METHODS), rows=5)
        elif field.key == "topic":
            combo = QComboBox()
            combo.setEditable(True)
            combo.addItems(list(topics))
            combo.setCurrentIndex(-1)
            combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
            cast(QLineEdit, combo.lineEdit()).setPlaceholderText("Type or choose...")  # (editable)
            combo.setToolTip(field.help)
            made = FieldInput(
                combo,
                [combo],
                lambda: combo.currentText().strip() or None,
                lambda v: combo.setCurrentText(v or ""),
                [combo.currentTextChanged],
            )
        elif field.key == "applies_if":
            names = {**ATTRIBUTE_LABELS, **requirements.known_attributes()}
            choices = ((None, "Always"),) + tuple(names.items())
            made = make_input(
                FormField(field.key, field.label, "choice", choices=choices), self.ctx
            )
        else:
            made = make_input(field, self.ctx)
        made.widget.setAccessibleName(field.label)
        if field.help:
            for widget in made.focus:
                widget.setToolTip(field.help)
        return made

    def _update_enabled(self) -> None:
        for field in FORM_FIELDS:
            if field.enabled_when:
                key, allowed = field.enabled_when
                self.inputs[field.key].widget.setEnabled(self.inputs[key].current() in allowed)

    def value(self) -> dict[str, Any]:
        """The component object the form holds (keys left out when empty)."""
        out: dict[str, Any] = {}
        for field in FORM_FIELDS:
            value = self.inputs[field.key].value()
            if value is None or value == "":
                continue
            if field.key == "cycle_years":
                value = int(value)
            if field.key == "scope" and value == "period":
                continue
            out[field.key] = value
        return out

    def show_errors(self, errors: dict[str, str]) -> None:
        stray = []
        first = None
        for key, message in errors.items():
            if key in self.inputs:
                text = describe(FIELD_BY_KEY[key].label, message)
                show_message(self.error_labels[key], text)
                self.inputs[key].set_error(text)
                first = first or self.inputs[key].focus[-1]
            else:
                stray.append(describe(key.capitalize(), message) if key else message)
        show_message(self.form_error, "\n".join(stray) or None)
        if first is not None:
            first.setFocus()

    def save(self) -> bool:
        show_message(self.form_error, None)
        for key, made in self.inputs.items():
            show_message(self.error_labels[key], None)
            made.set_error(None)
        try:
            self.outcome = self._save(self.value())
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ServiceError as exc:
            show_message(self.form_error, str(exc))
            return False
        self.accept()
        return True


LABEL_MAX_WIDTH = 440  # the Label column's widest fit in the components list


class ComponentsDialog(QDialog):
    """The components of requirement ``state_id``: add, edit and delete them, each change saved
    at once. ``publish`` gets every saved Outcome (the window's change bus)."""

    def __init__(
        self,
        ctx: ServiceContext,
        state_id: int,
        *,
        publish: Callable[[Outcome], None] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.state_id = state_id
        self.publish = publish
        self.outcomes: list[Outcome] = []
        self.items: list[dict[str, Any]] = []
        self.setWindowTitle(f"Components of {requirements.rule_title(state_id)}")
        intro = QLabel(
            "What the board asks beyond the headline figures: minimums in some fields or for "
            "live hours, caps, state-specific ethics, courses on their own cycle, and options "
            "(components sharing an option name: meeting one option is enough). Each change is "
            "saved at once and marks the rule as edited, so updates of the program's own data "
            "keep your version."
        )
        intro.setWordWrap(True)
        intro.setProperty("role", "muted")
        intro.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().hide()
        self.table.setAlternatingRowColors(True)
        self.table.setWordWrap(False)
        header = self.table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.setAccessibleName("Components")
        self.table.doubleClicked.connect(lambda _index: self.edit_current())
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self.empty = QLabel("No components: the rule's headline figures are all it asks.")
        self.empty.setProperty("role", "muted")
        self.empty.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.error = error_label()
        self.add_button = QPushButton("Add…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        self.add_button.clicked.connect(self.add)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_current)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.error)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addLayout(buttons)
        self.reload()
        self.resize(1040, 420)

    # --- the list ---------------------------------------------------------------------------

    def reload(self) -> None:
        """Read the components again (after a save, or from the start)."""
        self.items = requirements.list_components(self.state_id)
        self.table.setRowCount(len(self.items))
        for row, item in enumerate(self.items):
            for column, text in enumerate(summary_cells(item)):
                cell = QTableWidgetItem(text)
                if column == 2:  # hours
                    cell.setTextAlignment(
                        Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
                    )
                if item.get("notes") or item.get("source"):
                    cell.setToolTip(
                        "\n\n".join(t for t in (item.get("source"), item.get("notes")) if t)
                    )
                self.table.setItem(row, column, cell)
        self.table.resizeColumnsToContents()
        for column in range(len(COLUMNS) - 1):
            width = self.table.columnWidth(column)
            # The label says what the component is: it gets the room (the dialog is 1040 wide)
            # rather than being cut while the last column stands empty.
            widest = LABEL_MAX_WIDTH if column == 0 else 260
            self.table.setColumnWidth(column, min(max(width, 60), widest))
        self.empty.setVisible(not self.items)
        self._update_buttons()

    def current_row(self) -> int | None:
        rows = {index.row() for index in self.table.selectionModel().selectedRows()}
        return next(iter(rows)) if len(rows) == 1 else None

    def _update_buttons(self) -> None:
        chosen = self.current_row() is not None
        self.edit_button.setEnabled(chosen)
        self.delete_button.setEnabled(chosen)

    # --- saving ----------------------------------------------------------------------------

    def _store(self, items: list[dict[str, Any]], index: int | None) -> Outcome:
        """Save ``items`` as the rule's components; errors about component ``index`` are
        raised keyed by its own keys (for the form), others as they come."""
        try:
            outcome = requirements.set_components(self.ctx, self.state_id, items)
        except ValidationError as exc:
            prefix = f"{requirements.COMPONENTS}[{index}]"
            errors = {}
            for key, message in exc.errors.items():
                if key.startswith(prefix + "."):
                    key = key[len(prefix) + 1 :]  # the form's own field
                elif key.startswith(f"{requirements.COMPONENTS}["):
                    key = f"component {int(key[11:].split(']')[0]) + 1}"
                errors[key] = message
            raise ValidationError(errors) from exc
        self.outcomes.append(outcome)
        if self.publish is not None and outcome.changes:
            self.publish(outcome)
        return outcome

    def _form(self, item: dict[str, Any] | None, index: int) -> bool:
        items = [dict(i) for i in self.items]

        def save(value: dict[str, Any]) -> Outcome:
            changed = list(items)
            if item is None:
                changed.append(value)
            else:
                changed[index] = value
            return self._store(changed, index)

        form = ComponentForm(self.ctx, save, item, topics=requirements.known_topics(), parent=self)
        try:
            done = form.exec() == QDialog.DialogCode.Accepted
        finally:
            form.deleteLater()
        if done:
            self.reload()
            self.table.selectRow(min(index, len(self.items) - 1))
        return done

    def add(self) -> bool:
        return self._form(None, len(self.items))

    def edit_current(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        return self._form(self.items[row], row)

    def delete_current(self) -> bool:
        row = self.current_row()
        if row is None:
            return False
        cells = summary_cells(self.items[row])
        what = cells[0] or f"{cells[1]} {cells[2]} ({cells[3]})"
        answer = QMessageBox.question(
            self,
            "Delete component?",
            f"Delete this component of {requirements.rule_title(self.state_id)}?\n\n• {what}\n\n"
            "The audit log keeps a copy of the rule as it was.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return False
        items = [dict(i) for i in self.items]
        del items[row]
        try:
            self._store(items, None)
        except ServiceError as exc:
            show_message(self.error, str(exc))
            return False
        show_message(self.error, None)
        self.reload()
        return True


def open_components(
    parent: QWidget | None,
    ctx: ServiceContext,
    state_id: int,
    publish: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Show the components of a rule modally; the outcomes of what was saved."""
    dialog = ComponentsDialog(ctx, state_id, publish=publish, parent=parent)
    try:
        dialog.exec()
        return dialog.outcomes
    finally:
        dialog.deleteLater()


__all__ = ["ComponentForm", "ComponentsDialog", "open_components", "summary_cells"]
