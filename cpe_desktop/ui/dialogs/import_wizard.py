"""File › Import of a spreadsheet: choose which column holds what, see the result, then import.

A person's own spreadsheet has its own headings ("Date", "Course", "CPE Hours"). The dialog shows
one drop-down per record field, pre-set from the headings it recognises (the sheet too, for an
Excel workbook), and below it the first rows as they would be imported, every problem listed
with its row and column, and how many records are already stored (skip them, or merge the file
into them). Import stays disabled while any problem remains: an import is all or nothing.

Everything it shows comes from ``services.interchange.mapped_import.preview``, the same check the
import itself runs, so what the dialog accepts is what the import accepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QPushButton,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.db.models import User
from cpe_desktop.services import users as users_service
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.services.interchange.cells import field_cell
from cpe_desktop.services.interchange.csv_format import REQUIRED
from cpe_desktop.services.interchange.mapped_import import Preview, preview
from cpe_desktop.services.interchange.mapping import FIELDS, LABELS, ColumnMapping, guess_columns
from cpe_desktop.services.interchange.tabular import Table, read_table
from cpe_desktop.ui import crash

PREVIEW_ROWS = 20
SHOWN_ERRORS = 200
NOT_IN_FILE = -1
_ERROR_BACKGROUND = QColor(255, 228, 225)


@dataclass(frozen=True)
class ImportChoice:
    """What the person settled on: the table, its mapping, whose records, and what to do with
    records already stored."""

    table: Table
    mapping: ColumnMapping
    user: User
    on_duplicate: str


class ImportWizard(QDialog):
    """The mapping and preview dialog for one ``.csv`` or ``.xlsx`` file."""

    def __init__(
        self, ctx: ServiceContext, path: Path, table: Table, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.table = table
        self.result_preview: Preview | None = None
        self.setWindowTitle(f"Import records — {self.path.name}")
        self.combos: dict[str, QComboBox] = {}

        top = QFormLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItems(list(table.sheets))
        if table.sheet is not None:
            self.sheet_combo.setCurrentText(table.sheet)
        self.sheet_combo.setEnabled(len(table.sheets) > 1)
        self.sheet_combo.currentTextChanged.connect(self._sheet_changed)
        if table.sheets:
            top.addRow("Sheet:", self.sheet_combo)
        self.person_combo = QComboBox()
        for user in users_service.list_users(ctx, include_inactive=False):
            self.person_combo.addItem(f"{user.name} <{user.email}>", user.user_id)
        if ctx.actor.user_id is not None:
            self.person_combo.setCurrentIndex(max(0, self.person_combo.findData(ctx.actor.user_id)))
        self.person_combo.setEnabled(self.person_combo.count() > 1)
        self.person_combo.currentIndexChanged.connect(lambda _index: self.refresh())
        top.addRow("Records of:", self.person_combo)

        columns = QGroupBox("Which column holds what (* required)")
        self.mapping_form = QFormLayout(columns)
        for name in FIELDS:
            combo = QComboBox()
            combo.setObjectName(f"column_{name}")
            combo.currentIndexChanged.connect(lambda _index: self.refresh())
            self.combos[name] = combo
            star = " *" if name in REQUIRED else ""
            self.mapping_form.addRow(f"{LABELS[name]}{star}:", combo)

        self.preview_table = QTableWidget()
        self.preview_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.preview_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.error_list = QListWidget()
        self.error_list.setAccessibleName("Problems")
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)

        self.duplicates_box = QGroupBox()
        self.skip_button = QRadioButton("Skip them (keep what is stored)")
        self.merge_button = QRadioButton(
            "Merge: update them from the file (credits replaced; empty cells change nothing)"
        )
        self.skip_button.setChecked(True)
        group = QButtonGroup(self)
        group.addButton(self.skip_button)
        group.addButton(self.merge_button)
        box = QVBoxLayout(self.duplicates_box)
        box.addWidget(self.skip_button)
        box.addWidget(self.merge_button)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        right = QVBoxLayout()
        right.addWidget(QLabel(f"The first {PREVIEW_ROWS} rows as they will be imported:"))
        right.addWidget(self.preview_table, 3)
        right.addWidget(self.counts_label)
        right.addWidget(QLabel("Problems to fix in the file (or in the choices) first:"))
        right.addWidget(self.error_list, 2)
        right.addWidget(self.warning_label)
        right.addWidget(self.duplicates_box)
        middle = QHBoxLayout()
        middle.addWidget(columns)
        middle.addLayout(right, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)
        self.resize(1100, 680)
        self._fill_combos(guess_columns(table))

    # --- state ------------------------------------------------------------------------------------

    def mapping(self) -> ColumnMapping:
        chosen = {name: combo.currentData() for name, combo in self.combos.items()}
        return {name: index for name, index in chosen.items() if index != NOT_IN_FILE}

    @property
    def user(self) -> User:
        return users_service.get_user(self.ctx, self.person_combo.currentData())

    @property
    def on_duplicate(self) -> str:
        return "merge" if self.merge_button.isChecked() else "skip"

    def choice(self) -> ImportChoice:
        return ImportChoice(self.table, self.mapping(), self.user, self.on_duplicate)

    # --- updating ---------------------------------------------------------------------------------

    def _fill_combos(self, mapping: ColumnMapping) -> None:
        for name, combo in self.combos.items():
            combo.blockSignals(True)
            combo.clear()
            combo.addItem("(not in the file)", NOT_IN_FILE)
            for index in range(len(self.table.headers)):
                combo.addItem(self.table.label(index), index)
            combo.setCurrentIndex(max(0, combo.findData(mapping.get(name, NOT_IN_FILE))))
            combo.blockSignals(False)
        self.refresh()

    def _sheet_changed(self, sheet: str) -> None:
        if not sheet or sheet == self.table.sheet:
            return
        try:
            self.table = read_table(self.path, sheet)
        except ServiceError as exc:
            crash.show_error(self, exc, "reading the sheet")
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.setCurrentText(self.table.sheet or "")
            self.sheet_combo.blockSignals(False)
            return
        self._fill_combos(guess_columns(self.table))

    def refresh(self) -> None:
        """Judge the whole file through the current choices and show the result."""
        mapping = self.mapping()
        try:
            result = preview(self.ctx, self.table, mapping, self.user)
        except ServiceError as exc:  # e.g. the person is no longer visible
            result = None
            self.error_list.clear()
            self.error_list.addItem(str(exc))
        self.result_preview = result
        if result is not None:
            self._show_errors(result)
            self.warning_label.setText("\n".join(result.warnings[:10]))
            self.warning_label.setVisible(bool(result.warnings))
        self._show_rows(mapping, result)
        self._show_counts(result)
        ready = result is not None and result.ok and bool(result.records)
        self.import_button.setEnabled(ready)

    def _show_errors(self, result: Preview) -> None:
        self.error_list.clear()
        for error in result.errors[:SHOWN_ERRORS]:
            self.error_list.addItem(f"{error.where}: {error.message}")
        if len(result.errors) > SHOWN_ERRORS:
            self.error_list.addItem(f"… and {len(result.errors) - SHOWN_ERRORS} more problems")
        if not result.errors:
            self.error_list.addItem("None.")

    def _show_counts(self, result: Preview | None) -> None:
        if result is None or not result.ok:
            problems = len(result.errors) if result is not None else 1
            s = "" if problems == 1 else "s"
            self.counts_label.setText(f"{problems} problem{s}: nothing can be imported yet.")
            self.duplicates_box.setVisible(False)
            return
        records = len(result.records)
        rows = sum(len(record.rows) for record in result.records)
        self.counts_label.setText(
            f"{records} record{'' if records == 1 else 's'} from {rows} "
            f"{self.table.unit}{'' if rows == 1 else 's'}; "
            f"{records - result.duplicates} new, {result.duplicates} already stored."
        )
        self.duplicates_box.setTitle(
            f"{result.duplicates} record{'' if result.duplicates == 1 else 's'} already stored "
            "(same title, date and sponsor):"
        )
        self.duplicates_box.setVisible(result.duplicates > 0)

    def _show_rows(self, mapping: ColumnMapping, result: Preview | None) -> None:
        fields = [name for name in FIELDS if name in mapping]
        shown = self.table.rows[:PREVIEW_ROWS]
        errors: dict[int, list[str]] = {}
        for error in result.errors if result is not None else []:
            errors.setdefault(error.row, []).append(f"{error.column}: {error.message}")
        duplicates = {
            number
            for record in (result.records if result else [])
            if record.duplicate
            for number in record.rows
        }
        table = self.preview_table
        table.clear()
        table.setColumnCount(len(fields))
        table.setRowCount(len(shown))
        table.setHorizontalHeaderLabels(
            [f"{LABELS[name]}\n({self.table.label(mapping[name])})" for name in fields]
        )
        table.setVerticalHeaderLabels([str(row.number) for row in shown])
        for r, row in enumerate(shown):
            problems = errors.get(row.number, [])
            for c, name in enumerate(fields):
                value, _ = field_cell(name, self.table.cell(row, mapping[name]))
                item = QTableWidgetItem(_shown(value))
                if problems:
                    item.setBackground(QBrush(_ERROR_BACKGROUND))
                    item.setToolTip("\n".join(problems))
                elif row.number in duplicates:
                    item.setToolTip("Already stored")
                table.setItem(r, c, item)
        table.resizeColumnsToContents()


def _shown(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def ask_import_choice(
    ctx: ServiceContext, path: Path, parent: QWidget | None = None
) -> ImportChoice | None:
    """Read ``path``, let the person map and check it; their choice, or None if they cancel
    (or the file cannot be read, which they are told about)."""
    try:
        table = read_table(Path(path))
    except ServiceError as exc:
        crash.show_error(parent, exc, "reading the file")
        return None
    dialog = ImportWizard(ctx, Path(path), table, parent)
    try:
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return None
        return dialog.choice()
    finally:
        dialog.deleteLater()


__all__ = ["ImportChoice", "ImportWizard", "ask_import_choice"]
