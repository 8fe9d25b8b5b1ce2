"""The one Qt table model behind every table tab, driven by a ``TableSpec``.

Rows come from ``services.tables.paging`` a page at a time: the first page when the model is built,
the next whenever the view scrolls near the end (``canFetchMore``/``fetchMore``). Sorting and the
filter box re-query the database instead of sorting or filtering rows in Python, so a tab over
100,000 records opens as fast as one over ten. ``data()`` only formats what is already loaded -- it
never touches the database -- and formats for people: dates in the user's locale, credits without
trailing zeros, numbers right-aligned, yes/no for flags.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDate,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTime,
    QTimeZone,
)

from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.tables.paging import (
    PAGE_SIZE,
    Column,
    Row,
    TableSpec,
    columns_for,
    count,
    fetch_page,
    format_credits,
    format_value,
)
from cpe_desktop.ui.dates import date_format

_Index = QModelIndex | QPersistentModelIndex
_DISPLAY_LIMIT = 300  # characters shown in a cell; the tooltip has the rest
_TOOLTIP_FROM = 60
_TOOLTIP_LIMIT = 4000
_RIGHT = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_LEFT = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter
_SHORTEST = QLocale.FloatingPointPrecisionOption.FloatingPointShortest
# Roles as plain ints: Qt asks data() for ~8 roles per painted cell, and enum lookups add up.
_DISPLAY = int(Qt.ItemDataRole.DisplayRole)
_ALIGN = int(Qt.ItemDataRole.TextAlignmentRole)
_TOOLTIP = int(Qt.ItemDataRole.ToolTipRole)
_RAW = int(Qt.ItemDataRole.UserRole)
_SORT = _RAW + 1
_PK = _RAW + 2
_VERTICAL = Qt.Orientation.Vertical
_ANSWERED = frozenset({_DISPLAY, _ALIGN, _TOOLTIP, _RAW, _SORT, _PK})


def locale_text(column: Column, value: Any, locale: QLocale | None = None) -> str:
    """A cell's text for people: like ``format_value``, with dates and numbers in the locale."""
    if value is None:
        return ""
    if column.show is not None:  # the column says the value in words ("1.7 KB", "Yes")
        return column.show(value)
    locale = locale or QLocale()
    if isinstance(value, dt.datetime) and column.kind in ("date", "datetime"):
        # Stored as naive UTC; shown in the computer's time zone.
        utc = QDateTime(
            QDate(value.year, value.month, value.day),
            QTime(value.hour, value.minute, value.second),
            QTimeZone.utc(),
        )
        return locale.toString(utc.toLocalTime(), date_format(True, locale))
    if isinstance(value, dt.date) and column.kind in ("date", "datetime"):
        day = QDate(value.year, value.month, value.day)
        return locale.toString(day, date_format(False, locale))
    if column.kind in ("number", "credits"):
        if isinstance(value, int) and not isinstance(value, bool):
            return locale.toString(value)
        if isinstance(value, Decimal | float):
            if column.kind == "credits":
                value = Decimal(format_credits(value))
            return locale.toString(float(value), "f", _SHORTEST)
    return format_value(column, value)


