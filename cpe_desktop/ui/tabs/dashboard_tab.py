"""The dashboard: one card per license with the hours logged over its period length.

The compliance engine will judge real reporting periods; until then each card says plainly what
it adds up (the last N years) and what the rule asks for.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QLabel,
    QProgressBar,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.changes import Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.progress import LicenseHours, hours_by_license
from cpe_desktop.ui.bus import ChangeBus

KINDS = frozenset({"licenses", "records", "requirements", "users", "credentials"})


def _hours(value) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


class LicenseCard(QFrame):
    def __init__(self, item: LicenseHours, show_holder: bool) -> None:
        super().__init__()
        self.setProperty("role", "card")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        lic = item.license
        title = f"{lic.credential.code} — {lic.jurisdiction}"
        if show_holder:
            title += f"  ·  {lic.user.name}"
        heading = QLabel(f"<b>{title}</b>")
        layout = QGridLayout(self)
        layout.addWidget(heading, 0, 0, 1, 3)
        rule = item.requirement
        period = (
            f"Logged {item.window_start:%d %b %Y} – {item.window_end:%d %b %Y} "
            f"(the last {rule.reporting_period_years} year(s), this rule's period length)"
            if rule
            else "No requirement rule for this credential and jurisdiction — add one under "
            "Administration › Requirements."
        )
        note = QLabel(period)
        note.setWordWrap(True)
        note.setProperty("role", "muted")
        layout.addWidget(note, 1, 0, 1, 3)
        row = 2
        if rule is not None:
            for label, logged, required in (
                ("Total", item.logged_total, rule.total_credits_required),
                ("Ethics", item.logged_ethics, rule.ethics_credits_required),
            ):
                if not required:
                    continue
                bar = QProgressBar()
                bar.setRange(0, int(required * 10))
                bar.setValue(min(int(logged * 10), int(required * 10)))
                bar.setTextVisible(False)
                bar.setAccessibleName(f"{label} hours")
                text = QLabel(f"{_hours(logged)} of {required} hours")
                text.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                layout.addWidget(QLabel(label), row, 0)
                layout.addWidget(bar, row, 1)
                layout.addWidget(text, row, 2)
                row += 1
        layout.setColumnStretch(1, 1)


class DashboardTab(QScrollArea):
    def __init__(self, ctx: ServiceContext, bus: ChangeBus, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.cards: list[LicenseCard] = []
        bus.changed.connect(self.on_changes)
        self.refresh()

    def on_changes(self, changes: Changes) -> None:
        if KINDS & changes.kinds:
            self.refresh()

    def refresh(self) -> None:
        body = QWidget()
        layout = QVBoxLayout(body)
        layout.setAlignment(Qt.AlignmentFlag.AlignTop)
        items = hours_by_license(
            self.ctx, None if self.ctx.actor.is_admin else self.ctx.actor.user_id
        )
        self.cards = [LicenseCard(item, self.ctx.actor.is_admin) for item in items]
        for card in self.cards:
            layout.addWidget(card)
        if not self.cards:
            empty = QLabel(
                "No licenses yet.\nAdd the licenses you hold on the Licenses tab, then log your "
                "courses on the CPE Records tab (Ctrl+N)."
            )
            empty.setProperty("role", "empty-state")
            empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
            empty.setWordWrap(True)
            layout.addWidget(empty)
        self.setWidget(body)
