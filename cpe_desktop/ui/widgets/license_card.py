"""The dashboard's card for one license, and what the firm view's compact rows share with it:
the engine's verdict in words, colour and a glyph.

Why this module exists: the dashboard tab decides what to show and where; how one license reads
(status never by colour alone, periods in the user's date format, bars with their numbers, what is
missing in plain language) lives here, the same for both layouts. ``LicenseFrame`` is focusable
and emits ``activated`` on click, Enter or Space, so the tab can open the records that count.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QIcon,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPainterPath,
    QPaintEvent,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from cpe_desktop.rules.facts import Evaluation
from cpe_desktop.rules.wording import day_text, hours_text, overdue_text
from cpe_desktop.services.compliance import LicenseStatus
from cpe_desktop.services.reporting.reports import chosen_option
from cpe_desktop.ui.icons import STATUSES, status_icon
from cpe_desktop.ui.theme import status_colour
from cpe_desktop.ui.widgets.component_list import ComponentList, extra_components
from cpe_desktop.ui.widgets.hours_bar import HoursBar, blend

STATUS_WORDS = {
    "overdue": "Overdue",
    "at_risk": "At risk",
    "no_rule": "No rule",
    "on_track": "On track",
    "complete": "Complete",
}
CAP_NAMES = {
    "self_study": "Self-study cap",
    "nano": "Nano-learning cap",
    "non_technical": "Non-technical cap",
}
MAX_ISSUES = 3
# A missing fact the holder can give at once: the button's words and the form field it opens.
ASK_FOR = {
    "period_end": "Tell us when your period ends",
    "birth_date": "Add your birth date",
    "issue_date": "Add the issue date",
    "license_number": "Add the license number",
}
# The same, on a card an administrator sees for someone else ("{name}" is the holder).
ASK_FOR_SOMEONE = {
    "period_end": "Tell us when {name}'s period ends",
    "birth_date": "Add {name}'s birth date",
}
_ACTIVATE_KEYS = frozenset({Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space})


def card_facts(ev: Evaluation) -> list[str]:
    """Since when the license is tracked, a reduced first period, and reciprocity."""
    facts = []
    if ev.tracked_from is not None:
        facts.append(f"Tracked since {day_text(ev.tracked_from)}")
    if ev.opening_hours:
        facts.append(f"{hours_text(ev.opening_hours)} h earned before tracking")
    if ev.first_period is not None:
        facts.append(f"First period: {ev.first_period.description}")
    if ev.met_through and not ev.headline().startswith("Met through"):
        facts.append(f"Met through {ev.met_through}")
    return facts


def days_left_text(days: int) -> str:
    if days <= 0:
        return "Ends today"
    return f"{days:,} day{'' if days == 1 else 's'} left"


def license_title(item: LicenseStatus) -> str:
    return f"{item.license.credential.code} — {item.license.jurisdiction}"


def no_rule_text(item: LicenseStatus, is_admin: bool) -> str:
    """What to do about a license no requirement rule covers."""
    text = (
        f"No requirement rule for {item.license.credential.code} in {item.license.jurisdiction} — "
    )
    if is_admin:
        return text + "add one under Administration › Requirements"
    return text + "ask your firm administrator to add one under Administration › Requirements"


def muted_colour(palette: QPalette) -> QColor:
    return palette.color(QPalette.ColorRole.PlaceholderText)


_ICONS: dict[str, QIcon] = {}  # finding the files is slow for a firm's rows; once per status


def status_pixmap(status: str, size: int, ratio: float = 1.0) -> QPixmap:
    """The status glyph; a license without a rule gets a neutral question mark."""
    if status in STATUSES:
        icon = _ICONS.get(status)
        if icon is None:
            icon = _ICONS[status] = status_icon(status)
        return icon.pixmap(QSize(size, size), ratio)
    pixmap = QPixmap(round(size * ratio), round(size * ratio))
    pixmap.setDevicePixelRatio(ratio)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    colour = muted_colour(QPalette())
    painter.setPen(QPen(colour, 1.5))
    painter.drawEllipse(QRectF(1, 1, size - 2, size - 2))
    font = QFont(painter.font())
    font.setBold(True)
    font.setPixelSize(round(size * 0.7))
    painter.setFont(font)
    painter.drawText(QRectF(0, 0, size, size), Qt.AlignmentFlag.AlignCenter, "?")
    painter.end()
    return pixmap


def text_label(
    text: str = "", *, muted: bool = False, bold: bool = False, wrap: bool = False
) -> QLabel:
    """A plain-text label; ``muted`` for secondary text (the palette's placeholder colour)."""
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    if muted:
        label.setProperty("role", "muted")
        label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    if bold:
        font = label.font()
        font.setBold(True)
        label.setFont(font)
    label.setWordWrap(wrap)
    return label


def status_glyph(status: str, size: int) -> QLabel:
    """The status glyph as a label."""
    glyph = QLabel()
    glyph.setPixmap(status_pixmap(status, size, glyph.devicePixelRatioF()))
    glyph.setFixedSize(size, size)
    return glyph


def status_word(status: str) -> QLabel:
    """The status in words, bold, in its colour."""
    word = text_label(STATUS_WORDS[status], bold=True)
    if status in STATUSES:
        palette = word.palette()
        palette.setColor(QPalette.ColorRole.WindowText, status_colour(status))
        word.setPalette(palette)
    else:
        word.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return word


class LicenseFrame(QFrame):
    """A focusable, clickable panel with a status stripe; ``activated`` on click/Enter/Space."""

    activated = Signal()

    def __init__(self, item: LicenseStatus, radius: float, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.item = item
        self.radius = radius
        self.record_ids: list[int] = (
            list(item.evaluation.counted_records) if item.evaluation else []
        )
        self.activatable = item.evaluation is not None
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_Hover)
        if self.activatable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
        self._pressed = False

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._pressed = event.button() == Qt.MouseButton.LeftButton
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        event.accept()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        inside = self.rect().contains(event.position().toPoint())
        if self._pressed and inside and event.button() == Qt.MouseButton.LeftButton:
            self._activate()
        self._pressed = False
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in _ACTIVATE_KEYS and not event.isAutoRepeat():
            self._activate()
            event.accept()
            return
        if event.key() in (Qt.Key.Key_Down, Qt.Key.Key_Up):
            # Arrows walk the list like Tab does (and the scroll area follows).
            self.focusNextPrevChild(event.key() == Qt.Key.Key_Down)
            event.accept()
            return
        super().keyPressEvent(event)

    def _activate(self) -> None:
        if self.activatable:
            self.activated.emit()

    def focusInEvent(self, event) -> None:
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event) -> None:
        super().focusOutEvent(event)
        self.update()

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        window = palette.color(QPalette.ColorRole.Window)
        text = palette.color(QPalette.ColorRole.WindowText)
        dark = window.lightness() < 128
        # Cards sit a step lighter than the window in dark themes and on white in light ones.
        fill = blend(window, text, 0.05) if dark else palette.color(QPalette.ColorRole.Base)
        hovered = self.activatable and self.underMouse()
        border = blend(window, text, 0.3 if hovered else 0.16)
        shape = QRectF(self.rect()).adjusted(0.5, 0.5, -0.5, -0.5)
        path = QPainterPath()
        path.addRoundedRect(shape, self.radius, self.radius)
        painter.fillPath(path, fill)
        painter.save()
        painter.setClipPath(path)
        status = self.item.status
        stripe = status_colour(status) if status in STATUSES else muted_colour(palette)
        painter.fillRect(QRectF(0, 0, 4, self.height()), stripe)
        painter.restore()
        if self.hasFocus():
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2)
            inner = QRectF(self.rect()).adjusted(1, 1, -1, -1)
        else:
            pen = QPen(border, 1)
            inner = shape
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(inner, self.radius, self.radius)
        painter.end()


