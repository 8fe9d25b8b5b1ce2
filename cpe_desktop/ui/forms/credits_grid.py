"""The credits grid of the record form: one line per field of study with its credits.

A certificate may split its credits across fields of study; this small grid lets the user enter
them line by line from the keyboard (Tab through the cells, shortcuts to add or remove a line),
shows the total, and has room under it for the live NASBA warnings and the lines' errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import cast

from PySide6.QtCore import QRegularExpression, Qt
from PySide6.QtGui import QKeySequence, QRegularExpressionValidator, QShortcut
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.rules.fields import FIELDS_OF_STUDY
from cpe_desktop.ui import theme
from cpe_desktop.ui.forms.inputs import error_label

ADD_LINE_KEYS = "Ctrl+Shift+A"
REMOVE_LINE_KEYS = "Ctrl+Shift+R"


class CreditsGrid(QWidget):
    """Lines of (field of study, credits) with Add/Remove, a total, warnings and line errors."""

    def __init__(self, on_change: Callable[[], None]) -> None:
        super().__init__()
        self._on_change = on_change
        self.table = QTableWidget(0, 2)
        self.table.setHorizontalHeaderLabels(["Field of study", "Credits"])
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Fixed)
        self.table.setColumnWidth(1, 96)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setTabKeyNavigation(False)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.add_button = QPushButton("Add line")
        self.add_button.setToolTip(f"Add a field of study ({ADD_LINE_KEYS})")
        self.add_button.clicked.connect(lambda: self.add_line(focus=True))
        self.remove_button = QPushButton("Remove line")
        self.remove_button.setToolTip(f"Remove the current line ({REMOVE_LINE_KEYS})")
        self.remove_button.clicked.connect(lambda: self.remove_line())
        for button in (self.add_button, self.remove_button):
            button.setAutoDefault(False)  # Enter in the form saves; it never adds a line
        # Window-wide shortcuts, acting at once (a button's own shortcut animates a click).
        for keys, slot in (
            (ADD_LINE_KEYS, lambda: self.add_line(focus=True)),
            (REMOVE_LINE_KEYS, lambda: self.remove_line() if self.count() > 1 else None),
        ):
            QShortcut(
                QKeySequence(keys), self, context=Qt.ShortcutContext.WindowShortcut
            ).activated.connect(slot)
        self.total_label = QLabel()
        self.total_label.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.warning_label = error_label("banner")
        self.warning_label.setProperty("level", "warning")
        self.error_label = error_label()
        buttons = QHBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        buttons.addWidget(self.total_label)
        column = QVBoxLayout(self)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.table)
        column.addLayout(buttons)
        column.addWidget(self.warning_label)
        column.addWidget(self.error_label)

    def field_combo(self, row: int) -> QComboBox:
        return cast(QComboBox, self.table.cellWidget(row, 0))

    def credits_edit(self, row: int) -> QLineEdit:
        return cast(QLineEdit, self.table.cellWidget(row, 1))

    def count(self) -> int:
        return self.table.rowCount()

    def add_line(self, field: str | None = None, credits: str = "", *, focus: bool = False) -> int:
        row = self.table.rowCount()
        self.table.insertRow(row)
        combo = QComboBox()
        combo.addItem("Choose a field...", None)
        for name in FIELDS_OF_STUDY:
            combo.addItem(name, name)
        combo.setCurrentIndex(max(combo.findData(field), 0) if field else 0)
        combo.setAccessibleName(f"Line {row + 1} field of study")
        edit = QLineEdit(credits)
        edit.setValidator(QRegularExpressionValidator(QRegularExpression(r"\d{0,3}(\.\d{0,2})?")))
        edit.setAlignment(Qt.AlignmentFlag.AlignRight)
        edit.setPlaceholderText("0.0")
        edit.setAccessibleName(f"Line {row + 1} credits")
        combo.currentIndexChanged.connect(lambda *_: self._edited(combo))
        edit.textChanged.connect(lambda *_: self._edited(edit))
        self.table.setCellWidget(row, 0, combo)
        self.table.setCellWidget(row, 1, edit)
        self._fit()
        if focus:
            combo.setFocus()
        self._on_change()
        return row

    def remove_line(self, row: int | None = None) -> None:
        if row is None:
            row = self.current_row()
        if 0 <= row < self.table.rowCount():
            self.table.removeRow(row)
            self._fit()
            if self.table.rowCount():
                self.field_combo(min(row, self.table.rowCount() - 1)).setFocus()
            self._on_change()

    def current_row(self) -> int:
        """The line holding the keyboard focus, else the last line."""
        for row in range(self.table.rowCount()):
            if any(self.table.cellWidget(row, c).hasFocus() for c in (0, 1)):
                return row
        return self.table.rowCount() - 1

    def lines(self) -> list[tuple[str | None, str]]:
        return [
            (self.field_combo(r).currentData(), self.credits_edit(r).text().strip())
            for r in range(self.table.rowCount())
        ]

    def focus_chain(self) -> list[QWidget]:
        cells = [self.table.cellWidget(r, c) for r in range(self.count()) for c in (0, 1)]
        return cells + [self.add_button, self.remove_button]

    def mark(self, row: int, column: int | None, message: str | None) -> None:
        """Colour a line's cell (both cells when ``column`` is None) as wrong, or clear it."""
        for col in (0, 1) if column is None else (column,):
            widget = self.table.cellWidget(row, col)
            widget.setProperty("invalid", "true" if message else "false")
            # The theme's problem colours (text and fill together), readable in either scheme.
            widget.setStyleSheet(theme.state_style("problem") if message else "")
            widget.setAccessibleDescription(message or "")

    def _edited(self, widget: QWidget) -> None:
        if widget.property("invalid") == "true":
            for row in range(self.count()):
                if widget in (self.field_combo(row), self.credits_edit(row)):
                    self.mark(row, None, None)
        self._on_change()

    def _fit(self) -> None:
        """Show up to six lines without scrolling and no empty space under the last one."""
        table = self.table
        table.resizeRowsToContents()
        heights = [table.rowHeight(r) for r in range(table.rowCount())][:6]
        if not heights:
            heights = [table.verticalHeader().defaultSectionSize()]
        header = table.horizontalHeader().sizeHint().height()
        table.setFixedHeight(header + sum(heights) + 2 * table.frameWidth())
        for row in range(self.table.rowCount()):
            self.table.cellWidget(row, 0).setAccessibleName(f"Line {row + 1} field of study")
            self.table.cellWidget(row, 1).setAccessibleName(f"Line {row + 1} credits")
