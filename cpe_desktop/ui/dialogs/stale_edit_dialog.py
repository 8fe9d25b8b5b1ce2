"""Someone saved the item after this form opened it: both versions side by side, and a choice.

Shown when ``editing.save_entity`` refuses a save with :class:`StaleEdit` (another desk, or
another window, saved first). Nothing has been written. Each field either of the two changed is
listed with what the form opened, the person's version and the stored one; the person keeps
theirs, takes the stored one, or merges field by field (by default: the other's change where
only they changed a field, theirs where only this form did, and this form's where both did).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from PySide6.QtCore import QDate, QDateTime, QLocale, Qt, QTime, QTimeZone
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.errors import StaleEdit
from cpe_desktop.ui.dates import date_format

MINE, THEIRS, MERGE = "mine", "theirs", "merge"
# What a form says once "Take theirs" has put the stored version in it.
THEIRS_IN_FORM = "The version saved meanwhile is now in the form; nothing of yours was saved."
EMPTY = "(empty)"


def _plain(value: Any) -> Any:
    """A value in a form comparable with the same value loaded from the database."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, float):
        return _plain(Decimal(repr(value)))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, str):
        text = value.strip()
        if text:
            try:
                return format(Decimal(text).normalize(), "f")
            except ArithmeticError:
                return text
        return None
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items() if _plain(v) is not None}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value] or None
    return value


def same(a: Any, b: Any) -> bool:
    return json.dumps(_plain(a), sort_keys=True, default=str) == json.dumps(
        _plain(b), sort_keys=True, default=str
    )


def words(value: Any, locale: QLocale | None = None) -> str:
    """A value as the table shows it: dates in the locale, credit lines as "Taxes 4"."""
    locale = locale or QLocale()
    if value is None or value == "" or value == []:
        return EMPTY
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.datetime):
        return locale.toString(
            QDateTime(QDate(value.year, value.month, value.day), QTime(value.hour, value.minute)),
            date_format(True, locale),
        )
    if isinstance(value, dt.date):
        return locale.toString(
            QDate(value.year, value.month, value.day), date_format(False, locale)
        )
    if isinstance(value, (list, tuple)):
        if all(isinstance(v, Mapping) and "field" in v for v in value):
            return ", ".join(
                f"{v['field']} {_plain(v.get('credits')) or ''}".strip() for v in value
            )
        return ", ".join(str(v) for v in value)
    if isinstance(value, Decimal):
        return str(_plain(value))
    return str(value)


@dataclass(frozen=True)
class Difference:
    """One field the two versions do not agree on."""

    key: str
    label: str
    opened: Any
    mine: Any
    theirs: Any

    @property
    def mine_changed(self) -> bool:
        return not same(self.mine, self.opened)

    @property
    def theirs_changed(self) -> bool:
        return not same(self.theirs, self.opened)

    @property
    def default(self) -> str:
        """Whose value a merge takes unless told otherwise."""
        return MINE if self.mine_changed else THEIRS


def differences(
    labels: Mapping[str, str],
    opened: Mapping[str, Any],
    mine: Mapping[str, Any],
    theirs: Mapping[str, Any],
) -> list[Difference]:
    """The fields (of ``labels``, in order) where this form's values and the stored ones
    differ."""
    out = []
    for key, label in labels.items():
        if key not in mine:
            continue
        if not same(mine[key], theirs.get(key)):
            out.append(Difference(key, label, opened.get(key), mine[key], theirs.get(key)))
    return out