class LicenseCard(LicenseFrame):
    """One license in full: what is needed by when first, then the period, days left, bars,
    notes and issues. ``askFor`` carries a missing fact's name ("period_end", "birth_date", …)
    when the holder presses the button that offers to give it."""

    askFor = Signal(str)

    def __init__(
        self,
        item: LicenseStatus,
        *,
        show_holder: bool = False,
        is_admin: bool = False,
        is_own: bool = True,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(item, 8, parent)
        self.is_own = is_own
        self.bars: dict[str, HoursBar] = {}
        self.issue_labels: list[QLabel] = []
        ev = item.evaluation
        layout = QVBoxLayout(self)
        layout.setContentsMargins(20, 14, 16, 14)
        layout.setSpacing(8)

        header = QHBoxLayout()
        header.setSpacing(8)
        self.title_label = text_label(license_title(item), bold=True)
        font = self.title_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.title_label.setFont(font)
        header.addWidget(self.title_label, 1)
        header.addWidget(status_glyph(item.status, 16))
        self.status_label = status_word(item.status)
        header.addWidget(self.status_label)
        layout.addLayout(header)

        who = []
        if show_holder:
            who.append(item.user.name)
        if item.license.license_number:
            who.append(f"License no. {item.license.license_number}")
        if who:
            layout.addWidget(text_label(" · ".join(who), muted=True))

        if ev is None:
            self.headline_label = text_label(no_rule_text(item, is_admin), wrap=True)
            layout.addWidget(self.headline_label)
            layout.addStretch(1)
            self._describe(self.headline_label.text())
            return

        # The first line says what is needed by when; the rest explains it.
        self.headline_label = text_label(ev.headline(), wrap=True)
        font = self.headline_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.headline_label.setFont(font)
        if ev.status == "complete":
            self.headline_label.setPalette(self.status_label.palette())
        layout.insertWidget(1, self.headline_label)
        overdue = overdue_text(ev)
        self.overdue_label = text_label(overdue or "", wrap=True)
        self.overdue_label.setPalette(self.status_label.palette())
        self.overdue_label.setVisible(overdue is not None)
        layout.insertWidget(2, self.overdue_label)
        self.ask_buttons: dict[str, QPushButton] = {}
        for issue in ev.issues:
            if issue.missing in ASK_FOR and issue.missing not in self.ask_buttons:
                self._add_ask_button(layout, issue.missing, issue.message)

        period = QHBoxLayout()
        span = f"Period {day_text(ev.period_start)} – {day_text(ev.period_end)}"
        if self.ask_buttons:  # worked out without a fact only the holder can give
            span += " (a guess until you tell us)" if is_own else " (a guess until it is given)"
        self.period_label = text_label(span, muted=True, wrap=True)
        self.days_label = text_label(days_left_text(ev.days_left), bold=True)
        period.addWidget(self.period_label, 1)
        period.addWidget(self.days_label)
        layout.addLayout(period)
        facts = card_facts(ev)
        self.facts_label = text_label(" · ".join(facts), muted=True, wrap=True)
        self.facts_label.setVisible(bool(facts))
        layout.addWidget(self.facts_label)
        layout.addSpacing(4)

        self._add_bars(layout, item)
        self.components: ComponentList | None = None
        if any(not c.headline for c in ev.components):
            self.components = ComponentList(
                ev.components,
                status=ev.status,
                jurisdiction=item.license.jurisdiction,
                period=(ev.period_start, ev.period_end),
            )
            self.components_title = text_label("Also required", bold=True)
            layout.addWidget(self.components_title)
            layout.addWidget(self.components)
        notes = self._notes()
        self.notes_label = text_label(" · ".join(notes), muted=True, wrap=True)
        self.notes_label.setVisible(bool(notes))
        layout.addWidget(self.notes_label)

        shown = [i for i in ev.issues if i.missing not in self.ask_buttons]
        if shown:
            layout.addWidget(text_label(f"Needs attention ({len(shown)})", bold=True))
            for issue in shown[:MAX_ISSUES]:
                line = QHBoxLayout()  # a hanging indent: wrapped lines start under the text
                line.setSpacing(8)
                bullet = text_label("•")
                bullet.setAlignment(Qt.AlignmentFlag.AlignTop)
                message = text_label(issue.message, wrap=True)
                line.addWidget(bullet)
                line.addWidget(message, 1)
                self.issue_labels.append(message)
                layout.addLayout(line)
            if len(shown) > MAX_ISSUES:
                more = text_label(f"and {len(shown) - MAX_ISSUES} more", muted=True)
                self.issue_labels.append(more)
                layout.addWidget(more)
        layout.addStretch(1)
        count = len(self.record_ids)
        self.footer_label = text_label(
            f"{count} record{'' if count == 1 else 's'} counted — click or press Enter to see "
            f"{'it' if count == 1 else 'them'}"
            if count
            else "No records count toward this period yet — click to open CPE Records",
            muted=True,
            wrap=True,  # never wider than the card's column (the dashboard fits cards to it)
        )
        self.footer_label.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout.addWidget(self.footer_label)
        self._describe(" ".join(t for t in (ev.headline(), overdue) if t))

    def _add_ask_button(self, layout: QVBoxLayout, missing: str, why: str) -> None:
        words = ASK_FOR[missing]
        if not self.is_own and missing in ASK_FOR_SOMEONE:
            words = ASK_FOR_SOMEONE[missing].format(name=self.item.user.name)
        button = QPushButton(words + "…")
        button.setToolTip(why)
        button.setAccessibleDescription(why)
        button.clicked.connect(lambda _=False, m=missing: self.askFor.emit(m))
        row = QHBoxLayout()
        row.addWidget(button)
        row.addStretch(1)
        layout.insertLayout(3 + len(self.ask_buttons), row)
        self.ask_buttons[missing] = button

    def _describe(self, what: str) -> None:
        self.setAccessibleName(f"{license_title(self.item)}: {STATUS_WORDS[self.item.status]}")
        self.setAccessibleDescription(what)

    def _add_bars(self, layout: QVBoxLayout, item: LicenseStatus) -> None:
        ev = item.evaluation
        assert ev is not None
        status = ev.status
        if ev.required_total:  # none, or nothing asked (an exempt first period)
            span = (ev.period_end - ev.period_start).days + 1
            pace = ((ev.as_of - ev.period_start).days + 1) / span
            # New York: 24 h in one subject meets the rule, so the 40 h total is not missing.
            option = chosen_option(extra_components(ev.components), item.license.jurisdiction)
            waived = option is not None and ev.counted_total < ev.required_total
            waived = waived and not ev.shortfall_total
            self.bars["total"] = HoursBar(
                "Total",
                ev.counted_total,
                ev.required_total,
                status,
                pace=None if waived else pace,
                detail=f"Not needed in full: {option} is met" if waived else "",
                met=True if waived else None,
            )
        if ev.required_ethics:
            label = "Ethics"
            if ev.ethics_jurisdiction:
                label += f" ({ev.ethics_jurisdiction}-approved)"
            detail = ""
            if (ev.ethics_period_start, ev.ethics_period_end) != (ev.period_start, ev.period_end):
                detail = (
                    f"Ethics period {day_text(ev.ethics_period_start)} – "
                    f"{day_text(ev.ethics_period_end)}"
                )
            self.bars["ethics"] = HoursBar(
                label, ev.counted_ethics, ev.required_ethics, status, detail=detail
            )
        if ev.required_technical:
            self.bars["technical"] = HoursBar(
                "Technical", ev.counted_technical, ev.required_technical, status
            )
        # The current year's minimum; a one-year period's minimum is the total bar already.
        year = next((y for y in ev.annual if y.year_start <= ev.as_of <= y.year_end), None)
        whole = (ev.period_start, ev.period_end)
        if year is not None and (year.year_start, year.year_end) != whole:
            self.bars["annual"] = HoursBar(
                "This year's minimum",
                year.counted,
                year.required,
                status,
                detail=f"Year {day_text(year.year_start)} – {day_text(year.year_end)}",
            )
        for bar in self.bars.values():
            layout.addWidget(bar)

    def _notes(self) -> list[str]:
        ev = self.item.evaluation
        assert ev is not None
        notes = [
            f"The year ending {day_text(y.year_end)} fell {hours_text(y.required - y.counted)} h "
            f"short of its {hours_text(y.required)} h minimum"
            for y in ev.annual
            if y.judged and not y.met
        ]
        if ev.carryover_in:
            notes.append(f"Includes {hours_text(ev.carryover_in)} h carried over")
        for cap in ev.caps:
            if cap.dropped > 0:
                notes.append(
                    f"{CAP_NAMES.get(cap.cap, cap.cap)}: {hours_text(cap.dropped)} h not counted"
                )
        return notes


__all__ = [
    "ASK_FOR",
    "STATUS_WORDS",
    "card_facts",
    "LicenseCard",
    "LicenseFrame",
    "day_text",
    "license_title",
    "no_rule_text",
    "status_glyph",
    "status_pixmap",
    "status_word",
    "text_label",
]
