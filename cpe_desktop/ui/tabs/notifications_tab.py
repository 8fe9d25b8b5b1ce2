"""The notifications table with its own actions: mark read and mark all read."""

from __future__ import annotations

from PySide6.QtWidgets import QPushButton

from cpe_desktop.services import notifications
from cpe_desktop.ui.crash import show_error
from cpe_desktop.ui.tabs.table_tab import TableTab


class NotificationsTab(TableTab):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.read_button = QPushButton("Mark read")
        self.all_read_button = QPushButton("Mark all read")
        self.read_button.clicked.connect(self.mark_selected_read)
        self.all_read_button.clicked.connect(self.mark_all_read)
        self.extra_bar.addWidget(self.read_button)
        self.extra_bar.addWidget(self.all_read_button)
        self.selectionChanged.connect(
            lambda: self.read_button.setEnabled(bool(self.selected_pks()))
        )
        self.read_button.setEnabled(False)

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
