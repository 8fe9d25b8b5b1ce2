"""The add/edit dialog generated from a :class:`FormSpec`.

Each field gets an input chosen by its kind (``inputs.make_input``) and an error label under it;
Save runs ``editing.save_entity`` and either closes with the Outcome or shows every message next
to its field with nothing saved. Client-side required checks run as the user types.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.editing.forms import FormField, FormSpec, with_custom_fields
from cpe_desktop.services.editing.saving import CUSTOM_PREFIX
from cpe_desktop.services.errors import ServiceError, StaleEdit, ValidationError
from cpe_desktop.ui import connection_watch
from cpe_desktop.ui.dialogs import stale_edit_dialog
from cpe_desktop.ui.forms.inputs import (
    FieldInput,
    describe,
    error_label,
    make_input,
    save_cancel,
    scrolling,
    show_message,
)


class FormDialog(QDialog):
    # An attribute that hides QWidget.scroll(), a method this class never calls.
    scroll: QScrollArea | None  # type: ignore[assignment]
    """Add (``pk`` None) or edit one item of ``spec.entity``; ``outcome`` is set on success."""

    def __init__(
        self,
        ctx: ServiceContext,
        spec: FormSpec,
        pk: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.pk = ctx, pk
        self.spec = with_custom_fields(spec)
        self.outcome: Outcome | None = None
        self.inputs: dict[str, FieldInput] = {}
        self.error_labels: dict[str, QLabel] = {}
        self.notes: dict[str, QLabel] = {}  # muted text under each input (empty: hidden)
        self.cells: dict[str, QVBoxLayout] = {}  # each input's column, for subclasses to extend
        self.scroll = None
        self.setWindowTitle(f"{'Add' if pk is None else 'Edit'} {spec.title.lower()}")
        self.fields = [f for f in self.spec.fields if self._shown(f)]
        self.form_error = error_label()
        body = QWidget()
        stack = QVBoxLayout(body)
        self.sections: dict[str, QGroupBox] = {}
        form: QFormLayout | None = None
        section: str | None = None
        for field in self.fields:
            if form is None or field.section != section:
                section = field.section
                form = self._section(stack, section)
            form.addRow(*self._row(field))
        stack.addStretch(1)  # spare height goes below the form, not between its rows
        scroll = self.scroll = scrolling(body)
        self.buttons, self.save_button = save_cancel(self, self.save)
        hint = QLabel("* required")
        hint.setEnabled(False)
        bottom = QHBoxLayout()
        bottom.addWidget(hint)
        bottom.addWidget(self.buttons, 1)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_error)
        layout.addWidget(scroll, 1)
        layout.addLayout(bottom)
        self._load()
        self._wire()
        hint_size = body.sizeHint()
        self.resize(max(520, hint_size.width() + 48), min(hint_size.height() + 110, 720))

    def _section(self, stack: QVBoxLayout, title: str) -> QFormLayout:
        """A form layout for the next fields: the main one, or a titled box whose questions
        stand above their inputs (long plain-language questions need the width)."""
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        if not title:
            stack.addLayout(form)
            return form
        box = QGroupBox(title)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
        box.setLayout(form)
        stack.addSpacing(6)
        stack.addWidget(box)
        self.sections[title] = box
        return form

    def _shown(self, field: FormField) -> bool:
        creating = self.pk is None
        return not (
            (field.admin_only and not self.ctx.actor.is_admin)
            or (field.edit_only and creating)
            or (field.create_only and not creating)
        )

    def _row(self, field: FormField) -> tuple[QLabel, QWidget]:
        made = make_input(field, self.ctx)
        self.inputs[field.key] = made
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(made.widget)
        note = QLabel(field.note)
        note.setProperty("role", "muted")
        note.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        note.setWordWrap(True)
        note.setVisible(bool(field.note))
        self.notes[field.key] = note
        column.addWidget(note)
        self.error_labels[field.key] = error_label()
        column.addWidget(self.error_labels[field.key])
        self.cells[field.key] = column
        label = QLabel(field.label + (" *" if field.required else ""))
        label.setBuddy(made.focus[-1])
        return label, cell

    def _load(self) -> None:
        if self.pk is None:
            values = {f.key: f.default for f in self.fields if f.default is not None}
            if self.ctx.actor.user_id is not None:
                values.setdefault("user_id", self.ctx.actor.user_id)
        else:
            values = editing.load_entity(self.ctx, self.spec.entity, self.pk)
        self.opened = values  # what a refused save compares with (another desk saved first)
        self.version = values.get(editing.VERSION_KEY)
        self._fill(values)

    def _fill(self, values: Mapping[str, Any]) -> None:
        for key, made in self.inputs.items():
            field = self.spec.field(key)
            if key in values and not (field.blank_keeps and self.pk is not None):
                made.set_value(values[key])

    def _focus_chain(self) -> list[QWidget]:
        """Every tab stop of the inputs, in layout order."""
        return [w for f in self.fields for w in self.inputs[f.key].focus]

    def focus_field(self, key: str) -> None:
        """Put the cursor on ``key``'s input (an optional date's box while it is unticked) and
        scroll to it."""
        parts = [w for w in self.inputs[key].focus if w.isEnabled()] or self.inputs[key].focus
        target = parts[-1]
        target.setFocus(Qt.FocusReason.OtherFocusReason)
        if self.scroll is not None:
            self.scroll.ensureWidgetVisible(self.inputs[key].widget)

    def _wire(self) -> None:
        for field in self.fields:
            self.inputs[field.key].on_change(functools.partial(self._changed, field))
            self._update_dependents(field)
        chain = self._focus_chain()
        chain += [self.save_button, self.buttons.button(QDialogButtonBox.StandardButton.Cancel)]
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)
        if chain:
            chain[0].setFocus()

    def _changed(self, field: FormField) -> None:
        """Live: required checks, and fields that depend on this one."""
        made = self.inputs[field.key]
        missing = field.required and made.is_empty()
        self._set_error(field.key, describe(field.label, "is required") if missing else None)
        self._update_dependents(field)

    def _update_dependents(self, field: FormField) -> None:
        made = self.inputs[field.key]
        for other in self.fields:
            if other.enabled_when and other.enabled_when[0] == field.key:
                self.inputs[other.key].widget.setEnabled(made.value() in other.enabled_when[1])

    def _set_error(self, key: str, text: str | None) -> None:
        show_message(self.error_labels[key], text)
        self.inputs[key].set_error(text)

    def collect(self) -> tuple[dict[str, Any], dict[str, Any]]:
        """The form's values: the item's own data and its custom values."""
        data: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        for field in self.fields:
            value = self.inputs[field.key].value()
            if field.blank_keeps and self.pk is not None and value is None:
                continue
            (custom if field.key.startswith(CUSTOM_PREFIX) else data)[field.key] = value
        return data, custom

    def show_errors(self, errors: Mapping[str, str]) -> None:
        """Each message next to its field; those without a field above the form."""
        stray: list[str] = []
        first: QWidget | None = None
        for key, message in errors.items():
            target = self._key_for(key)
            if target is None:
                stray.append(describe(key.replace("_", " ").capitalize(), message))
                continue
            self._set_error(target, describe(self.spec.field(target).label, message))
            first = first or self.inputs[target].focus[-1]
        show_message(self.form_error, "\n".join(stray) or None)
        if first is not None:
            first.setFocus()

    def _key_for(self, key: str) -> str | None:
        for candidate in (key, f"{key}_id", key.removesuffix("_id")):
            if candidate in self.inputs:
                return candidate
        return None

    def save(self) -> bool:
        """Validate and save; on success accept the dialog. Nothing is saved on any error."""
        show_message(self.form_error, None)
        for key in self.inputs:
            self._set_error(key, None)
        missing = {
            f.key: "is required"
            for f in self.fields
            if f.required and self.inputs[f.key].is_empty()
        }
        if missing:
            self.show_errors(missing)
            return False
        data, custom = self.collect()
        try:
            self.outcome = editing.save_entity(
                self.ctx, self.spec.entity, self.pk, data, custom, expected_version=self.version
            )
        except StaleEdit as exc:
            return self._saved_meanwhile(exc, {**data, **custom})
        except ValidationError as exc:
            self.show_errors(exc.errors)
            return False
        except ServiceError as exc:  # permission denied, conflict, gone meanwhile
            show_message(self.form_error, str(exc))
            return False
        except Exception as exc:
            if not connection_watch.report(exc):
                raise
            show_message(self.form_error, connection_watch.REFUSED)
            return False
        self.accept()
        return True

    def _saved_meanwhile(self, error: StaleEdit, mine: dict[str, Any]) -> bool:
        """Another desk saved the item first: show both versions; keep mine or merge saves on
        the stored version, take theirs puts it in the form."""
        labels = {f.key: f.label for f in self.fields}
        what = self.spec.entity.replace("_", " ")
        choice, values = stale_edit_dialog.resolve(self, error, labels, self.opened, mine, what)
        if choice is None:
            show_message(self.form_error, str(error))
            return False
        self.opened, self.version = error.theirs, error.version
        self._fill(values)
        if choice == stale_edit_dialog.THEIRS:
            show_message(self.form_error, stale_edit_dialog.THEIRS_IN_FORM)
            return False
        return self.save()
