"""The right half of the spreadsheet import wizard: the rows as they will be imported, and why not.

It shows one ``services.interchange.mapped_import.Preview``: the first rows through the chosen
columns (hours columns and values given for every row included), every problem row with its
reasons, the rows set aside as not records (muted: they are not problems), and the two choices an
import needs: what to do with records already stored, and, when some rows have problems, whether
to import nothing (the default) or the good records with the rest kept in a "not imported" report.

A problem row can be put right here: double-click (or F2) one of its cells and type the value
(``cell_edited``; the dialog judges the file again with the fix, the file itself is never
changed); a cell changed so is shown in bold, its tooltip saying what the file has, and its menu
can give the file's value back (``cell_reset``). Any row's menu can leave it out of the import
(``row_left_out``): it stays in the table, muted, and is listed as "left out by you", not as a
problem. Besides the first rows, every problem row and every row left out is shown.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from typing import Any

from PySide6.QtCore import QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QGroupBox,
    QLabel,
    QListView,
    QListWidget,
    QListWidgetItem,
    QMenu,
    QRadioButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.interchange.cells import field_cell
from cpe_desktop.services.interchange.mapped_import import Preview, PreviewRecord, edited_table
from cpe_desktop.services.interchange.mapping import FIELDS, LABELS, ColumnMapping
from cpe_desktop.services.interchange.tabular import Table
from cpe_desktop.ui import theme

PREVIEW_ROWS = 20
SHOWN_ERRORS = 200
_ANY = 16_777_215  # QWIDGETSIZE_MAX: no limit
_FIX_FIRST = "Problems to fix in the file (or in the choices) first:"
_FIX_OR_LEAVE = "Rows with problems (fix them in the file, or import the others without them):"
_HOW_TO_FIX = (
    "Double-click a cell of a problem row to correct it; right-click a row to leave it out."
)
LEAVE_OUT = "Leave out this row"
PUT_BACK = "Put this row back"
USE_FILE_VALUE = "Use the file's value again"
_CELL = Qt.ItemDataRole.UserRole  # (row number, column index) of an editable cell
# How a cell or list line is coloured: "problem" (text and fill from the theme) or "muted" (the
# palette's placeholder text). Kept on the item, so a change of scheme repaints it.
_STATE = Qt.ItemDataRole.UserRole + 1


def _plural(number: int, word: str) -> str:
    return f"{number} {word}{'' if number == 1 else 's'}"


class PreviewPane(QWidget):
    """The preview table, the counts, the problems, the rows set aside and the import choices."""

    cell_edited = Signal(int, int, str)  # row number, column index, the value typed
    words_asked = Signal()  # a problem answered in the word step was opened
    cell_reset = Signal(int, int)  # row number, column index: the file's value again
    row_left_out = Signal(int, bool)  # row number, whether it is left out (False: put back)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.result: Preview | None = None
        self.edits: Mapping[tuple[int, int], Any] = {}
        self.left_out: frozenset[int] = frozenset()
        self._filling = False
        self.table = QTableWidget()
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked
            | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectItems)
        self.table.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.table.customContextMenuRequested.connect(self._show_menu)
        self.table.itemChanged.connect(self._item_changed)
        theme.theme_signals().schemeChanged.connect(self._recolour)
        self.how_to_fix_label = QLabel(_HOW_TO_FIX)
        self.how_to_fix_label.setWordWrap(True)
        self.rows_label = QLabel(f"The first {PREVIEW_ROWS} rows as they will be imported:")
        self.counts_label = QLabel()
        self.counts_label.setWordWrap(True)
        self.problems_label = QLabel(_FIX_FIRST)
        self.error_list = QListWidget()
        self.error_list.setAccessibleName("Problems")
        self.error_list.itemActivated.connect(self._problem_opened)
        self.set_aside_label = QLabel()
        self.set_aside_list = QListWidget()
        self.set_aside_list.setAccessibleName("Rows set aside")
        self.left_out_label = QLabel()
        self.left_out_list = QListWidget()
        self.left_out_list.setAccessibleName("Rows left out by you")
        for listed in (self.error_list, self.set_aside_list, self.left_out_list):
            # A long reason wraps instead of hiding its end behind a sideways scroll bar.
            listed.setWordWrap(True)
            listed.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            listed.setResizeMode(QListView.ResizeMode.Adjust)
        self.warning_label = QLabel()
        self.warning_label.setWordWrap(True)

        self.bad_rows_box = QGroupBox("Rows with problems:")
        self.all_or_nothing_button = QRadioButton("Import nothing until every row is right")
        self.skip_bad_button = QRadioButton()
        self.all_or_nothing_button.setChecked(True)
        self._radio_group(self.bad_rows_box, self.all_or_nothing_button, self.skip_bad_button)

        self.duplicates_box = QGroupBox()
        self.skip_button = QRadioButton("Skip them (keep what is stored)")
        self.merge_button = QRadioButton(
            "Merge: update them from the file (credits replaced; empty cells change nothing)"
        )
        self.skip_button.setChecked(True)
        self._radio_group(self.duplicates_box, self.skip_button, self.merge_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.rows_label)
        layout.addWidget(self.table, 3)
        layout.addWidget(self.how_to_fix_label)
        layout.addWidget(self.counts_label)
        layout.addWidget(self.problems_label)
        layout.addWidget(self.error_list, 2)
        layout.addWidget(self.set_aside_label)
        layout.addWidget(self.set_aside_list, 1)
        layout.addWidget(self.left_out_label)
        layout.addWidget(self.left_out_list, 1)
        layout.addWidget(self.warning_label)
        layout.addWidget(self.bad_rows_box)
        layout.addWidget(self.duplicates_box)

    def _problem_opened(self, item: QListWidgetItem) -> None:
        if item.text().endswith(_WORDS_HINT):
            self.words_asked.emit()

    def _radio_group(self, box: QGroupBox, *buttons: QRadioButton) -> None:
        group = QButtonGroup(box)
        column = QVBoxLayout(box)
        for button in buttons:
            group.addButton(button)
            column.addWidget(button)

    # --- what the person chose -------------------------------------------------------------------

    @property
    def skip_bad_rows(self) -> bool:
        return self.bad_rows_box.isVisibleTo(self) and self.skip_bad_button.isChecked()

    @property
    def on_duplicate(self) -> str:
        return "merge" if self.merge_button.isChecked() else "skip"

    def ready(self) -> bool:
        """Whether Import can run: every row right, or the good records chosen alone."""
        result = self.result
        if result is None:
            return False
        if result.ok:
            return bool(result.records)
        return self.skip_bad_rows

    # --- showing ----------------------------------------------------------------------------------

    def show_problem(self, message: str) -> None:
        """Nothing can be judged (an unreadable sheet or header row, a person not visible)."""
        self.result = None
        self.table.clear()
        self.table.setRowCount(0)
        self.table.setColumnCount(0)
        self.error_list.clear()
        self.error_list.addItem(message)
        self.error_list.setMaximumHeight(_ANY)
        self.problems_label.setText(_FIX_FIRST)
        self.counts_label.setText("1 problem: nothing can be imported yet.")
        for widget in (
            self.set_aside_label,
            self.set_aside_list,
            self.left_out_label,
            self.left_out_list,
            self.warning_label,
            self.how_to_fix_label,
        ):
            widget.setVisible(False)
        self.bad_rows_box.setVisible(False)
        self.duplicates_box.setVisible(False)

    def show_preview(
        self,
        table: Table,
        mapping: ColumnMapping,
        hours: Mapping[int, str],
        result: Preview,
        edits: Mapping[tuple[int, int], Any] | None = None,
        left_out: Collection[int] = (),
    ) -> None:
        """Show ``result``, the preview of ``table`` (as read from the file) with the person's
        ``edits`` ({(row number, column index): value}) and the rows they ``left_out``."""
        self.result = result
        self.edits = dict(edits or {})
        self.left_out = frozenset(left_out)
        self._show_rows(table, mapping, hours, result)
        self._show_problems(table, result)
        self._show_set_aside(table, result)
        self._show_left_out(table, result)
        self.warning_label.setText("\n".join(result.warnings[:10]))
        self.warning_label.setVisible(bool(result.warnings))
        self._show_choices(table, result)

    def _show_problems(self, table: Table, result: Preview) -> None:
        entries = [
            (error.row, f"{error.where}: {_in_window(error.message)}") for error in result.errors
        ]
        with_errors = {error.row for error in result.errors}
        entries += [
            (row.number, row.describe(table.unit))
            for row in result.bad_rows
            if row.number not in with_errors
        ]
        entries.sort(key=lambda entry: entry[0])
        self.error_list.clear()
        for _row, text in entries[:SHOWN_ERRORS]:
            self.error_list.addItem(text)
        if len(entries) > SHOWN_ERRORS:
            self.error_list.addItem(f"… and {len(entries) - SHOWN_ERRORS} more problems")
        if not entries:
            self.error_list.addItem("None.")
        # Room for the problems listed (up to 8 lines, then a scroll bar); the rows get the rest,
        # but never so much that fewer than three problems (or all of them) show.
        shown = max(1, len(entries))
        self.error_list.setMaximumHeight(_list_height(self.error_list, shown, 8))
        self.error_list.setMinimumHeight(_list_height(self.error_list, min(shown, 3), 3))

    def _show_set_aside(self, table: Table, result: Preview) -> None:
        rows = result.set_aside
        self.set_aside_list.clear()
        for row in rows:
            item = QListWidgetItem(f"{table.unit} {row.number}: {row.reason}")
            self._colour(item, "muted")
            self.set_aside_list.addItem(item)
        self.set_aside_label.setText(
            f"Set aside as not records ({_plural(len(rows), table.unit)}; not problems):"
        )
        self.set_aside_label.setVisible(bool(rows))
        self.set_aside_list.setVisible(bool(rows))
        if rows:  # a short list takes only the room it needs
            self.set_aside_list.setMaximumHeight(_list_height(self.set_aside_list, len(rows)))

    def _show_left_out(self, table: Table, result: Preview) -> None:
        rows = result.left_out
        self.left_out_list.clear()
        for number in rows:
            self.left_out_list.addItem(f"{table.unit} {number}: left out by you")
        self.left_out_label.setText(
            f"Left out by you ({_plural(len(rows), table.unit)}; a row's menu puts it back):"
        )
        self.left_out_label.setVisible(bool(rows))
        self.left_out_list.setVisible(bool(rows))
        if rows:
            self.left_out_list.setMaximumHeight(_list_height(self.left_out_list, len(rows)))

    def _show_choices(self, table: Table, result: Preview) -> None:
        good: list[PreviewRecord] = result.records if result.ok else result.importable
        partial = result.columns_ok and not result.ok and bool(result.importable)
        self.skip_bad_button.setText(
            f"Import the {_plural(len(good), 'good record')} and keep the rest in a report"
        )
        self.bad_rows_box.setTitle(
            f"{_plural(len(result.bad_rows), table.unit)} with problems, "
            f"{_plural(len(good), 'record')} without:"
        )
        self.bad_rows_box.setVisible(partial)
        self.problems_label.setText(_FIX_OR_LEAVE if partial else _FIX_FIRST)
        rows = len({number for record in good for number in record.rows})
        duplicates = sum(record.duplicate for record in good)
        aside = f"; {_plural(len(result.set_aside), table.unit)} set aside" * bool(result.set_aside)
        aside += f"; {_plural(len(result.left_out), table.unit)} left out by you" * bool(
            result.left_out
        )
        if result.ok and good:
            self.counts_label.setText(
                f"{_plural(len(good), 'record')} from {_plural(rows, table.unit)}; "
                f"{len(good) - duplicates} new, {duplicates} already stored{aside}."
            )
        elif partial:
            self.counts_label.setText(
                f"{_plural(len(good), 'record')} from {_plural(rows, table.unit)} can be imported "
                f"({len(good) - duplicates} new, {duplicates} already stored); "
                f"{_plural(len(result.bad_rows), table.unit)} cannot{aside}."
            )
        elif result.ok:
            self.counts_label.setText(f"No records to import{aside}.")
        else:
            count = len(result.errors)
            self.counts_label.setText(f"{_plural(count, 'problem')}: nothing can be imported yet.")
        self.duplicates_box.setTitle(
            f"{_plural(duplicates, 'record')} already stored (same title, date and sponsor):"
        )
        self.duplicates_box.setVisible(duplicates > 0 and (result.ok or partial))

    def _show_rows(
        self,
        table: Table,
        mapping: ColumnMapping,
        hours: Mapping[int, str],
        result: Preview,
    ) -> None:
        """The first rows, one column per chosen field, hours column and value for every row, then
        every later row with a problem or left out (those the person may want to act on)."""
        fixed = edited_table(table, self.edits)
        # (heading, how to read a row's value, the file's column or None)
        columns: list[tuple[str, Any, int | None]] = []
        for name in FIELDS:
            if name in mapping:
                index = mapping[name]
                columns.append(
                    (f"{LABELS[name]}\n({table.label(index)})", _reader(fixed, name, index), index)
                )
        for index, field_name in hours.items():
            columns.append(
                (
                    f"Credits: {field_name}\n({table.label(index)})",
                    _reader(fixed, "credits", index),
                    index,
                )
            )
        for name, value in result.constants.items():
            columns.append(
                (f"{LABELS.get(name, name)}\n(same for every row)", _constant(value), None)
            )
        problems = {row.number: row.reasons for row in result.bad_rows}
        wanted = set(problems) | self.left_out
        shown = [
            row
            for position, row in enumerate(fixed.rows)
            if position < PREVIEW_ROWS or row.number in wanted
        ][: PREVIEW_ROWS + SHOWN_ERRORS]
        originals = {row.number: row for row in table.rows}
        self.rows_label.setText(
            f"The first {PREVIEW_ROWS} rows as they will be imported"
            + (
                ", and every later row with a problem or left out:"
                if len(shown) > PREVIEW_ROWS
                else ":"
            )
        )
        self.how_to_fix_label.setVisible(bool(problems) or bool(self.edits) or bool(self.left_out))
        duplicates = {
            number
            for record in (result.records or result.importable)
            if record.duplicate
            for number in record.rows
        }
        widget = self.table
        self._filling = True
        try:
            widget.clear()
            widget.setColumnCount(len(columns))
            widget.setRowCount(len(shown))
            widget.setHorizontalHeaderLabels([heading for heading, _, _ in columns])
            widget.setVerticalHeaderLabels([str(row.number) for row in shown])
            for r, row in enumerate(shown):
                reasons = problems.get(row.number, ())
                left_out = row.number in self.left_out
                for c, (_heading, read, source_index) in enumerate(columns):
                    item = QTableWidgetItem(read(row))
                    flags = item.flags() & ~Qt.ItemFlag.ItemIsEditable
                    edited = source_index is not None and (row.number, source_index) in self.edits
                    tips = []
                    if left_out:
                        self._colour(item, "muted")
                        tips.append("Left out by you: not imported (its menu puts it back)")
                    elif reasons:
                        self._colour(item, "problem")
                        tips.extend(reasons)
                    elif row.number in duplicates:
                        tips.append("Already stored")
                    if source_index is not None and not left_out and (reasons or edited):
                        flags |= Qt.ItemFlag.ItemIsEditable
                        item.setData(_CELL, (row.number, source_index))
                    if edited and source_index is not None:  # (edited implies an index)
                        font = item.font()
                        font.setBold(True)
                        item.setFont(font)
                        item.setData(_CELL, (row.number, source_index))
                        was = _shown(table.cell(originals[row.number], source_index))
                        tips.append(
                            f"Changed by you; the file has {was!r} (the file is not changed)"
                        )
                    item.setFlags(flags)
                    if tips:
                        item.setToolTip("\n".join(tips))
                    widget.setItem(r, c, item)
            widget.resizeColumnsToContents()
        finally:
            self._filling = False

    def _colour(self, item: QTableWidgetItem | QListWidgetItem, state: str) -> None:
        """Colour ``item`` for ``state`` in the current scheme, and remember the state."""
        item.setData(_STATE, state)
        if state == "problem":
            text, fill = theme.state_colours("problem")
            item.setForeground(QBrush(text))
            item.setBackground(QBrush(fill))
        else:
            item.setForeground(QBrush(self.palette().color(QPalette.ColorRole.PlaceholderText)))

    def _recolour(self, _scheme: str = "") -> None:
        """The scheme changed: every coloured cell and line again, in the new scheme's colours
        (a problem row's fill kept from the old one would sit under the new text colour)."""
        items: list[QTableWidgetItem | QListWidgetItem] = [
            item
            for r in range(self.table.rowCount())
            for c in range(self.table.columnCount())
            if (item := self.table.item(r, c)) is not None
        ]
        items += [self.set_aside_list.item(i) for i in range(self.set_aside_list.count())]
        self._filling = True  # not an edit
        try:
            for entry in items:
                state = entry.data(_STATE)
                if state:
                    self._colour(entry, state)
        finally:
            self._filling = False

    # --- what the person does in the table -------------------------------------------------------

    def _row_number(self, r: int) -> int | None:
        header = self.table.verticalHeaderItem(r)
        return int(header.text()) if header is not None and header.text().isdigit() else None

    def _item_changed(self, item: QTableWidgetItem) -> None:
        cell = item.data(_CELL)
        if self._filling or not cell:
            return
        number, index = cell
        # After the edit is committed: the table is filled again when the dialog judges it.
        text = item.text()
        QTimer.singleShot(0, lambda: self.cell_edited.emit(number, index, text))

    def menu_actions(self, r: int, c: int) -> list[tuple[str, Any]]:
        """What the menu of the cell at (``r``, ``c``) offers: (text, what it does)."""
        number = self._row_number(r)
        if number is None:
            return []
        actions: list[tuple[str, Any]] = []
        if number in self.left_out:
            actions.append((PUT_BACK, lambda: self.row_left_out.emit(number, False)))
        else:
            actions.append((LEAVE_OUT, lambda: self.row_left_out.emit(number, True)))
        item = self.table.item(r, c)
        cell = item.data(_CELL) if item is not None else None
        if cell and tuple(cell) in self.edits:
            row_number, index = cell
            actions.append((USE_FILE_VALUE, lambda: self.cell_reset.emit(row_number, index)))
        return actions

    def _show_menu(self, point: QPoint) -> None:
        index = self.table.indexAt(point)
        if not index.isValid():
            return
        actions = self.menu_actions(index.row(), index.column())
        if not actions:
            return
        menu = QMenu(self)
        for text, run in actions:
            menu.addAction(text).triggered.connect(run)
        menu.exec(self.table.viewport().mapToGlobal(point))
        menu.deleteLater()


_WORDS_HINT = "under “The file's own words”"


def _in_window(message: str) -> str:
    """A vague word's refusal says where in this dialog it is answered."""
    said, choose, _ = message.rpartition("; choose the ")
    if " could mean " in said and choose:
        return f"{said}; choose {_WORDS_HINT}"
    unknown = re.match(r"('[^']*' is not a (?:NASBA field of study|delivery method))", message)
    if unknown is not None:
        return f"{unknown.group(1)}; choose what it means {_WORDS_HINT}"
    return message


def _list_height(widget: QListWidget, rows: int, most: int = 4) -> int:
    """The height that shows ``rows`` items (at most ``most``) of ``widget``, each as tall as it
    is laid out (a wrapped reason takes two lines)."""
    line = widget.fontMetrics().height()
    heights = [max(widget.sizeHintForRow(i), line) for i in range(min(rows, widget.count()))]
    heights += [line] * (min(rows, most) - len(heights))
    return sum(heights[:most]) + 2 * widget.frameWidth() + 6


def _reader(table: Table, name: str, index: int) -> Any:
    def read(row: Any) -> str:
        value, _ = field_cell(name, table.cell(row, index))
        return _shown(value)

    return read


def _constant(value: str) -> Any:
    return lambda _row: value


def _shown(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return "" if value is None else str(value)


__all__ = ["LEAVE_OUT", "PREVIEW_ROWS", "PUT_BACK", "USE_FILE_VALUE", "PreviewPane"]
