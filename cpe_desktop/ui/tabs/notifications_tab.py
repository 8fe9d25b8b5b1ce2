"""The notifications table with its own actions: unread rows in bold, mark read, mark all read,
and open the license or record a notification is about.

The Message column is cut to fit its width, so the selected notification is shown whole in a
read-only pane under the list (its date, kind and, for an administrator, whose it is, then the
text, wrapped and selectable), and hovering a message shows its whole text as a wrapped tooltip.
"""

from __future__ import annotations

import html

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Signal
from PySide6.QtGui import QHelpEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTextBrowser,
    QToolTip,
    QVBoxLayout,
)

from cpe_desktop.services import notifications
from cpe_desktop.ui.crash import show_error
from cpe_desktop.ui.layouts import box_of
from cpe_desktop.ui.table_model import PagedTableModel
from cpe_desktop.ui.tabs.table_tab import TableTab

NOTHING_CHOSEN = "Choose a notification above to read it in full."
DETAIL_LINES = 6  # the pane's height in lines of text; a longer text scrolls within it


def full_text_tooltip(text: str) -> str:
    """A tooltip Qt wraps (rich text) holding ``text`` whole, line breaks kept."""
    body = html.escape(text).replace("\n", "<br>")
    return f"<p style='white-space:pre-wrap'>{body}</p>"


class UnreadBoldDelegate(QStyledItemDelegate):
    """Draws a row in bold while its notification is unread (the "Read" column is false); the
    message column's tooltip is the whole message, wrapped."""

    def __init__(self, read_column: int, parent=None, message_column: int | None = None) -> None:
        super().__init__(parent)
        self.read_column = read_column
        self.message_column = message_column

    def initStyleOption(
        self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        super().initStyleOption(option, index)
        read = index.sibling(index.row(), self.read_column).data(PagedTableModel.RawRole)
        if read is False or read == 0:
            option.font.setBold(True)

    def helpEvent(
        self,
        event: QHelpEvent,
        view: QAbstractItemView,
        option: QStyleOptionViewItem,
        index: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if index.isValid() and index.column() == self.message_column:
            text = index.data(PagedTableModel.RawRole)
            if text:
                QToolTip.showText(event.globalPos(), full_text_tooltip(str(text)), view)
                return True
        return super().helpEvent(event, view, option, index)


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
        self._build_detail()
        self.selectionChanged.connect(self._update_actions)
        self.selectionChanged.connect(self._show_detail)
        self.model.modelReset.connect(self._show_detail)
        read_column = self.model.column_index("read")
        if read_column is not None:
            self.view.setItemDelegate(
                UnreadBoldDelegate(read_column, self.view, self.model.column_index("message"))
            )
        self._update_actions()
        self._show_detail()

    # --- the detail pane ------------------------------------------------------------------------

    def _build_detail(self) -> None:
        self.detail = QFrame()
        self.detail.setObjectName("notification-detail")
        self.detail.setFrameShape(QFrame.Shape.StyledPanel)
        self.detail_heading = QLabel()
        self.detail_heading.setProperty("role", "muted")
        self.detail_heading.setWordWrap(True)
        self.detail_body = QTextBrowser()
        self.detail_body.setReadOnly(True)
        self.detail_body.setOpenLinks(False)
        self.detail_body.setFrameShape(QFrame.Shape.NoFrame)
        self.detail_body.setLineWrapMode(QTextBrowser.LineWrapMode.WidgetWidth)
        self.detail_body.setAccessibleName("Notification text")
        line = self.detail_body.fontMetrics().lineSpacing()
        margins = 2 * int(self.detail_body.document().documentMargin()) + 4
        self.detail_body.setFixedHeight(DETAIL_LINES * line + margins)
        self.detail_body.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        pane = QVBoxLayout(self.detail)
        pane.setContentsMargins(8, 6, 8, 6)
        pane.setSpacing(4)
        pane.addWidget(self.detail_heading)
        pane.addWidget(self.detail_body)
        box_of(self).addWidget(self.detail)

    def detail_text(self) -> str:
        """The pane's heading and text as plain text (what a person reads there)."""
        return f"{self.detail_heading.text()}\n{self.detail_body.toPlainText()}".strip()

    def _cell(self, row: int, key: str, role: int | None = None):
        column = self.model.column_index(key)
        if column is None:
            return None
        index = self.model.index(row, column)
        return index.data() if role is None else index.data(role)

    def _show_detail(self) -> None:
        pk = self.current_pk() if len(self.selected_pks()) == 1 else None
        row = self.model.row_of_pk(pk) if pk is not None else None
        if row is None or row < 0:
            self.detail_heading.setText(NOTHING_CHOSEN)
            self.detail_body.clear()
            self.detail_body.setEnabled(False)
            return
        # "For" is a column only where several people's notifications are listed.
        parts = [self._cell(row, key) for key in ("created_at", "kind", "holder")]
        self.detail_heading.setText(" · ".join(str(p) for p in parts if p))
        self.detail_body.setEnabled(True)
        self.detail_body.setPlainText(
            str(self._cell(row, "message", PagedTableModel.RawRole) or "")
        )

    # --- actions --------------------------------------------------------------------------------

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
        except Exception:
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
        except Exception as exc:
            show_error(self, exc, "updating notifications")
