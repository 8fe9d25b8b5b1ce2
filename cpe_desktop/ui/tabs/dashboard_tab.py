"""The dashboard: is every license compliant for its current period, and if not, what is missing?

Why this module exists: it is the first thing a person sees. It asks the compliance service
(``services.compliance.evaluate_licenses``) for every license in view as of the clock's today and
lays the answers out: a person's own licenses as large cards; a firm administrator looking at
several people gets the firm view, one compact row per person × license, most urgent first, under a
count per status, column titles that stay put while the rows scroll, and a filter box. An
administrator chooses between "My licenses" (their own cards; the default when they hold any) and
"Firm" (everyone's; the default when they hold none); the choice is remembered per person.
Clicking a card or row (or Enter/Space on it) emits ``openRecords`` with the ids of the records
that count toward it; the main window shows them on the CPE Records tab.

It refreshes when records, licenses, requirements, users, credentials or attachments change (while
hidden it only notes that it is stale and refreshes when shown again), keeping the scroll
position and the focused card, and rebuilds its colours when the theme's scheme changes.

At the program's start (``fill_after_paint``) the window's first paint does not wait for the
compliance engine (issue 18: importing it and the rules, and evaluating, would delay the first
picture): the tab is built with its frame and a "Working out…" line, never a status, and is
filled by ``fill`` once the window has been painted (``MainWindow`` queues it first of the work
after the paint). The cards and the firm view's rows (``ui/widgets``) and the compliance service
are imported when first needed.
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QEvent, QObject, QSettings, Signal
from PySide6.QtGui import QFontMetrics, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QScrollBar,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop.services.changes import (
    ATTACHMENTS,
    CREDENTIALS,
    LICENSES,
    RECORDS,
    REQUIREMENTS,
    USERS,
    Changes,
)
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.qt_numbers import ALIGN_CENTER, set_by_number
from cpe_desktop.ui.theme import theme_signals

if TYPE_CHECKING:  # imported when the tab is first filled (see the module's docstring)
    from PySide6.QtWidgets import QGridLayout

    from cpe_desktop.services.compliance import LicenseStatus
    from cpe_desktop.ui.widgets.firm_row import FirmHeader
    from cpe_desktop.ui.widgets.license_card import LicenseFrame

# A missing fact (Issue.missing) -> the license form's field that gives it.
ASK_FIELDS = {
    "period_end": "period_end_override",
    "issue_date": "issued_on",
    "license_number": "license_number",
}
REFRESH_ON = frozenset({RECORDS, LICENSES, REQUIREMENTS, USERS, CREDENTIALS, ATTACHMENTS})
CARD_MIN_WIDTH = 360  # below this a card's bars get too short to read: fewer columns instead
MAX_CARD_COLUMNS = 3
SIDE = 24  # the page's left and right margin
SUMMARY_ORDER = ("overdue", "at_risk", "on_track", "complete", "no_rule")
MINE, FIRM = "mine", "firm"  # an administrator's choice: their own licenses, or everyone's
WORKING_TEXT = "Working out where each license stands…"
EMPTY_TEXT = (
    "No licenses yet.\n\nAdd the licenses you hold on the Licenses tab (credential and "
    "jurisdiction, e.g. CPA — Texas), then log your courses on the CPE Records tab (Ctrl+N). "
    "This page will then show, for each license, what is still missing and by when."
)


def summary_counts(items: list[LicenseStatus]) -> list[tuple[str, int]]:
    """(status, count) in urgency order; the four statuses always, "no rule" only when present."""
    counts = Counter(item.status for item in items)
    return [(s, counts[s]) for s in SUMMARY_ORDER if counts[s] or s != "no_rule"]


def summary_words(status: str, count: int) -> str:
    from cpe_desktop.ui.widgets.license_card import STATUS_WORDS

    if status == "no_rule":
        return f"{count} without a rule"
    return f"{count} {STATUS_WORDS[status].lower()}"


def matches(item: LicenseStatus, words: list[str]) -> bool:
    """Whether every word occurs in the person's name, the license or the status word."""
    from cpe_desktop.ui.widgets.license_card import STATUS_WORDS, license_title

    text = f"{item.user.name} {license_title(item)} {STATUS_WORDS[item.status]}".casefold()
    return all(word in text for word in words)


