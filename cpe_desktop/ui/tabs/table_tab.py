"""A tab showing one database table: filter box, lazily loaded sortable table, and the actions
(new, edit, delete) the table allows. Every table tab is this class driven by its spec."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QItemSelectionModel, QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import deleting
from cpe_desktop.services.tables.paging import spec as table_spec
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.crash import show_error
from cpe_desktop.ui.table_model import PagedTableModel

SEARCH_DELAY_MS = 250


class TableTab(QWidget):
    """One table's view. ``editor`` opens the add/edit form (None for read-only tables).

    ``read_only`` shows a table others edit without any way to change it (the members' view of
    the requirement rules): no New, Edit or Delete, whatever the spec allows.
    """

    selectionChanged = Signal()

    def __init__(
        self,
        name: str,
        ctx: ServiceContext,
        bus: ChangeBus,
        *,
        editor: Callable[[QWidget, str, ServiceContext, int | None], Outcome[Any] | None]
        | None = None,
        read_only: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.spec = table_spec(name)
        self.setObjectName(f"tab-{name}")
        self.ctx = ctx
        self.bus = bus
        self.read_only = read_only or self.spec.read_only
        self.editor = None if self.read_only else editor
        self.model = PagedTableModel(self.spec, ctx, self)
        self._autosize_pending = False

        self.search = QLineEdit()
        self.search.setPlaceholderText(f"Filter {self.spec.title}…")
        self.search.setClearButtonEnabled(True)
        self.search.setAccessibleName(f"Filter {self.spec.title}")
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(SEARCH_DELAY_MS)
        self._search_timer.timeout.connect(self._apply_search)
        self.search.textChanged.connect(self._search_timer.start)
        self.search.returnPressed.connect(self._apply_search)

        self.count_label = QLabel()
        self.count_label.setProperty("role", "muted")
        self.new_button = QPushButton("New…")
        self.edit_button = QPushButton("Edit…")
        self.delete_button = QPushButton("Delete")
        self.new_button.clicked.connect(self.new_row)
        self.edit_button.clicked.connect(self.edit_current)
        self.delete_button.clicked.connect(self.delete_selected)
        bar = QHBoxLayout()
        bar.addWidget(self.search, 1)
        bar.addWidget(self.count_label)
        self.extra_bar = QHBoxLayout()
        self.row_buttons: list[QPushButton] = []
        bar.addLayout(self.extra_bar)
        can_edit = self.editor is not None
        can_delete = not self.read_only and name in deleting.DELETABLE
        for button, shown in (
            (self.new_button, can_edit),
            (self.edit_button, can_edit),
            (self.delete_button, can_delete),
        ):
            button.setVisible(shown)
            bar.addWidget(button)

        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 10)
        header = self.view.horizontalHeader()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSortIndicatorShown(True)
        self.view.doubleClicked.connect(lambda _index: self.edit_current())
        self.view.selectionModel().selectionChanged.connect(self._update_buttons)
        self.view.setAccessibleName(self.spec.title)

        self.empty = QLabel(self.spec.empty_text)
        self.empty.setProperty("role", "empty-state")
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setWordWrap(True)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.view)
        self.stack.addWidget(self.empty)

        self.note = QLabel()
        self.note.setProperty("role", "muted")
        self.note.setWordWrap(True)
        self.note.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.note)
        layout.addLayout(bar)
        layout.addWidget(self.stack, 1)
        bus.changed.connect(self.on_changes)
        self._restore_columns()
        # Enabling sorting sorts by the header's indicator: set it to the model's order first so
        # opening a tab runs one page query, not three.
        self.view.setSortingEnabled(True)
        self._update_state()

    # --- state ------------------------------------------------------------------------------

    def _settings_key(self, what: str = "header") -> str:
        """Where this person's layout of this table is kept. Per person, not per machine: a
        member's table has no Holder column, and an administrator's widths are not a member's.
        ``what``: ``header`` (the header's state) or ``columns`` (the columns it was saved for)."""
        who = self.ctx.actor.user_id
        person = f"user-{who}" if who is not None else "system"
        return f"people/{person}/tables/{self.spec.name}/{what}"

    def _column_keys(self) -> list[str]:
        return [column.key for column in self.model.columns]

    def _restore_columns(self) -> None:
        settings = QSettings()
        state = settings.value(self._settings_key())
        saved_for = settings.value(self._settings_key("columns"))
        # A layout saved for other columns (a custom field added or removed since) would put
        # widths on the wrong columns: fit the columns again instead.
        if isinstance(saved_for, str):
            saved_for = [saved_for]  # QSettings' INI files give back a one-item list as text
        same_columns = list(saved_for or []) == self._column_keys()
        header = self.view.horizontalHeader()
        if state is not None and same_columns and header.restoreState(state):
            self.model.sort(header.sortIndicatorSection(), header.sortIndicatorOrder())
        else:
            header.setSortIndicator(self.model.sort_column(), self.model.sort_order())
            self._autosize_pending = True

    def _autosize_columns(self) -> None:
        """Fit columns to what is on screen (needs the view laid out), within sensible bounds."""
        header = self.view.horizontalHeader()
        shown = [c for c in range(self.model.columnCount()) if not header.isSectionHidden(c)]
        wanted = {c: max(self.view.sizeHintForColumn(c), header.sectionSizeHint(c)) for c in shown}
        sizes = {c: min(max(wanted[c], 80), 360) for c in shown}
        # Width the window has to spare goes to the columns cut at the bound (a long message or
        # subject), up to their full width, rather than all to the last column.
        spare = self.view.viewport().width() - sum(sizes.values())
        cut = [c for c in shown if wanted[c] > sizes[c]]
        while spare > 0 and cut:
            share = max(spare // len(cut), 1)
            for c in list(cut):
                grow = min(share, wanted[c] - sizes[c], spare)
                sizes[c] += grow
                spare -= grow
                if sizes[c] >= wanted[c]:
                    cut.remove(c)
        for c in shown:
            header.resizeSection(c, sizes[c])
        # A last column resized by hand no longer stretches: let it fill the table again.
        header.setStretchLastSection(False)
        header.setStretchLastSection(True)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._autosize_when_ready()

    def _autosize_when_ready(self) -> None:
        """Fit the columns once there are rows on screen to fit them to: sizing an empty table
        would fit only the titles, and those widths would then be remembered."""
        if self._autosize_pending and self.isVisible() and self.model.rowCount() > 0:
            self._autosize_pending = False
            QTimer.singleShot(0, self._autosize_columns)

    def save_state(self) -> None:
        if self._autosize_pending and self.model.rowCount() == 0:
            return  # never fitted to any content: let a later start fit it
        settings = QSettings()
        settings.setValue(self._settings_key(), self.view.horizontalHeader().saveState())
        settings.setValue(self._settings_key("columns"), self._column_keys())

    def _update_state(self) -> None:
        total = self.model.total_count()
        searching = bool(self.search.text().strip())
        self.stack.setCurrentWidget(self.empty if total == 0 and not searching else self.view)
        noun = "row" if total == 1 else "rows"
        self.count_label.setText(f"{total:,} {noun}" + (" found" if searching else ""))
        self._update_buttons()
        self._autosize_when_ready()

    def _update_buttons(self) -> None:
        selected = len(self.selected_pks())
        self.edit_button.setEnabled(selected == 1)
        self.delete_button.setEnabled(selected >= 1)
        for button in self.row_buttons:
            button.setEnabled(selected == 1)
        self.selectionChanged.emit()

    def add_row_button(self, text: str, action: Callable[[int], None]) -> QPushButton:
        """A button beside New/Edit/Delete that acts on the one selected row's key (e.g. the
        Requirements view's "Components…")."""
        button = QPushButton(text)
        button.clicked.connect(lambda _=False: self._row_action(action))
        self.extra_bar.addWidget(button)
        self.row_buttons.append(button)
        self._update_buttons()
        return button

    def _row_action(self, action: Callable[[int], None]) -> None:
        pk = self.current_pk()
        if pk is None:
            return
        try:
            action(pk)
        except Exception as exc:
            show_error(self, exc, "opening the dialog")

    # --- selection ----------------------------------------------------------------------------

    def selected_pks(self) -> list:
        rows = sorted({index.row() for index in self.view.selectionModel().selectedRows()})
        return [self.model.pk_at(row) for row in rows]

    def current_pk(self):
        pks = self.selected_pks()
        return pks[0] if len(pks) == 1 else None

    def select_pks(self, pks: list) -> None:
        selection = self.view.selectionModel()
        selection.clearSelection()
        flags = QItemSelectionModel.SelectionFlag.Select | QItemSelectionModel.SelectionFlag.Rows
        for pk in pks:
            row = self.model.row_of_pk(pk)
            if row is not None:
                selection.select(self.model.index(row, 0), flags)

    # --- reacting -----------------------------------------------------------------------------

    def _apply_search(self) -> None:
        self._search_timer.stop()
        self.model.set_search(self.search.text())
        self._update_state()

    def on_changes(self, changes: Changes) -> None:
        if not (self.spec.kinds & changes.kinds):
            return
        self.refresh()

    def refresh(self) -> None:
        """Reload from the database keeping selection and scroll position."""
        selected = self.selected_pks()
        scroll = self.view.verticalScrollBar().value()
        self.model.refresh()
        self.select_pks(selected)
        self.view.verticalScrollBar().setValue(scroll)
        self._update_state()

    # --- actions ------------------------------------------------------------------------------

    def new_row(self) -> None:
        if self.editor is not None:
            self._run_editor(None)

    def edit_current(self) -> None:
        pk = self.current_pk()
        if self.editor is not None and pk is not None:
            self._run_editor(pk)

    def _run_editor(self, pk: int | None) -> None:
        editor = self.editor
        if editor is None:  # never: the callers check (this tells the type checker)
            return
        try:
            outcome = editor(self, self.spec.name, self.ctx, pk)
        except Exception as exc:
            show_error(self, exc, "opening the form")
            return
        if outcome is not None:
            self.bus.publish(outcome)
            value = getattr(outcome, "value", None)
            new_pk = getattr(value, "_pk", None) if value is not None else None
            if new_pk is not None:
                self.select_pks([new_pk])

    def delete_selected(self) -> None:
        pks = self.selected_pks()
        if not pks or self.read_only or self.spec.name not in deleting.DELETABLE:
            return
        answer = QMessageBox.question(
            self,
            "Delete?",
            deleting.question(self.spec.name, pks)
            + "\n\nThis cannot be undone (the audit log keeps a copy of what was deleted).",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer != QMessageBox.StandardButton.Yes:
            return
        try:
            outcome = deleting.delete_many(self.ctx, self.spec.name, pks)
        except Exception as exc:
            show_error(self, exc, "deleting")
            return
        self.bus.publish(outcome)

    def set_note(self, text: str) -> None:
        """A line of guidance above the table (e.g. where requirement rules come from)."""
        self.note.setText(text)
        self.note.setVisible(bool(text))

    def focus_search(self) -> None:
        self.search.setFocus()
        self.search.selectAll()