class PagedTableModel(QAbstractTableModel):
    """A read-only, lazily loaded, database-sorted table over one ``TableSpec``.

    Raises ``PermissionDenied`` when built for a member on an admin-only table. Keys: ``pk_at`` and
    ``row_of_pk`` translate between rows and primary keys (a tuple for composite keys).
    ``pagesFetched`` counts the page queries run, so tests can check nothing more was read.
    """

    RawRole = _RAW  # the Python value (date, Decimal, bool, str, …)
    SortRole = _SORT  # a plain value that sorts like the database sorts
    PkRole = _PK  # the row's primary key

    def __init__(
        self,
        spec: TableSpec,
        ctx: ServiceContext,
        parent: QObject | None = None,
        *,
        page_size: int = PAGE_SIZE,
    ) -> None:
        super().__init__(parent)
        if page_size < 1:
            raise ValueError("page_size must be at least 1")
        self._spec = spec
        self._ctx = ctx
        self._page_size = page_size
        self._columns: tuple[Column, ...] = columns_for(spec, ctx)
        self._sort_key, self._descending = spec.default_sort
        self._search = ""
        self._rows: list[Row] = []
        self._row_of: dict[Any, int] = {}
        self._display: dict[tuple[int, int], str] = {}  # formatted cells, until rows change
        self._exhausted = False
        self._total: int | None = None
        self._changing = False  # inside our own begin…/end… signals: no nested fetchMore
        self.pagesFetched = 0
        self._set_rows(self._fetch(0, page_size), page_size)

    # --- what the model shows ------------------------------------------------------------------

    @property
    def spec(self) -> TableSpec:
        return self._spec

    @property
    def columns(self) -> tuple[Column, ...]:
        """The columns shown, custom fields included, in order."""
        return self._columns

    def column_index(self, key: str) -> int | None:
        return next((i for i, c in enumerate(self._columns) if c.key == key), None)

    def search_text(self) -> str:
        return self._search

    def sort_column(self) -> int:
        """The column the rows are sorted by (-1 if it is not shown)."""
        found = self.column_index(self._sort_key)
        return -1 if found is None else found

    def sort_order(self) -> Qt.SortOrder:
        return Qt.SortOrder.DescendingOrder if self._descending else Qt.SortOrder.AscendingOrder

    def total_count(self) -> int:
        """How many rows match the current search (counted by the database, then cached)."""
        if self._total is None:
            if self._exhausted:
                self._total = len(self._rows)
            else:
                self._total = count(self._spec, self._ctx, self._search, self._columns)
        return self._total

    def empty_message(self) -> str:
        """What to tell the user when there are no rows: what to do next."""
        if self._search:
            return f"Nothing matches “{self._search}”. Clear the filter box to see every row."
        return self._spec.empty_text

    def pk_at(self, row: int) -> Any:
        return self._rows[row][0]

    def row_of_pk(self, pk: Any) -> int | None:
        """The row showing ``pk``, or None when it is not loaded (or not visible at all)."""
        return self._row_of.get(pk)

    # --- Qt model interface --------------------------------------------------------------------

    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._columns)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return (
            Qt.ItemFlag.ItemIsEnabled
            | Qt.ItemFlag.ItemIsSelectable
            | Qt.ItemFlag.ItemNeverHasChildren
        )

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = _DISPLAY) -> Any:
        if role not in (_DISPLAY, _ALIGN):
            return None
        if orientation == _VERTICAL:  # row numbers, asked for every row when sizing the header
            return section + 1 if role == _DISPLAY else None
        if not 0 <= section < len(self._columns):
            return None
        column = self._columns[section]
        if role == _DISPLAY:
            return column.title
        return _RIGHT if column.align_right else _LEFT

    def data(self, index: _Index, role: int = _DISPLAY) -> Any:
        if role not in _ANSWERED or not index.isValid():
            return None
        row, col = index.row(), index.column()
        if not (0 <= row < len(self._rows) and 0 <= col < len(self._columns)):
            return None
        if role == _DISPLAY:
            text = self._display.get((row, col))
            if text is None:
                text = self._display[row, col] = _cell_text(
                    self._columns[col], self._rows[row][1][col]
                )
            return text
        column = self._columns[col]
        if role == _ALIGN:
            return _RIGHT if column.align_right else _LEFT
        value = self._rows[row][1][col]
        if role == _TOOLTIP:
            return _tooltip(column, value)
        if role == _RAW:
            return value
        if role == _SORT:
            return _sortable(value)
        return self._rows[row][0]  # _PK

    def canFetchMore(self, parent: _Index) -> bool:
        return not parent.isValid() and not self._exhausted

    def fetchMore(self, parent: _Index) -> None:
        # Slots connected to our change signals may ask for more; a nested insert would interleave
        # two begin/end pairs, so they get it on their next request instead.
        if parent.isValid() or self._exhausted or self._changing:
            return
        rows = self._fetch(len(self._rows), self._page_size)
        if len(rows) < self._page_size:
            self._exhausted = True
        # A row added above since the last page shifts the offsets; never show it twice.
        fresh = [r for r in rows if r[0] not in self._row_of]
        if fresh:
            first = len(self._rows)
            with self._signals():
                self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
                for offset, row in enumerate(fresh):
                    self._row_of[row[0]] = first + offset
                self._rows.extend(fresh)
                self.endInsertRows()

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        """Re-query sorted by ``column`` (-1: the spec's default order); the database sorts."""
        if column < 0:
            key, descending = self._spec.default_sort
        elif column < len(self._columns) and self._columns[column].sortable:
            key, descending = self._columns[column].key, order == Qt.SortOrder.DescendingOrder
        else:
            return
        if (key, descending) == (self._sort_key, self._descending):
            return
        self._sort_key, self._descending = key, descending
        self._reload()

    # --- re-querying ---------------------------------------------------------------------------

    def set_search(self, text: str) -> None:
        """Show only rows containing every word of ``text`` (case-insensitive), from the top."""
        text = " ".join(text.split())
        if text == self._search:
            return
        self._search = text
        self._reload()

    def refresh(self) -> None:
        """Re-read after a change, keeping as many rows loaded as before (so the scroll position
        survives) and moving selections and other persistent indexes with their rows."""
        columns = columns_for(self._spec, self._ctx)
        if [(c.key, c.kind) for c in columns] != [(c.key, c.kind) for c in self._columns]:
            self._columns = columns
            if self.column_index(self._sort_key) is None:
                self._sort_key, self._descending = self._spec.default_sort
            self._reload(keep=len(self._rows))
            return
        titles_changed = [c.title for c in columns] != [c.title for c in self._columns]
        self._columns = columns
        if titles_changed:
            self.headerDataChanged.emit(Qt.Orientation.Horizontal, 0, len(columns) - 1)
        limit = max(len(self._rows), self._page_size)
        rows = self._fetch(0, limit)
        self._total = None
        self._exhausted = len(rows) < limit
        with self._signals():
            self._replace_rows(rows)

    def _fetch(self, offset: int, limit: int) -> list[Row]:
        rows = fetch_page(
            self._spec,
            self._ctx,
            search=self._search,
            sort_key=self._sort_key,
            descending=self._descending,
            offset=offset,
            limit=limit,
            columns=self._columns,
        )
        self.pagesFetched += 1
        return rows

    def _set_rows(self, rows: list[Row], limit: int) -> None:
        self._display.clear()
        self._rows = rows
        self._row_of = {pk: i for i, (pk, _) in enumerate(rows)}
        self._exhausted = len(rows) < limit
        self._total = None

    def _reload(self, keep: int = 0) -> None:
        """Start over from the first page (after a new sort, search or set of columns)."""
        limit = max(keep, self._page_size)
        rows = self._fetch(0, limit)  # before the reset: a failed query leaves the view as it was
        with self._signals():
            self.beginResetModel()
            self._set_rows(rows, limit)
            self.endResetModel()

    @contextlib.contextmanager
    def _signals(self) -> Iterator[None]:
        self._changing = True
        try:
            yield
        finally:
            self._changing = False

    def _replace_rows(self, rows: list[Row]) -> None:
        """Turn the loaded rows into ``rows`` the way a view can follow: rows whose key is gone
        are removed, new keys inserted, then a layout change moves the rest (and selections,
        which are persistent indexes) to where their keys now are."""
        new_pks = [pk for pk, _ in rows]
        keep = set(new_pks)
        row = len(self._rows) - 1
        while row >= 0:  # bottom-up, one contiguous run at a time
            if self._rows[row][0] in keep:
                row -= 1
                continue
            last = row
            while row >= 0 and self._rows[row][0] not in keep:
                row -= 1
            self.beginRemoveRows(QModelIndex(), row + 1, last)
            del self._rows[row + 1 : last + 1]
            self._display.clear()
            self.endRemoveRows()
        present = {pk for pk, _ in self._rows}
        added = [r for r in rows if r[0] not in present]
        if added:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(added) - 1)
            self._rows = self._rows + added
            self.endInsertRows()
        before = [pk for pk, _ in self._rows]
        moved = before != new_pks
        if moved:
            self.layoutAboutToBeChanged.emit()
        self._rows = rows
        self._display.clear()
        self._row_of = {pk: i for i, pk in enumerate(new_pks)}
        if moved:
            old_indexes = self.persistentIndexList()
            new_indexes = [
                self.index(self._row_of[before[index.row()]], index.column())
                for index in old_indexes
            ]
            self.changePersistentIndexList(old_indexes, new_indexes)
            self.layoutChanged.emit()
        if rows:
            self.dataChanged.emit(
                self.index(0, 0), self.index(len(rows) - 1, len(self._columns) - 1)
            )


def _cell_text(column: Column, value: Any) -> str:
    text = locale_text(column, value)
    if len(text) > _DISPLAY_LIMIT or "\n" in text:
        text = " ".join(text[: _DISPLAY_LIMIT * 2].split())[:_DISPLAY_LIMIT]
    return text


def _tooltip(column: Column, value: Any) -> str | None:
    """The whole text of a long or multi-line cell; None for short ones."""
    if column.kind != "text" or value is None:
        return None
    text = str(value)
    if len(text) <= _TOOLTIP_FROM and "\n" not in text:
        return None
    return text if len(text) <= _TOOLTIP_LIMIT else text[:_TOOLTIP_LIMIT] + "…"


def _sortable(value: Any) -> Any:
    """Plain values a proxy model or delegate can compare (Decimal and date are not QVariants)."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value