def empty_state(text: str) -> QLabel:
    label = QLabel(text)
    label.setProperty("role", "empty-state")
    set_by_number(label, "alignment", ALIGN_CENTER)  # (made before the first paint)
    label.setWordWrap(True)
    return label


# --- the firm view's rows -------------------------------------------------------------------


class DashboardTab(QWidget):
    # An attribute that hides QWidget.scroll(), a method this class never calls.
    scroll: QScrollArea  # type: ignore[assignment]
    """Every license in view with its compliance, as cards or, for a firm, as rows."""

    openRecords = Signal(object)

    def __init__(
        self,
        ctx: ServiceContext,
        bus: ChangeBus,
        parent: QWidget | None = None,
        *,
        fill_after_paint: bool = False,
    ) -> None:
        """``fill_after_paint``: built with "Working out…" only, filled by ``fill`` (the start's
        window calls it once painted); otherwise filled at once."""
        super().__init__(parent)
        self.ctx = ctx
        self.bus = bus
        self.items: list[LicenseStatus] = []
        self.cards: list[LicenseFrame] = []
        self.firm_view = False
        self.summary_text = ""
        self._columns = 0
        self._grid: QGridLayout | None = None
        self._stale = False

        # Above the scrolling part: heading, counts (and the filter), the firm view's titles.
        self.heading = QLabel()
        self.heading.setProperty("role", "heading")
        # "My licenses / Firm": administrators only, once someone else holds a license.
        self.scope = cast("str | None", QSettings().value(self._scope_key(), None))
        self.scope_bar = QWidget()
        scope_row = QHBoxLayout(self.scope_bar)
        scope_row.setContentsMargins(0, 0, 0, 0)
        scope_row.setSpacing(0)
        self.scope_group = QButtonGroup(self)
        self.scope_buttons: dict[str, QPushButton] = {}
        for key, text in ((MINE, "My licenses"), (FIRM, "Firm")):
            button = QPushButton(text)
            button.setCheckable(True)
            button.setAccessibleName(f"Show {text.lower()}" if key == MINE else "Show the firm")
            self.scope_group.addButton(button)
            scope_row.addWidget(button)
            self.scope_buttons[key] = button
            button.clicked.connect(lambda _checked=False, key=key: self.set_scope(key))
        self.scope_bar.hide()
        self._scope_dressed = False  # its bold look: when the choice is first offered
        self.summary = QWidget()
        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by person, license or status…")
        self.filter.setAccessibleName("Filter the firm view")
        # Shown only in the firm view (``_show_filter``): hidden until then, its clear button
        # given when first shown (Qt loads the style's icon for it, 9 ms the first time under
        # X11: not before the window's first paint).
        self.filter.hide()
        self.filter.setMinimumWidth(self.filter.fontMetrics().horizontalAdvance("M" * 24))
        self.filter.textChanged.connect(self._apply_filter)
        self.header: FirmHeader | None = None
        self.top = QVBoxLayout()
        self.top.setContentsMargins(SIDE, 20, SIDE, 6)
        self.top.setSpacing(8)
        heading_row = QHBoxLayout()
        heading_row.addWidget(self.heading, 1)
        heading_row.addWidget(self.scope_bar)
        self.top.addLayout(heading_row)
        counts = QHBoxLayout()
        counts.addWidget(self.summary, 1)
        counts.addWidget(self.filter)
        self.top.addLayout(counts)

        self.scroll = QScrollArea()
        self.scroll.setWidgetResizable(True)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        # Only a window narrower than one card shows a horizontal bar: nothing is ever cut off.
        # The viewport is made here, like Qt's own (that name, a filled background), so that Qt
        # never hands it to Python: PySide6 would first load every widget class it might be.
        self._viewport = QWidget()
        self._viewport.setObjectName("qt_scrollarea_viewport")
        self._viewport.setAutoFillBackground(True)
        self.scroll.setViewport(self._viewport)
        self._viewport.setBackgroundRole(QPalette.ColorRole.Window)
        self._viewport.installEventFilter(self)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addLayout(self.top)
        layout.addWidget(self.scroll, 1)

        self.verticalScrollBar().rangeChanged.connect(self._align_top)
        bus.changed.connect(self.on_changes)
        theme_signals().schemeChanged.connect(self._on_scheme_changed)
        self.waiting = fill_after_paint
        if fill_after_paint:
            self._stale = True
            self.working = empty_state(WORKING_TEXT)
            self.working.setAccessibleName(WORKING_TEXT)
            self.scroll.setWidget(self.working)
        else:
            self.refresh()

    def fill(self) -> None:
        """The first fill of a tab built with ``fill_after_paint`` (nothing once filled)."""
        if not self.waiting:
            return
        self.waiting = False
        if self.isVisible():
            self.refresh()

    def _show_filter(self, shown: bool) -> None:
        """The firm view's filter shown or hidden; given its clear button when first shown."""
        if shown and not self.filter.isClearButtonEnabled():
            self.filter.setClearButtonEnabled(True)
        self.filter.setVisible(shown)

    # --- my licenses or the firm's ---------------------------------------------------------

    def _scope_key(self) -> str:
        return f"people/user-{self.ctx.actor.user_id}/dashboard/scope"

    def set_scope(self, scope: str) -> None:
        """Show the administrator's own licenses (``MINE``) or everyone's (``FIRM``)."""
        if scope not in (MINE, FIRM):
            raise ValueError(f"scope must be {MINE!r} or {FIRM!r}, not {scope!r}")
        if scope == self.scope:
            return
        self.scope = scope
        QSettings().setValue(self._scope_key(), scope)
        self.filter.clear()
        self.refresh()

    def _in_scope(self, everyone: list[LicenseStatus]) -> list[LicenseStatus]:
        """The licenses to show, and whether the choice between mine and the firm's is offered."""
        me = self.ctx.actor.user_id
        mine = [item for item in everyone if item.user.user_id == me]
        others = len(mine) < len(everyone)
        offered = self.ctx.actor.is_admin and me is not None and others
        if offered:
            self._dress_scope_bar()
        self.scope_bar.setVisible(offered)
        if not offered:
            return everyone
        scope = self.scope if self.scope in (MINE, FIRM) else (MINE if mine else FIRM)
        for key, button in self.scope_buttons.items():
            button.setChecked(key == scope)
        return mine if scope == MINE else everyone

    def _dress_scope_bar(self) -> None:
        """The choice's buttons with room for their words in bold, and the chosen one in bold;
        done when it is first offered (the bar is hidden until then), not while the window is
        built: the bold font's metrics and the bar's own style sheet are some 4 M instructions
        the first paint does not need."""
        if self._scope_dressed:
            return
        self._scope_dressed = True
        for key, text in ((MINE, "My licenses"), (FIRM, "Firm")):
            button = self.scope_buttons[key]
            bold = button.font()
            bold.setBold(True)  # room for the words in bold, as when chosen (below)
            button.setMinimumWidth(QFontMetrics(bold).horizontalAdvance(text) + 32)
        # The chosen side reads as chosen in either theme, not by its shade alone.
        self.scope_bar.setStyleSheet("QPushButton:checked { font-weight: bold; }")

    def verticalScrollBar(self) -> QScrollBar:
        return self.scroll.verticalScrollBar()

    def _align_top(self, _minimum: int = 0, maximum: int = 0) -> None:
        # The filter box ends where the rows end: left of the scroll bar while there is one.
        bar = self.verticalScrollBar().sizeHint().width() if maximum > 0 else 0
        self.top.setContentsMargins(SIDE, 20, SIDE + bar, 6)

    # --- reacting ---------------------------------------------------------------------------

    def on_changes(self, changes: Changes) -> None:
        if not (REFRESH_ON & changes.kinds):
            return
        if self.isVisible() and not self.waiting:
            self.refresh()
        else:
            self._stale = True

    def _on_scheme_changed(self, _scheme: str) -> None:
        # Status words and glyphs take their colours when built: build them again (a hidden
        # dashboard, say a closed window's, only notes it and rebuilds when shown).
        if self.isVisible() and not self.waiting:
            self.refresh()
        else:
            self._stale = True

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale and not self.waiting:
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # The viewport's width decides how many cards fit side by side.
        resized = event.type() == QEvent.Type.Resize and self._grid is not None
        if resized and self._card_columns() != self._columns:
            self._place_cards()
        return super().eventFilter(watched, event)

    # --- building ---------------------------------------------------------------------------

    def refresh(self) -> None:
        """Evaluate again and rebuild, keeping the scroll position and the focused card."""
        from cpe_desktop.services.compliance import evaluate_licenses
        from cpe_desktop.ui.widgets.license_card import LicenseCard, day_text

        self.waiting = False
        self._stale = False
        scroll = self.verticalScrollBar().value()
        # focusWidget(), not hasFocus(): the focus is kept while another window is active too.
        current = self.focusWidget()
        focused = next(
            (
                c.item.license.license_id
                for c in self.cards
                if current is not None and (c is current or c.isAncestorOf(current))
            ),
            None,
        )
        as_of = self.ctx.clock.today()
        self.items = self._in_scope(evaluate_licenses(self.ctx, as_of=as_of))
        holders = {item.user.user_id for item in self.items}
        self.firm_view = self.ctx.actor.is_admin and len(holders) > 1
        is_admin = self.ctx.actor.is_admin
        if self.firm_view:
            self.heading.setText(
                f"Firm compliance — {len(self.items):,} licenses of {len(holders):,} people, "
                f"as of {day_text(as_of)}"
            )
        else:
            self.heading.setText(f"Your licenses — as of {day_text(as_of)}")
        self._show_filter(self.firm_view)
        self._build_summary()
        if self.header is not None:
            self.header.hide()
            self.top.removeWidget(self.header)
            self.header.deleteLater()
            self.header = None

        body = QWidget()
        body.setBackgroundRole(QPalette.ColorRole.Window)
        layout = QVBoxLayout(body)
        layout.setContentsMargins(SIDE, 4 if self.firm_view else 12, SIDE, SIDE)
        layout.setSpacing(4 if self.firm_view else 6)
        self._grid = None
        self.cards = []
        self.no_match = empty_state("")
        self.no_match.hide()
        if not self.items:
            self.empty_label = empty_state(EMPTY_TEXT)
            layout.addWidget(self.empty_label)
        elif self.firm_view:
            self._build_rows(layout, is_admin)
        else:
            self._build_cards(layout, is_admin)
        layout.addWidget(self.no_match)
        layout.addStretch(1)
        for card in self.cards:
            card.activated.connect(lambda card=card: self.openRecords.emit(list(card.record_ids)))
            if isinstance(card, LicenseCard):
                card.askFor.connect(lambda missing, card=card: self.ask_for(card.item, missing))
        self.scroll.setWidget(body)  # deletes the previous body
        self._apply_filter()
        cast(QLayout, body.layout()).activate()
        self.verticalScrollBar().setValue(scroll)
        for card in self.cards:
            if card.item.license.license_id == focused:
                card.setFocus()  # (Qt's OtherFocusReason)
                break

    def ask_for(self, item: LicenseStatus, missing: str) -> None:
        """Open the form where the missing fact is given, on its field; save refreshes."""
        from cpe_desktop.ui.forms.registry import open_editor  # the forms: when first opened

        if missing == "birth_date":
            outcome = open_editor(self, "users", self.ctx, item.user.user_id, "birth_date")
        else:
            field = ASK_FIELDS.get(missing, "period_end_override")
            outcome = open_editor(self, "licenses", self.ctx, item.license.license_id, field)
        self.bus.publish(outcome)

    def _build_summary(self) -> None:
        from cpe_desktop.ui.widgets.license_card import status_pixmap

        summary = QWidget()
        row = QHBoxLayout(summary)
        row.setContentsMargins(0, 0, 0, 0)
        row.setSpacing(6)
        parts = []
        for status, count in summary_counts(self.items) if self.items else []:
            glyph = QLabel()
            glyph.setPixmap(status_pixmap(status, 16, self.devicePixelRatioF()))
            words = summary_words(status, count)
            text = QLabel(words)
            if count == 0:
                text.setForegroundRole(QPalette.ColorRole.PlaceholderText)
            row.addWidget(glyph)
            row.addWidget(text)
            row.addSpacing(14)
            parts.append(words)
        row.addStretch(1)
        self.summary_text = " · ".join(parts)
        summary.setAccessibleName(self.summary_text)
        self.top.replaceWidget(self.summary, summary)
        self.summary.hide()
        self.summary.deleteLater()
        self.summary = summary

    def _build_rows(self, layout: QVBoxLayout, is_admin: bool) -> None:
        from cpe_desktop.ui.widgets.firm_row import (
            FirmHeader,
            FirmRow,
            apply_widths,
            natural_widths,
        )

        self.header = FirmHeader()
        rows = [FirmRow(item, is_admin=is_admin) for item in self.items]
        widths = natural_widths(self.header.cells)
        for row in rows:
            for key, width in natural_widths(row.cells).items():
                widths[key] = max(widths[key], width)
        apply_widths(self.header.cells, widths)
        self.top.addWidget(self.header)
        for row in rows:
            apply_widths(row.cells, widths)
            layout.addWidget(row)
        self.cards = list(rows)

    def _apply_filter(self) -> None:
        words = self.filter.text().casefold().split() if self.firm_view else []
        shown = 0
        for card in self.cards:
            visible = matches(card.item, words)
            card.setVisible(visible)
            shown += visible
        self.no_match.setVisible(bool(self.cards) and not shown)
        self.no_match.setText(
            f"No license matches “{self.filter.text().strip()}”. Clear the filter to see all."
        )

    def _build_cards(self, layout: QVBoxLayout, is_admin: bool) -> None:
        from cpe_desktop.ui.widgets.license_card import LicenseCard

        # Named whenever a card is not the viewer's own (an administrator whose firm has one
        # other holder sees that person's cards, not rows).
        me = self.ctx.actor.user_id
        show_holder = any(item.user.user_id != me for item in self.items)
        self.cards = [
            LicenseCard(
                item,
                show_holder=show_holder,
                is_admin=is_admin,
                is_own=item.user.user_id == self.ctx.actor.user_id,
            )
            for item in self.items
        ]
        from PySide6.QtWidgets import QGridLayout  # (filled after the first paint)

        self._grid = QGridLayout()
        self._grid.setSpacing(16)
        layout.addLayout(self._grid)
        self._place_cards()

    def _card_columns(self) -> int:
        """As many columns as cards fit side by side, each at least as wide as the widest card
        needs (a line that cannot wrap), so no card reaches past the right edge."""
        width = self._viewport.width() - 2 * SIDE
        needed = max([CARD_MIN_WIDTH, *(card.minimumSizeHint().width() for card in self.cards)])
        fits = max(1, (width + 16) // (needed + 16))
        return max(1, min(fits, len(self.cards), MAX_CARD_COLUMNS))

    def _place_cards(self) -> None:
        assert self._grid is not None
        self._columns = self._card_columns()
        for card in self.cards:
            self._grid.removeWidget(card)
        for index, card in enumerate(self.cards):
            self._grid.addWidget(card, index // self._columns, index % self._columns)
        for column in range(MAX_CARD_COLUMNS):
            self._grid.setColumnStretch(column, 1 if column < self._columns else 0)
