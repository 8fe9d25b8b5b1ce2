"""Pages chosen from a list at the side: the Administration area has too many tables for a row
of tabs to show at once. Offers the part of QTabWidget's interface the main window uses.

The list and the page stack are made when first needed (shown, or asked about): the area is
built for every administrator's window but seldom shown at once, and making it took some 4 ms
of the start before the first paint (issue 18; PySide6 makes QListWidget's class, with its and
its bases' enum types, some 2 ms, when the name is first imported, so it is imported then).
Pages added before then are kept in order."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import QHBoxLayout, QWidget

if TYPE_CHECKING:  # (PySide6 makes a class, and its enums, when its name is first imported)
    from PySide6.QtWidgets import QListWidget, QStackedWidget


class SideTabs(QWidget):
    currentChanged = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._pending: list[tuple[QWidget, str]] = []  # (page, title) until the list is made
        self._list: QListWidget | None = None
        self._stack: QStackedWidget | None = None

    @property
    def list(self) -> QListWidget:
        return self._made()[0]

    @property
    def stack(self) -> QStackedWidget:
        return self._made()[1]

    def built(self) -> bool:
        """Whether the list and the pages' stack have been made."""
        return self._list is not None

    def _made(self) -> tuple[QListWidget, QStackedWidget]:
        if self._list is None or self._stack is None:
            from PySide6.QtWidgets import QListWidget, QStackedWidget

            self._list = QListWidget()
            self._list.setAccessibleName("Administration pages")
            self._list.setProperty("role", "side-tabs")
            self._stack = QStackedWidget()
            layout = QHBoxLayout(self)
            layout.setContentsMargins(0, 0, 0, 0)
            layout.addWidget(self._list)
            layout.addWidget(self._stack, 1)
            self._list.currentRowChanged.connect(self._show_row)
            pending, self._pending = self._pending, []
            for page, title in pending:
                self._list.addItem(title)
                self._stack.addWidget(page)
            if pending:
                self._fit_list()
                self._list.setCurrentRow(0)
            if self.isVisible():  # (made while being shown: Qt has shown the children already)
                self._list.show()
                self._stack.show()
        return self._list, self._stack

    def showEvent(self, event: QShowEvent) -> None:
        self._made()
        super().showEvent(event)

    def _show_row(self, row: int) -> None:
        if row >= 0:
            self.stack.setCurrentIndex(row)
            self.currentChanged.emit(row)

    def _fit_list(self) -> None:
        # The item padding comes from the style sheet (24 px across), which the hint leaves out.
        width = self.list.sizeHintForColumn(0) + 2 * self.list.frameWidth() + 40
        self.list.setFixedWidth(max(width, 160))

    def addTab(self, page: QWidget, title: str) -> int:
        if self._list is None:
            self._pending.append((page, title))
            return len(self._pending) - 1
        self.list.addItem(title)
        index = self.stack.addWidget(page)
        self._fit_list()
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
