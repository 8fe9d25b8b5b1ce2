"""File › Import of a spreadsheet: find the table, choose which column holds what, see the result.

A person's own spreadsheet has its own headings ("Date", "Course", "CPE Hours"), often below a
title row, sometimes on the second sheet of a workbook. The dialog opens on the sheet and header
row the reader found (both can be changed: the table is read again and the columns guessed
again), says which known layout the file looks like, and shows one drop-down per record field,
pre-set from the headings it recognises. A field the file has no column for (delivery method,
field of study, sponsor, ...) can be given one value for every row; a file that never says how
courses were delivered is honestly "Not stated". Hours kept in one column per field of study are
read as credit lines. The file's own words for fields and methods ("AA", "Conference", "Online")
are listed with what they will be read as, to confirm or choose (``import_words.WordsBox``).

On the right (``import_preview.PreviewPane``): the first rows as they would be imported, every
problem row with its reasons, the rows set aside as not records, how many records are already
stored (skip or merge them), and, when some rows have problems, the choice between importing
nothing (the default) and importing the good records while the rest go to a "not imported" CSV
report, whose place is asked for when Import is pressed. A problem row's cell can be corrected
in the preview (double-click or F2) and any row left out (its menu); the dialog keeps these
(``edits``, ``excluded``: the file is never changed), judges the file again with them, and the
choice carries them to the import. Another sheet or header row starts them afresh.

Everything it shows comes from ``services.interchange.mapped_import.preview``, the same check the
import itself runs, so what the dialog accepts is what the import accepts.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.rules.fields import DELIVERY_METHODS, FIELDS_OF_STUDY
from cpe_desktop.services import users as users_service
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.csv_format import REQUIRED
from cpe_desktop.services.interchange.mapped_import import (
    CONSTANT_FIELDS,
    Preview,
    preview,
)
from cpe_desktop.services.interchange.mapping import (
    FIELDS,
    LABELS,
    ColumnMapping,
    guess_columns,
    hour_columns,
)
from cpe_desktop.services.interchange.tabular import MAX_ROWS, Table, read_table
from cpe_desktop.services.interchange.word_choices import file_words, words_in_force
from cpe_desktop.services.records import NOT_STATED
from cpe_desktop.ui import crash
from cpe_desktop.ui.dialogs.import_choice import ImportChoice
from cpe_desktop.ui.dialogs.import_preview import PREVIEW_ROWS, PreviewPane
from cpe_desktop.ui.dialogs.import_words import WordsBox

NOT_IN_FILE = -1


class ImportWizard(QDialog):
    """The mapping and preview dialog for one ``.csv`` or ``.xlsx`` file."""

    def __init__(
        self, ctx: ServiceContext, path: Path, table: Table, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.path = Path(path)
        self.table = table
        self.found_header = table.header_row  # where the reader found it on this sheet
        self.table_problem: str | None = None
        self.not_imported_path: Path | None = None
        self.result_preview: Preview | None = None
        # What the person did in the preview: cells corrected and rows left out.
        self.edits: dict[tuple[int, int], Any] = {}
        self.excluded: set[int] = set()
        self.setWindowTitle(f"Import records — {self.path.name}")
        self.combos: dict[str, QComboBox] = {}

        top = QFormLayout()
        self.sheet_combo = QComboBox()
        self.sheet_combo.addItems(list(table.sheets))
        if table.sheet is not None:
            self.sheet_combo.setCurrentText(table.sheet)
        self.sheet_combo.setEnabled(len(table.sheets) > 1)
        self.sheet_combo.currentTextChanged.connect(self._sheet_changed)
        if len(table.sheets) > 1:
            top.addRow("Sheet:", self.sheet_combo)
        self.header_spin = QSpinBox()
        self.header_spin.setRange(1, MAX_ROWS)
        self.header_spin.setKeyboardTracking(False)  # typed numbers count when Enter is pressed
        self.header_spin.setValue(table.header_row)
        self.header_spin.setAccessibleName("Header row")
        self.header_spin.valueChanged.connect(self._header_changed)
        self.header_note = QLabel()
        header = QHBoxLayout()
        header.addWidget(self.header_spin)
        header.addWidget(self.header_note, 1)
        top.addRow("Header row:", header)
        self.looks_like_label = QLabel()
        self.looks_like_label.setWordWrap(True)
        top.addRow(self.looks_like_label)
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
        self.hours_label = QLabel()
        self.hours_label.setWordWrap(True)
        self.mapping_form.addRow(self.hours_label)

        self.constants_box = QGroupBox("Same for every row (fields with no column)")
        self.constants_form = QFormLayout(self.constants_box)
        self.constant_inputs: dict[str, QComboBox | QLineEdit] = {}
        for name in CONSTANT_FIELDS:
            widget = self._constant_input(name)
            widget.setObjectName(f"constant_{name}")
            widget.setAccessibleName(f"{LABELS[name]} for every row")
            self.constant_inputs[name] = widget
            self.constants_form.addRow(f"{LABELS[name]}:", widget)
        self.words_box = WordsBox()
        self.words_box.changed.connect(self.refresh)

        self.pane = PreviewPane()
        # The pane's parts, by the names the dialog has always had.
        self.preview_table = self.pane.table
        self.counts_label = self.pane.counts_label
        self.error_list = self.pane.error_list
        self.warning_label = self.pane.warning_label
        self.duplicates_box = self.pane.duplicates_box
        self.skip_button = self.pane.skip_button
        self.merge_button = self.pane.merge_button
        self.pane.skip_bad_button.toggled.connect(lambda _on: self._update_button())
        self.pane.cell_edited.connect(self.edit_cell)
        self.pane.cell_reset.connect(self.reset_cell)
        self.pane.row_left_out.connect(self.leave_out)
        self.pane.words_asked.connect(self.show_words)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.import_button = QPushButton("Import")
        self.import_button.setDefault(True)
        buttons.addButton(self.import_button, QDialogButtonBox.ButtonRole.AcceptRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)

        left_side = QWidget()
        left = QVBoxLayout(left_side)
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(columns)
        left.addWidget(self.constants_box)
        left.addWidget(self.words_box)
        left.addStretch(1)
        self.left_scroll = scroll = QScrollArea()
        scroll.setWidget(left_side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(left_side.sizeHint().width() + 24)
        middle = QHBoxLayout()
        middle.addWidget(scroll)
        middle.addWidget(self.pane, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(middle, 1)
        layout.addWidget(buttons)
        self._fit_screen(1180, 820)
        self._show_table_facts()
        self._fill_combos(guess_columns(table))

    def _constant_input(self, name: str) -> QComboBox | QLineEdit:
        if name in ("delivery_method", "field_of_study"):
            combo = QComboBox()
            combo.addItem(NOT_STATED, NOT_STATED)
            names = DELIVERY_METHODS if name == "delivery_method" else FIELDS_OF_STUDY
            for value in names:
                combo.addItem(value, value)
            combo.currentIndexChanged.connect(lambda _index: self.refresh())
            return combo
        line = QLineEdit()
        line.setPlaceholderText("(none)")
        line.editingFinished.connect(self.refresh)
        return line

    # --- state ------------------------------------------------------------------------------------

    def mapping(self) -> ColumnMapping:
        chosen = {name: combo.currentData() for name, combo in self.combos.items()}
        return {name: index for name, index in chosen.items() if index != NOT_IN_FILE}

    def hours(self, mapping: ColumnMapping) -> dict[int, str]:
        """Hours per field of study read from one column each (none when a column or a value
        gives the field of study), their headings read with the person's answers."""
        in_force = words_in_force(self.ctx, self.user.user_id, self.words_box.given())
        with vocabulary.use_words(in_force):
            return hour_columns(self.table, mapping)

    def constants(self) -> dict[str, str]:
        """The values given for every row, for fields without a column. "Not stated" for the
        delivery method or the field of study is left to the import's own default (which also
        says so)."""
        mapping = self.mapping()
        hours = self.hours(mapping)
        given: dict[str, str] = {}
        for name, widget in self.constant_inputs.items():
            if name in mapping or (hours and name == "field_of_study"):
                continue
            if isinstance(widget, QComboBox):
                value = widget.currentData() or ""
            else:
                value = widget.text().strip()
            if value and value != NOT_STATED:
                given[name] = value
        return given

    @property
    def user(self) -> users_service.User:
        return users_service.get_user(self.ctx, self.person_combo.currentData())

    @property
    def on_duplicate(self) -> str:
        return self.pane.on_duplicate

    @property
    def skip_bad_rows(self) -> bool:
        return self.pane.skip_bad_rows

    def choice(self) -> ImportChoice:
        skip = self.skip_bad_rows
        return ImportChoice(
            self.table,
            self.mapping(),
            self.user,
            self.on_duplicate,
            self.constants(),
            skip,
            self.not_imported_path if skip else None,
            dict(self.edits),
            frozenset(self.excluded),
            self.words_box.given(),
            self.words_box.remember,
        )

    def accept(self) -> None:
        """With the good records chosen alone, ask where the report of the others goes first."""
        if self.skip_bad_rows:
            suggested = self.path.with_name(f"{self.path.stem} - not imported.csv")
            name, _ = QFileDialog.getSaveFileName(
                self, "Save the rows not imported", str(suggested), "CSV report (*.csv)"
            )
            if not name:
                return  # stay in the dialog: nothing chosen, nothing imported
            target = Path(name)
            self.not_imported_path = target if target.suffix else target.with_suffix(".csv")
        super().accept()

    # --- updating ---------------------------------------------------------------------------------

    def _show_table_facts(self) -> None:
        table = self.table
        self.header_spin.blockSignals(True)
        self.header_spin.setValue(table.header_row)
        self.header_spin.blockSignals(False)
        depth = table.header_depth
        joined = (
            f"rows {table.header_row}–{table.header_row + depth - 1}, headings joined"
            if depth > 1
            else ""
        )
        found = (
            "found from its headings"
            if table.header_row == self.found_header
            else f"the headings found were on {table.unit} {self.found_header}"
        )
        self.header_note.setText(f"({'; '.join(part for part in (joined, found) if part)})")
        self.looks_like_label.setText(f"Looks like {table.looks_like}." if table.looks_like else "")
        self.looks_like_label.setVisible(bool(table.looks_like))

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
            table = read_table(self.path, sheet)
        except ServiceError as exc:
            crash.show_error(self, exc, "reading the sheet")
            self.sheet_combo.blockSignals(True)
            self.sheet_combo.setCurrentText(self.table.sheet or "")
            self.sheet_combo.blockSignals(False)
            return
        self.found_header = table.header_row
        self._use(table)

    def _header_changed(self, number: int) -> None:
        """Read the sheet again with its header on row ``number`` (a blank row is refused)."""
        try:
            table = read_table(self.path, self.table.sheet, number)
        except ServiceError as exc:
            self.table_problem = str(exc)
            self.header_note.setText(f"({self.table.unit} {number} is blank or not in the file)")
            self.refresh()
            return
        self._use(table)

    def edit_cell(self, number: int, index: int, value: Any) -> None:
        """Read ``value`` instead of the file's cell (row ``number``, column ``index``)."""
        self.edits[(number, index)] = value
        self.refresh()

    def reset_cell(self, number: int, index: int) -> None:
        """Read the file's own value of the cell again."""
        self.edits.pop((number, index), None)
        self.refresh()

    def leave_out(self, number: int, leave: bool = True) -> None:
        """Leave row ``number`` out of the import (or, ``leave=False``, put it back)."""
        if leave:
            self.excluded.add(number)
        else:
            self.excluded.discard(number)
        self.refresh()

    def _use(self, table: Table) -> None:
        self.table = table
        self.table_problem = None
        self.edits = {}  # row numbers of another sheet or header row mean other rows
        self.excluded = set()
        self._show_table_facts()
        self._fill_combos(guess_columns(table))

    def refresh(self) -> None:
        """Judge the whole file through the current choices and show the result."""
        mapping = self.mapping()
        hours = self.hours(mapping)
        self._show_constant_inputs(mapping, hours)
        result = None
        if self.table_problem is not None:
            self.pane.show_problem(self.table_problem)
        else:
            try:
                words, in_force = self._show_words(mapping)
                result = preview(
                    self.ctx,
                    self.table,
                    mapping,
                    self.user,
                    constants=self.constants(),
                    edits=self.edits,
                    excluded=self.excluded,
                    words=words,
                )
            except ServiceError as exc:  # e.g. the person is no longer visible
                self.pane.show_problem(str(exc))
            else:
                # The cells shown read the file's words as the import will (answers included).
                with vocabulary.use_words(in_force):
                    self.pane.show_preview(
                        self.table, mapping, hours, result, self.edits, self.excluded
                    )
        self.result_preview = result
        self._update_button()

    def _show_words(
        self, mapping: ColumnMapping
    ) -> tuple[dict[str, dict[str, str]], dict[str, dict[str, str]]]:
        """List the file's own words with what they will be read as; the answers given here,
        and those with the person's remembered ones (what the import reads)."""
        given = self.words_box.given()
        in_force = words_in_force(self.ctx, self.user.user_id, given)
        self.words_box.show_words(file_words(self.table, mapping, in_force), self.user.user_id)
        return given, in_force

    def show_words(self) -> None:
        """Bring the word step into view (a problem naming it was opened in the list)."""
        self.left_scroll.ensureWidgetVisible(self.words_box)
        combos = [c for c in self.words_box.combos.values() if not c.currentData()]
        if combos:
            combos[0].setFocus()

    def _fit_screen(self, width: int, height: int) -> None:
        """Open at ``width`` × ``height``, or smaller on a smaller screen (a laptop's 768 lines)."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            room = screen.availableGeometry()
            width, height = min(width, room.width()), min(height, room.height() - 40)
        self.resize(width, height)

    def _show_constant_inputs(self, mapping: ColumnMapping, hours: dict[int, str]) -> None:
        shown = 0
        for name, widget in self.constant_inputs.items():
            visible = name not in mapping and not (hours and name == "field_of_study")
            self.constants_form.setRowVisible(widget, visible)
            shown += visible
        self.constants_box.setVisible(bool(shown))
        if hours:
            listed = ", ".join(
                f"{self.table.label(index)!r} → {name}" for index, name in hours.items()
            )
            self.hours_label.setText(
                f"Field of study and credits come from {len(hours)} hours columns: {listed}."
            )
        self.hours_label.setVisible(bool(hours))

    def _update_button(self) -> None:
        ready = self.table_problem is None and self.pane.ready()
        self.import_button.setEnabled(ready)
        preview = self.result_preview
        good = self.pane.skip_bad_rows and preview is not None
        count = len(preview.importable) if good and preview is not None else 0
        self.import_button.setText(
            f"Import {count} record{'' if count == 1 else 's'}…" if good else "Import"
        )


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


__all__ = ["PREVIEW_ROWS", "ImportChoice", "ImportWizard", "ask_import_choice"]
