"""One signal carries every service call's Changes to the views that show that kind of data."""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal

from cpe_desktop.services.changes import Changes, Outcome


class ChangeBus(QObject):
    changed = Signal(object)  # Changes

    def publish(self, what: Changes | Outcome | None) -> None:
        changes = what.changes if isinstance(what, Outcome) else what
        if changes:
            self.changed.emit(changes)