class StaleEditDialog(QDialog):
    """The two versions; ``choice`` is MINE, THEIRS or MERGE once accepted, ``merged()`` the
    values a merge keeps."""

    def __init__(
        self,
        parent: QWidget | None,
        error: StaleEdit,
        rows: list[Difference],
        what: str,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle(f"This {what} was changed meanwhile")
        self.rows = rows
        self.choice: str | None = None
        who = error.who or "Someone else"
        when = ""
        if isinstance(error.when, dt.datetime):
            utc = QDateTime(
                QDate(error.when.year, error.when.month, error.when.day),
                QTime(error.when.hour, error.when.minute, error.when.second),
                QTimeZone.utc(),
            )
            when = " at " + QLocale().toString(utc.toLocalTime(), date_format(True))
        self.message = QLabel(
            f"{who} saved this {what}{when}, after you opened it. Nothing of yours has been "
            "saved yet. Choose what to keep:"
        )
        self.message.setWordWrap(True)
        self.table = QTableWidget(len(rows), 4)
        self.table.setHorizontalHeaderLabels(["Field", "Yours", "Saved meanwhile", "Keep"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.pickers: dict[str, QComboBox] = {}
        for row, diff in enumerate(rows):
            label = QTableWidgetItem(
                diff.label + (" (both changed)" * (diff.mine_changed and diff.theirs_changed))
            )
            self.table.setItem(row, 0, label)
            for column, value in ((1, diff.mine), (2, diff.theirs)):
                item = QTableWidgetItem(words(value))
                item.setToolTip(words(value))
                self.table.setItem(row, column, item)
            picker = QComboBox()
            picker.addItem("Yours", MINE)
            picker.addItem("Saved meanwhile", THEIRS)
            picker.setCurrentIndex(picker.findData(diff.default))
            picker.setAccessibleName(f"Keep for {diff.label}")
            self.table.setCellWidget(row, 3, picker)
            self.pickers[diff.key] = picker
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Fixed)
        widest = max((p.sizeHint().width() for p in self.pickers.values()), default=120)
        self.table.setColumnWidth(3, widest + 12)  # a cell's combo box is not measured by Qt
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the pickers take the focus
        self.buttons = QDialogButtonBox()
        self.keep_button = self._button("&Keep mine", MINE, "Save your version over the other")
        self.take_button = self._button(
            "&Take theirs", THEIRS, "Put the saved version in the form; yours is dropped"
        )
        self.merge_button = self._button(
            "&Merge", MERGE, "Save each field as chosen under Keep", default=True
        )
        cancel = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText("Back to the form")
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.buttons)
        self.resize(760, min(480, 160 + 34 * max(len(rows), 2)))
        for button in (self.keep_button, self.take_button):
            button.setAutoDefault(False)
        self.merge_button.setFocus()

    def _button(self, text: str, choice: str, tip: str, default: bool = False) -> QPushButton:
        button = self.buttons.addButton(text, QDialogButtonBox.ButtonRole.AcceptRole)
        button.setToolTip(tip)
        button.setDefault(default)
        button.clicked.connect(lambda: self._choose(choice))
        return button

    def _choose(self, choice: str) -> None:
        self.choice = choice
        self.accept()

    def merged(self) -> dict[str, Any]:
        """Each listed field's value as chosen under Keep."""
        return {
            diff.key: diff.mine if self.pickers[diff.key].currentData() == MINE else diff.theirs
            for diff in self.rows
        }


def resolve(
    parent: QWidget,
    error: StaleEdit,
    labels: Mapping[str, str],
    opened: Mapping[str, Any],
    mine: Mapping[str, Any],
    what: str,
) -> tuple[str | None, dict[str, Any]]:
    """Ask; returns (choice, values to put in the form): MINE with this form's values, THEIRS
    with the stored ones, MERGE with the chosen mix, or (None, {}) for back to the form."""
    rows = differences(labels, opened, mine, error.theirs)
    dialog = StaleEditDialog(parent, error, rows, what)
    if dialog.exec() != QDialog.DialogCode.Accepted or dialog.choice is None:
        return None, {}
    if dialog.choice == MINE:
        return MINE, {d.key: d.mine for d in rows}
    if dialog.choice == THEIRS:
        return THEIRS, {k: error.theirs.get(k) for k in labels if k in error.theirs}
    return MERGE, dialog.merged()


__all__ = ["MERGE", "MINE", "THEIRS", "Difference", "StaleEditDialog", "differences", "resolve"]
