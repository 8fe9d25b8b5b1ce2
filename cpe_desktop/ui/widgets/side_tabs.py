"""Pages chosen from a list at the side: the Administration area has too many tables for a row
of tabs to show at once. Offers the part of QTabWidget's interface the main window uses."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QListWidget, QStackedWidget, QWidget


class SideTabs(QWidget):
    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.list = QListWidget()
        self.list.setAccessibleName("Administration pages")
        self.list.setProperty("role", "side-tabs")
        self.stack = QStackedWidget()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self._show_row)

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)

    def addTab(self, page: QWidget, title: str) -> int:
        self.list.addItem(title)
        index = self.stack.addWidget(page)
        # The item padding comes from the style sheet (24 px across), which the hint leaves out.
        width = self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth() + 40
        self.list.setFixedWidth(max(width, 160))
        if self.list.currentRow() < 0:
            self.list.setCurrentRow(0)
        return index

    def count(self) -> int:
        return self.stack.count()

    def tabText(self, index: int) -> str:
        item = self.list.item(index)
        return item.text() if item is not None else ""

    def indexOf(self, page: QWidget) -> int:
        return self.stack.indexOf(page)

    def currentIndex(self) -> int:
        return self.stack.currentIndex()

    def setCurrentIndex(self, index: int) -> None:
        self.list.setCurrentRow(index)

    def currentWidget(self) -> QWidget | None:
        return self.stack.currentWidget()

    def setCurrentWidget(self, page: QWidget) -> None:
        index = self.stack.indexOf(page)
        if index >= 0:
            self.setCurrentIndex(index)
