"""The notifications table with its own actions: unread rows in bold, mark read, mark all read,
and open the license or record a notification is about."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtWidgets import QPushButton, QStyledItemDelegate, QStyleOptionViewItem

from cpe_desktop.services import notifications
from cpe_desktop.ui.crash import show_error
from cpe_desktop.ui.table_model import PagedTableModel
from cpe_desktop.ui.tabs.table_tab import TableTab


class UnreadBoldDelegate(QStyledItemDelegate):
    """Draws a row in bold while its notification is unread (the "Read" column is false)."""

    def __init__(self, read_column: int, parent=None) -> None:
        super().__init__(parent)
        self.read_column = read_column

    def initStyleOption(  # noqa: N802 - Qt override
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        read = index.sibling(index.row(), self.read_column).data(PagedTableModel.RawRole)
        if read is False or read == 0:
            option.font.setBold(True)


class NotificationsTab(TableTab):
    """``openLicense`` / ``openRecord`` ask the window to show what a notification is about."""

    openLicense = Signal(int)
    openRecord = Signal(int)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.open_button = QPushButton("Open")
        self.open_button.setToolTip("Show the license or record this notification is about")
        self.read_button = QPushButton("Mark read")
        self.all_read_button = QPushButton("Mark all read")
        self.open_button.clicked.connect(self.open_current)
        self.read_button.clicked.connect(self.mark_selected_read)
        self.all_read_button.clicked.connect(self.mark_all_read)
        self.extra_bar.addWidget(self.open_button)
        self.extra_bar.addWidget(self.read_button)
        self.extra_bar.addWidget(self.all_read_button)
        self.selectionChanged.connect(self._update_actions)
        read_column = self.model.column_index("read")
        if read_column is not None:
            self.view.setItemDelegate(UnreadBoldDelegate(read_column, self.view))
        self._update_actions()

    def _update_actions(self) -> None:
        has = bool(self.selected_pks())
        self.read_button.setEnabled(has)
        self.open_button.setEnabled(self._target() is not None)

    def _target(self) -> tuple[str, int] | None:
        pk = self.current_pk()
        if pk is None:
            return None
        try:
            note = notifications.get_notification(self.ctx, pk)
        except Exception:  # noqa: BLE001 - a row deleted meanwhile simply has nothing to open
            return None
        if note.record_id is not None:
            return "record", note.record_id
        if note.license_id is not None:
            return "license", note.license_id
        return None

    def edit_current(self) -> None:
        """Double-click or Enter opens what the notification is about."""
        self.open_current()

    def open_current(self) -> None:
        pk = self.current_pk()
        target = self._target()
        if pk is None:
            return
        self._run(lambda: notifications.mark_read(self.ctx, [pk]))
        if target is None:
            return
        kind, target_id = target
        (self.openRecord if kind == "record" else self.openLicense).emit(target_id)

    def mark_selected_read(self) -> None:
        self._run(lambda: notifications.mark_read(self.ctx, self.selected_pks()))

    def mark_all_read(self) -> None:
        if self.ctx.actor.user_id is not None:
            self._run(lambda: notifications.mark_all_read(self.ctx, self.ctx.actor.user_id))

    def _run(self, call) -> None:
        try:
            self.bus.publish(call())
        except Exception as exc:  # noqa: BLE001
            show_error(self, exc, "updating notifications")
