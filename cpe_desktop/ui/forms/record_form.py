"""The hand-made CPE record form: one certificate, its credits per field of study, its file.

Records are what people enter most, from a certificate in front of them, so this form is built by
hand: a small credits grid (field of study + credits per line) with its total, NASBA increment
warnings shown while typing (they never block saving), the ethics jurisdiction switched on when
an ethics field is present, and the certificate chosen or dropped onto the form (its PDF text
pre-fills empty fields). File and record are saved in one transaction: on any error, nothing is.

Course topics the rules name (California's Regulatory Review, Illinois' sexual-harassment hour)
are ticked in a list shown only when some rule names one; the certificate's title proposes them.

A program that ran several days (a 4-day conference, a college course) has a first day, "Started
on", unset for a one-day program; more than 10 credits per program day is warned about beside the
credits, and saving goes ahead.
"""

from __future__ import annotations

import functools
import re
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, cast

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QDateTimeEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.rules.credits import check_credits, check_program_days
from cpe_desktop.rules.fields import DELIVERY_METHODS, is_ethics
from cpe_desktop.services import licenses, requirements
from cpe_desktop.services import records as records_service
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.editing.forms import FormField, custom_form_fields
from cpe_desktop.services.editing.saving import CUSTOM_PREFIX
from cpe_desktop.services.errors import ServiceError, StaleEdit, ValidationError
from cpe_desktop.ui import connection_watch
from cpe_desktop.ui.dialogs import stale_edit_dialog
from cpe_desktop.ui.forms import certificate_files, certificate_prefill
from cpe_desktop.ui.forms.credits_grid import CreditsGrid
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

_LINE_KEY = re.compile(r"credits\[(\d+)\](?:\.(field|credits))?$")
_FIELDS = (
    FormField("user_id", "Holder", "user", required=True),
    FormField("title", "Title", required=True),
    FormField("sponsor", "Sponsor"),
    FormField("sponsor_id", "NASBA sponsor ID", help="The sponsor's NASBA registry number"),
    FormField(
        "started_on",
        "Started on",
        "optional_date",
        help="The first day of a program that ran several days (a conference, a course); "
        "leave it unset for a one-day program",
    ),
    FormField(
        "completed_on",
        "Completed on",
        "date",
        required=True,
        help="The day the program ended (the date on the certificate)",
    ),
    FormField(
        "delivery_method",
        "Delivery method",
        "choice",
        required=True,
        choices=((None, "Choose a method..."),) + tuple((m, m) for m in DELIVERY_METHODS),
    ),
    FormField(
        "ethics_jurisdiction",
        "Ethics jurisdiction",
        "jurisdiction",
        help="The state whose ethics rules the course covers",
    ),
    FormField("notes", "Notes", "multiline"),
)


def _text(value: Any) -> str:
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return "" if value is None else str(value)


