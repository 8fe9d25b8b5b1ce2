"""The Audit Log view: the table of entries, and above it whether the log's hash chain holds.

The line says "Chain verified (N entries …)" or, in words, where the log or the records were
changed outside the program (``services/audit/chain.py``). When the tab opens and after each
change it checks the chain's newest entries, the head and the count (milliseconds, as at start-up);
"Check everything" hashes every entry again and compares every record and license with the log,
as ``cpe-tracker check`` does (a few seconds on 20,000 records).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from cpe_desktop.services.audit import chain as audit_chain
from cpe_desktop.services.changes import AUDIT, Changes
from cpe_desktop.ui.layouts import box_of
from cpe_desktop.ui.tabs.table_tab import TableTab

MAX_SHOWN = 8  # findings listed under the line; the rest are counted


class AuditLogTab(TableTab):
    def __init__(self, name: str, ctx, bus, **kwargs) -> None:
        super().__init__(name, ctx, bus, **kwargs)
        self.chain_status = QLabel()
        self.chain_status.setObjectName("chain-status")
        self.chain_status.setWordWrap(True)
        self.chain_status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.check_button = QPushButton("Check everything")
        self.check_button.setToolTip(
            "Hash every audit entry again and compare every record and license with the log"
        )
        self.check_button.clicked.connect(self.check_everything)
        row = QHBoxLayout()
        row.addWidget(self.chain_status, 1)
        row.addWidget(self.check_button, 0, Qt.AlignmentFlag.AlignTop)
        holder = QWidget()
        holder.setLayout(row)
        row.setContentsMargins(0, 0, 0, 0)
        box_of(self).insertWidget(0, holder)
        self.report: audit_chain.ChainReport | None = None
        self.check_recent()

    def on_changes(self, changes: Changes) -> None:
        super().on_changes(changes)
        if AUDIT in changes.kinds:
            self.check_recent()

    def check_recent(self) -> None:
        """The quick check: the newest entries, the head and the count."""
        self._show(audit_chain.verify(tail=audit_chain.START_UP_TAIL, records=False))

    def check_everything(self) -> None:
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            report = audit_chain.verify()
        finally:
            QGuiApplication.restoreOverrideCursor()
        self._show(report)

    def _show(self, report: audit_chain.ChainReport) -> None:
        self.report = report
        if report.ok:
            self.chain_status.setProperty("role", "muted")
            self.chain_status.setText(report.summary())
            if report.head_hash:
                # An outside anchor: a copy of this hash kept elsewhere shows later whether the
                # whole log was rewritten, which the chain alone cannot.
                self.chain_status.setToolTip(
                    f"Newest entry's hash: {report.head_hash}. Keep a copy of it outside the "
                    "program to be able to show later that the log was not rewritten."
                )
        else:
            self.chain_status.setToolTip("")
            self.chain_status.setProperty("role", "field-error")
            lines = [str(finding) for finding in report.findings]
            shown = lines[:MAX_SHOWN]
            more = len(lines) - len(shown)
            count = len(lines)
            text = (
                f"The audit log shows {count} change{'s' if count != 1 else ''} made outside "
                "the program:\n• " + "\n• ".join(shown)
            )
            if more:
                text += f"\n… and {more} more (run cpe-tracker check for the full list)."
            self.chain_status.setText(text)
        self.chain_status.style().unpolish(self.chain_status)
        self.chain_status.style().polish(self.chain_status)
