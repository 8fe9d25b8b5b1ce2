"""The requirements a board asks beyond the headline figures, as compact rows on a license card.

Why this module exists: the card keeps its bars for the total, ethics, technical and annual
figures (with the pace mark and the ethics period); every other applicable component of the rule
(ARCHITECTURE.md §4: Florida's 8 h of accounting and auditing, California's Regulatory Review, a cap
on nano learning, New York's concentration option) gets one row here: its label, a thin bar with "3
of 8 h" for a minimum, and a line saying where it stands ("5 h missing", "met — New York's
concentration option", "3 h over the cap not counted"). Most missing first. The words come from
``services.reporting.reports`` so the card and the progress report say the same.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.services.reporting.reports import (
    chosen_option,
    component_json,
    component_needed,
    component_numbers,
    component_state,
    counted_since,
    sorted_components,
)
from cpe_desktop.ui.theme import STATUSES, status_colour
from cpe_desktop.ui.widgets.hours_bar import HoursBar

BAR_WIDTH = 180  # a row's bar and its numbers ("88.8 of 888 h")
MINIMUM_KINDS = frozenset({"min", "course", "ethics_state_specific"})


def extra_components(results: tuple[ComponentResult, ...]) -> list[dict[str, Any]]:
    """The components the card lists apart from its bars, as report entries."""
    return [component_json(r) for r in results if not r.headline]


def _label(text: str, *, muted: bool = False) -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(True)
    if muted:
        label.setProperty("role", "muted")
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


class ComponentList(QWidget):
    """One row per component entry (``extra_components``), most missing first. ``entries`` keeps
    the entries in the order shown; ``rows`` their (name, numbers, state) labels."""

    def __init__(
        self,
        results: tuple[ComponentResult, ...],
        *,
        status: str,
        jurisdiction: str | None,
        period: tuple[dt.date, dt.date],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        entries = extra_components(results)
        self.chosen = chosen_option(entries, jurisdiction)
        # Options not needed since another one is met, and caps nothing went over, are said in
        # one muted line at the end rather than a row each.
        self.quiet = [e for e in entries if self._quiet(e)]
        self.entries = sorted_components([e for e in entries if e not in self.quiet], jurisdiction)
        self.rows: list[tuple[QLabel, QWidget, QLabel]] = []
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(0)
        grid.setColumnStretch(0, 1)
        lines = []
        for index, entry in enumerate(self.entries):
            name = _label(entry["label"])
            needed = component_needed(entry, self.chosen)
            state_text = component_state(entry, jurisdiction, self.chosen)
            since = counted_since(entry, *(d.isoformat() for d in period))
            if since:
                state_text += f" · {since}"
            state = _label(state_text, muted=not needed)
            if needed and status in STATUSES:
                palette = state.palette()
                palette.setColor(QPalette.ColorRole.WindowText, status_colour(status))
                state.setPalette(palette)
            numbers = self._numbers(entry, status, needed)
            top = index * 3
            grid.addWidget(name, top, 0)
            grid.addWidget(numbers, top, 1, Qt.AlignmentFlag.AlignVCenter)
            grid.addWidget(state, top + 1, 0, 1, 2)
            grid.setRowMinimumHeight(top + 2, 6)
            self.rows.append((name, numbers, state))
            lines.append(f"{entry['label']}: {component_numbers(entry)}, {state_text}")
        self.quiet_label: QLabel | None = None
        if self.quiet:
            self.quiet_label = _label(self._quiet_text(), muted=True)
            grid.addWidget(self.quiet_label, len(self.entries) * 3, 0, 1, 2)
            lines.append(self.quiet_label.text())
        self.setAccessibleName("Also required")
        self.setAccessibleDescription("; ".join(lines))

    def _quiet(self, entry: dict[str, Any]) -> bool:
        if entry["kind"] == "max" and not entry.get("dropped"):
            return True
        return bool(entry.get("alternative") and self.chosen and not entry.get("chosen"))

    def _quiet_text(self) -> str:
        caps = [e["label"] for e in self.quiet if e["kind"] == "max"]
        others = sum(1 for e in self.quiet if e["kind"] != "max")
        parts = []
        if others:
            parts.append(
                f"{others} other option{'s' * (others != 1)} not needed ({self.chosen} is met)"
            )
        if caps:
            parts.append("Within the caps: " + "; ".join(caps))
        return ". ".join(parts) + "."

    def _numbers(self, entry: dict[str, Any], status: str, needed: Decimal) -> QWidget:
        """A thin bar with its numbers for a minimum still in play; the numbers alone else."""
        in_play = not (entry.get("alternative") and self.chosen and not entry.get("chosen"))
        if entry["kind"] in MINIMUM_KINDS and entry["required"] and in_play:
            bar = HoursBar(
                entry["label"],
                Decimal(str(entry["counted"])),
                Decimal(str(entry["required"])),
                status,
                compact=True,
                met=not needed,
            )
            bar.setFixedWidth(BAR_WIDTH)
            return bar
        numbers = _label(component_numbers(entry), muted=not in_play)
        numbers.setWordWrap(False)
        numbers.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        numbers.setMinimumWidth(BAR_WIDTH)
        return numbers


__all__ = ["ComponentList", "extra_components"]