class RecordForm(QDialog):
    """Add (``record_id`` None) or edit one CPE record; ``outcome`` is set after a save."""

    def __init__(
        self,
        ctx: ServiceContext,
        record_id: int | None = None,
        user_id: int | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.ctx, self.record_id = ctx, record_id
        self.outcome: Outcome | None = None
        self.certificate_path: Path | None = None  # chosen now, stored on Save
        self.attachment_id: int | None = None  # the certificate already linked
        self.inputs: dict[str, FieldInput] = {}
        self.labels: dict[str, QLabel] = {}
        self.setWindowTitle("Add CPE record" if record_id is None else "Edit CPE record")
        self.setAcceptDrops(True)
        loaded = editing.load_entity(ctx, "record", record_id) if record_id is not None else {}
        self.opened = loaded  # what a refused save compares with (another desk saved first)
        self.version = loaded.get(editing.VERSION_KEY)
        self.owner_id = loaded.get("user_id") or user_id or ctx.actor.user_id
        self.fields = [f for f in _FIELDS if f.key != "user_id" or ctx.actor.is_admin]
        self.fields += list(custom_form_fields("record"))
        self.form_error = error_label()
        self.grid = CreditsGrid(self._refresh)
        self.certificate_name = QLabel("No certificate")
        self.certificate_name.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("Attach certificate…")
        self.choose_button.setToolTip("A PDF, PNG or JPEG file; you can also drop it on the form")
        self.choose_button.clicked.connect(self.choose_certificate)
        self.unlink_button = QPushButton("Remove")
        self.unlink_button.setToolTip("Unlink the certificate from this record")
        self.unlink_button.clicked.connect(self.remove_certificate)
        self.open_button = certificate_files.open_button(self)
        for button in (self.choose_button, self.open_button, self.unlink_button):
            button.setAutoDefault(False)
        self.certificate_error = error_label()
        self._build(loaded)
        self.prefill = certificate_prefill.CertificatePrefill(self)
        self._wire()

    # --- building ---------------------------------------------------------------------------

    def _topics_input(self, loaded: dict[str, Any]) -> FieldInput | None:
        """Ticks for the course topics the rules name (a course component counts the records
        tagged with its topic); None when no rule names one and the record has none."""
        had = list(loaded.get("topics") or [])
        if self.record_id is not None and "topics" not in loaded:
            had = records_service.topics_of(records_service.get_record(self.ctx, self.record_id))
        known = self.known_topics = requirements.known_topics()
        if not known and not had:
            return None
        made = checklist([(topic, topic) for topic in known], rows=4)
        made.set_value(had)
        made.widget.setAccessibleName("Topics")
        tip = "Tick what the course covers when a board asks for it by name"
        made.widget.setToolTip(tip)
        return made

    def _build(self, loaded: dict[str, Any]) -> None:
        self.topics = self._topics_input(loaded)
        self.topics_error = error_label()
        body = QWidget()
        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        stack = QVBoxLayout(body)
        stack.addLayout(form)
        stack.addStretch(1)
        for field in self.fields:
            if field.key == "ethics_jurisdiction":
                form.addRow(self._label("Credits", True, self.grid.add_button), self.grid)
            if field.key == "notes" and self.topics is not None:
                label = self._label("Topics", False, self.topics.focus[0])
                form.addRow(label, self._cell(self.topics, self.topics_error))
            made = make_input(field, self.ctx)
            self.inputs[field.key] = made
            self.labels[field.key] = error_label()
            label = self._label(field.label, field.required, made.focus[-1])
            form.addRow(label, self._cell(made, self.labels[field.key]))
            if field.key == "notes":
                form.addRow(self._label("Certificate", False, self.choose_button), self._cert())
        today = self.ctx.clock.today()
        # (PySide6 takes a date for a QDate)
        cast(QDateTimeEdit, self.inputs["completed_on"].widget).setMaximumDate(today)  # type: ignore[arg-type]
        started_box, started_edit = self.inputs["started_on"].focus  # a tick box, a date
        cast(QDateTimeEdit, started_edit).setMaximumDate(today)  # type: ignore[arg-type]
        # Ticked, the first day starts at the last one: the person moves it back a few days.
        cast(QAbstractButton, started_box).toggled.connect(self._started_toggled)
        values = loaded or {"user_id": self.owner_id, "completed_on": today}
        for key, made in self.inputs.items():
            if key in values:
                made.set_value(values[key])
        for line in loaded.get("credits") or [{}]:
            self.grid.add_line(line.get("field"), _text(line.get("credits")))
        self.attachment_id = loaded.get("attachment_id")
        self._show_certificate(
            (loaded.get("certificate") or "certificate") if self.attachment_id else None
        )
        scroll = scrolling(body)
        self.buttons, self.save_button = save_cancel(self, self.save)
        layout = QVBoxLayout(self)
        layout.addWidget(self.form_error)
        layout.addWidget(scroll, 1)
        layout.addWidget(self.buttons)
        # Room for a few more lines and the warnings under the grid before it has to scroll.
        self.resize(680, min(body.sizeHint().height() + 220, 840))

    def _label(self, text: str, required: bool, buddy: QWidget) -> QLabel:
        label = QLabel(text + (" *" if required else ""))
        label.setBuddy(buddy)
        return label

    def _cell(self, made: FieldInput, message: QLabel) -> QWidget:
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(2)
        column.addWidget(made.widget)
        column.addWidget(message)
        return cell

    def _cert(self) -> QWidget:
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 0, 0, 0)
        row = QHBoxLayout()  # the name on its own line: long file names stay readable
        for button in (self.choose_button, self.open_button, self.unlink_button):
            row.addWidget(button)
        row.addStretch(1)
        column.addWidget(self.certificate_name)
        column.addLayout(row)
        column.addWidget(self.certificate_error)
        return cell

    def _wire(self) -> None:
        for field in self.fields:
            self.inputs[field.key].on_change(functools.partial(self._changed, field))
        for widget in self.findChildren(QWidget):  # a dropped file goes to the form, not a field
            if widget.acceptDrops() and widget is not self:
                widget.installEventFilter(self)
        self._refresh()
        self._set_tab_order()
        self.inputs[self.fields[0].key].focus[-1].setFocus()

    def focus_chain(self) -> list[QWidget]:
        """Every input in visiting order, then Save and Cancel."""
        chain: list[QWidget] = []
        for field in self.fields:
            if field.key == "ethics_jurisdiction":
                chain += self.grid.focus_chain()
            if field.key == "notes" and self.topics is not None:
                chain += self.topics.focus
            chain += self.inputs[field.key].focus
            if field.key == "notes":
                chain += [self.choose_button, self.open_button, self.unlink_button]
        return chain + [
            self.prefill.differences_button,
            self.prefill.confirm_button,
            self.save_button,
            self.buttons.button(QDialogButtonBox.StandardButton.Cancel),
        ]

    def _set_tab_order(self) -> None:
        chain = self.focus_chain()
        for first, second in zip(chain, chain[1:], strict=False):
            QWidget.setTabOrder(first, second)

    # --- live feedback ----------------------------------------------------------------------

    def _started_toggled(self, on: bool) -> None:
        completed = self.inputs["completed_on"].current()
        if on and completed is not None:
            self.inputs["started_on"].set_value(completed)

    def _changed(self, field: FormField) -> None:
        made = self.inputs[field.key]
        missing = field.required and made.is_empty()
        self._show(field.key, describe(field.label, "is required") if missing else None)
        if field.key in ("delivery_method", "user_id", "started_on", "completed_on"):
            self._refresh()

    def _refresh(self) -> None:
        """Total, NASBA and per-day warnings and the ethics jurisdiction, from what is typed now."""
        method = self._current("delivery_method")
        total, warnings, ethics = Decimal(0), [], False
        for number, (field, text) in enumerate(self.grid.lines(), start=1):
            ethics = ethics or (field is not None and is_ethics(field))
            try:
                total += Decimal(text) if text else 0
            except InvalidOperation:
                continue
            for issue in check_credits(text, method) if text else ():
                if issue.severity == "warning":
                    warnings.append(f"Line {number} ({field or 'no field yet'}): {issue.message}")
        completed = self._current("completed_on")
        if total > 0 and completed is not None:
            started = self._current("started_on")
            if started is not None and started > completed:
                started = None  # refused on Save, next to the field; judged as one day till then
            warnings += [
                issue.message
                for issue in check_program_days(total, started, completed, method)
                if issue.severity == "warning"
            ]
        self.grid.total_label.setText(f"Total: {_text(total)} credits")
        note = "\nWarnings do not stop saving; check the certificate." if warnings else ""
        show_message(self.grid.warning_label, "\n".join(warnings) + note if warnings else None)
        self.grid.remove_button.setEnabled(self.grid.count() > 1)
        if hasattr(self, "buttons"):  # built: new or removed lines join the tab order
            self._set_tab_order()
        jurisdiction = self.inputs.get("ethics_jurisdiction")
        if jurisdiction is not None:
            jurisdiction.widget.setEnabled(ethics)
            if ethics and jurisdiction.current() is None:
                places = {lic.jurisdiction for lic in self._owner_licenses()}
                if len(places) == 1:
                    jurisdiction.set_value(places.pop())

    def _current(self, key: str) -> Any:
        made = self.inputs.get(key)  # None while the form is being built
        return made.current() if made is not None else None

    def _owner_licenses(self) -> list:
        owner = self._owner()
        return licenses.list_licenses(self.ctx, owner) if owner is not None else []

    def _owner(self) -> int | None:
        picker = self.inputs.get("user_id")
        return picker.current() if picker is not None else self.owner_id

    # --- certificate ------------------------------------------------------------------------

    def choose_certificate(self) -> None:
        if path := certificate_files.choose_file(self):
            self.set_certificate_file(path)

    def set_certificate_file(self, path: Path) -> bool:
        """Use ``path`` as the certificate (stored on Save); False with a message if unusable."""
        try:
            attachments.check_file(path)
        except ValidationError as exc:
            show_message(self.certificate_error, describe("Certificate", exc.errors[exc.field]))
            return False
        self.certificate_path = Path(path)
        self._show_certificate(f"{self.certificate_path.name} (new: saved with the record)")
        show_message(self.certificate_error, None)
        self.prefill.attached(self.certificate_path)
        return True

    def remove_certificate(self) -> None:
        self.certificate_path = None
        self.attachment_id = None
        self._show_certificate(None)

    def _show_certificate(self, name: str | None) -> None:
        self.certificate_name.setText(name or "No certificate")
        self.unlink_button.setEnabled(name is not None)
        self.open_button.setEnabled(name is not None)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        drag = (QEvent.Type.DragEnter, QEvent.Type.DragMove, QEvent.Type.Drop)
        if event.type() in drag and self._dropped_file(event) is not None:
            return self._handle_drop(event)
        return super().eventFilter(watched, event)

    def dragEnterEvent(self, event) -> None:
        self._handle_drop(event)

    def dropEvent(self, event) -> None:
        self._handle_drop(event)

    def _dropped_file(self, event) -> Path | None:
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        local = [url.toLocalFile() for url in urls if url.isLocalFile()]
        return Path(local[0]) if len(local) == 1 else None

    def _handle_drop(self, event) -> bool:
        path = self._dropped_file(event)
        if path is None:
            event.ignore()
            return False
        event.acceptProposedAction()
        if event.type() == QEvent.Type.Drop:
            self.set_certificate_file(path)
        return True

    # --- saving -----------------------------------------------------------------------------

    def _show(self, key: str, text: str | None) -> None:
        show_message(self.labels[key], text)
        self.inputs[key].set_error(text)

    def _collect(self) -> tuple[dict[str, Any], dict[str, Any], list[int], dict[str, str]]:
        """The record's data, its custom values, grid row of each sent line, and blank fields."""
        data: dict[str, Any] = {}
        custom: dict[str, Any] = {}
        missing: dict[str, str] = {}
        for field in self.fields:
            made = self.inputs[field.key]
            value = made.current() if field.key == "ethics_jurisdiction" else made.value()
            if field.required and made.is_empty():
                missing[field.key] = "is required"
            (custom if field.key.startswith(CUSTOM_PREFIX) else data)[field.key] = value
        sent_rows: list[int] = []
        credits: list[dict[str, Any]] = []
        for row, (study, text) in enumerate(self.grid.lines()):
            if study is None and not text:
                continue  # a blank line is ignored
            if study is None:
                missing[f"credits[{len(sent_rows)}].field"] = "choose a field of study"
            sent_rows.append(row)
            credits.append({"field": study, "credits": text})
        if not credits:
            missing["credits"] = "must list at least one field of study with its credits"
        data["credits"] = credits
        if self.topics is not None:
            data["topics"] = self.topics.value() or []
        if self.certificate_path is None and self.record_id is not None:
            data["attachment_id"] = self.attachment_id
        return data, custom, sent_rows, missing

    def _saved_meanwhile(self, error: StaleEdit, mine: dict[str, Any]) -> bool:
        """Another desk saved the record first: show both versions (nothing was stored, the
        certificate chosen here neither); keep mine or merge saves on the stored version, take
        theirs puts it in the form."""
        labels = {f.key: f.label for f in self.fields} | {"credits": "Credits", "topics": "Topics"}
        labels["attachment_id"] = "Certificate"
        mine = {
            k: v for k, v in mine.items() if k != "attachment_id" or self.certificate_path is None
        }
        choice, values = stale_edit_dialog.resolve(
            self, error, labels, self.opened, mine, "CPE record"
        )
        if choice is None:
            show_message(self.form_error, str(error))
            return False
        self.opened, self.version = error.theirs, error.version
        for key, value in values.items():
            if key == "credits":
                while self.grid.count():
                    self.grid.remove_line(0)
                for line in value or [{}]:
                    self.grid.add_line(line.get("field"), _text(line.get("credits")))
            elif key == "topics" and self.topics is not None:
                self.topics.set_value(list(value or []))
            elif key == "attachment_id":
                self.attachment_id = value
                name = cast("str | None", error.theirs.get("certificate")) if value else None
                self._show_certificate((name or "certificate") if value else None)
            elif key in self.inputs:
                self.inputs[key].set_value(value)
        if choice == stale_edit_dialog.THEIRS:
            show_message(self.form_error, stale_edit_dialog.THEIRS_IN_FORM)
            return False
        return self.save()

    def show_errors(self, errors: dict[str, str], sent_rows: list[int]) -> None:
        stray, grid = [], []
        for key, message in errors.items():
            line = _LINE_KEY.match(key)
            if line or key == "credits":
                if line:
                    row = sent_rows[int(line.group(1))]
                    part = line.group(2)
                    self.grid.mark(row, {"field": 0, "credits": 1}.get(part), message)
                    what = {"field": " field of study", None: ""}.get(part, "")
                    grid.append(describe(f"Line {row + 1}{what}", message))
                else:
                    grid.append(describe("Credits", message))
            elif key.startswith("topics") and self.topics is not None:
                show_message(self.topics_error, describe("Topics", message))
                self.topics.set_error(message)
            elif key in ("certificate", "attachment_id"):
                show_message(self.certificate_error, describe("Certificate", message))
            elif key in self.inputs:
                label = next(f.label for f in self.fields if f.key == key)
                self._show(key, describe(label, message))
            else:
                stray.append(describe(key.replace("_", " ").capitalize(), message))
        show_message(self.grid.error_label, "\n".join(grid) or None)
        show_message(self.form_error, "\n".join(stray) or None)

    def save(self) -> bool:
        """Store the chosen certificate and save the record in one transaction, or nothing."""
        if not self.prefill.confirm_before_save():
            return False
        for key in self.inputs:
            self._show(key, None)
        for row in range(self.grid.count()):
            self.grid.mark(row, None, None)
        for label in (
            self.grid.error_label,
            self.form_error,
            self.certificate_error,
            self.topics_error,
        ):
            show_message(label, None)
        data, custom, sent_rows, missing = self._collect()
        if missing:
            self.show_errors(missing, sent_rows)
            return False
        try:
            outcome = editing.save_record_with_certificate(
                self.ctx,
                self.record_id,
                data,
                custom,
                self.certificate_path,
                owner_id=self._owner(),
                expected_version=self.version,
            )
        except StaleEdit as exc:
            return self._saved_meanwhile(exc, {**data, **custom})
        except ValidationError as exc:
            self.show_errors(exc.errors, sent_rows)
            return False
        except ServiceError as exc:
            show_message(self.form_error, str(exc))
            return False
        except Exception as exc:
            if not connection_watch.report(exc):
                raise
            show_message(self.form_error, connection_watch.REFUSED)
            return False
        self.outcome = outcome
        self.accept()
        return True
