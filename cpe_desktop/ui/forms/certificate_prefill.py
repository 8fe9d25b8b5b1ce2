"""Pre-filling the record form from a PDF certificate, and making sure the user checks it.

When a certificate is attached (chosen or dropped), the text of a PDF is read
(:mod:`cpe_desktop.services.certificate_text`) and what it names goes into the form's fields that
are still empty: what the user typed is never replaced. Every value put in is marked, with a
highlight, a "From certificate — please check" badge and a tooltip quoting the certificate line
it came from, because a misread date or field of study would count wrongly toward a license.
A mark goes when the user edits that field or confirms all values ("Confirm pre-filled values",
Alt+F); saving while marks remain asks whether they were checked, "Check them first" being the
default answer. A course topic the rules name is ticked when the title names it ("Regulatory
Review" -> "California Regulatory Review") and marked the same way. Attaching another
certificate first withdraws the unchecked values of the last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QWidget,
)

from cpe_desktop.services.certificate_names import find_topics
from cpe_desktop.services.certificate_text import CertificateFacts, Fact, read_certificate
from cpe_desktop.ui.forms.inputs import jurisdictions

if TYPE_CHECKING:
    from cpe_desktop.ui.forms.record_form import RecordForm

NOTE = "From certificate \u2014 please check"
CONFIRM_TEXT = "Con&firm pre-filled values"
# Single-valued facts and the record form inputs they fill, in the form's order.
FILLED = ("title", "sponsor", "sponsor_id", "completed_on", "delivery_method")


@dataclass
class _Mark:
    """One pre-filled input (or credits line) not yet checked by the user."""

    label: str
    widgets: list[QWidget]
    badge: QLabel | None = None
    restore: Callable[[], None] | None = field(default=None, repr=False)
    tips: list[str] = field(default_factory=list)  # the inputs' own tooltips, given back
    outlines: list[QWidget] = field(default_factory=list)


class _Outline(QWidget):
    """A ring in the theme's accent colour over a pre-filled input's frame; clicks pass through.

    Painted, not styled: a style sheet on a combo box or date edit drops Fusion's arrow, and it
    would fight the error colours the form sets. The ring follows its input and goes with it.
    """

    def __init__(self, target: QWidget) -> None:
        super().__init__(target.parentWidget())
        self.target = target
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        target.installEventFilter(self)
        target.destroyed.connect(self.deleteLater)
        self._follow()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() in (QEvent.Type.Move, QEvent.Type.Resize, QEvent.Type.Show):
            self._follow()
        elif event.type() == QEvent.Type.Hide:
            self.hide()
        return False

    def _follow(self) -> None:
        self.setGeometry(self.target.geometry())
        self.setVisible(self.target.isVisible())
        self.raise_()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.palette().color(QPalette.ColorRole.Highlight), 2))
        painter.drawRoundedRect(QRectF(self.rect()).adjusted(1, 1, -1, -1), 3, 3)


def _badge(text: str = NOTE) -> QLabel:
    badge = QLabel(text)
    badge.setProperty("role", "banner")  # the theme's info colours, light and dark
    badge.setProperty("level", "info")
    badge.setStyleSheet("padding: 0 6px;")  # a compact pill under the input
    return badge


class CertificatePrefill(QObject):
    """The record form's pre-fill: fills empty inputs from a certificate and tracks the marks."""

    def __init__(self, form: RecordForm) -> None:
        super().__init__(form)
        self.form = form
        self.marks: dict[QWidget | str, _Mark] = {}  # by input key, or a credits line's combo
        self._filling = False
        self._date_touched = False
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.confirm_button = QPushButton(CONFIRM_TEXT)
        self.confirm_button.setToolTip("I have compared every marked value with the certificate")
        self.confirm_button.setAutoDefault(False)
        self.confirm_button.clicked.connect(self.confirm_all)
        self.banner = QFrame()
        self.banner.setProperty("role", "banner")
        self.banner.setProperty("level", "info")
        row = QHBoxLayout(self.banner)
        row.setContentsMargins(8, 4, 8, 4)
        row.addWidget(self.message, 1)
        row.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = form.layout()  # the form's column: errors, fields, buttons; the banner sits
        layout.insertWidget(layout.indexOf(form.buttons), self.banner)  # just above Save
        self._show_banner(None)
        date = form.inputs["completed_on"].widget
        date.dateChanged.connect(lambda *_: self._date_edited())
        form.grid.table.model().rowsRemoved.connect(self._lines_removed)

    # --- filling ------------------------------------------------------------------------------

    def attached(self, path: Path) -> None:
        """A certificate was attached: fill what is empty from it and say what happened."""
        self.withdraw()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            facts = read_certificate(path)
        finally:
            QApplication.restoreOverrideCursor()
        self.fill(facts)

    def fill(self, facts: CertificateFacts) -> int:
        """Put ``facts`` into the empty inputs, marked; returns how many were filled."""
        if facts.is_empty():
            self._show_banner(f"Nothing was filled in from the certificate: {facts.reason}.")
            return 0
        filled = skipped = 0
        self._filling = True
        try:
            for key in FILLED:
                fact = getattr(facts, key)
                if fact is None:
                    continue
                if self._fillable(key, fact):
                    self._fill_input(key, fact)
                    filled += 1
                else:
                    skipped += 1
            filled += self._propose_topics(facts)
            lines = self._lines(facts)
            if lines and self._grid_is_blank():
                filled += self._fill_grid(lines)
            elif lines:
                skipped += 1
        finally:
            self._filling = False
        self._summarise(filled, skipped)
        if filled:
            self._grow()
        return filled

    def _grow(self) -> None:
        """Make the form taller by what the badges added, as far as the screen allows."""
        form = self.form
        scroll = form.findChild(QScrollArea)
        scroll.widget().layout().activate()
        hidden = scroll.widget().sizeHint().height() - scroll.viewport().height()
        screen = form.screen().availableGeometry().height() if form.screen() else 840
        if hidden > 0:
            form.resize(form.width(), min(form.height() + hidden, max(screen - 80, form.height())))

    def _fillable(self, key: str, fact: Fact) -> bool:
        made = self.form.inputs[key]
        if key == "completed_on":
            # A new record's date starts at today; it is the user's once they change it.
            today = self.form.ctx.clock.today()
            new = self.form.record_id is None
            return new and not self._date_touched and fact.value <= today
        return made.is_empty()

    def _fill_input(self, key: str, fact: Fact) -> None:
        made = self.form.inputs[key]
        before = made.current()
        made.set_value(fact.value)
        label = next(f.label for f in self.form.fields if f.key == key)

        def restore() -> None:
            made.set_value(before)

        badge = _badge()
        badge.setToolTip(self._tooltip(fact.source))
        # Each input sits in a column with its message under it; the badge goes between.
        cell = made.widget.parentWidget().layout()
        cell.insertWidget(cell.indexOf(made.widget) + 1, badge, 0, Qt.AlignmentFlag.AlignLeft)
        badge.show()  # now, so the form can make room for it at once
        self._mark(key, _Mark(label, list(made.focus), badge, restore), fact.source)

    def _propose_topics(self, facts: CertificateFacts) -> int:
        """Tick the course topics the certificate's title names ("Regulatory Review" ->
        "California Regulatory Review"), marked like the other values, when none is ticked."""
        topics = self.form.topics
        if topics is None or facts.title is None or not topics.is_empty():
            return 0
        found = find_topics(facts.title.value, self.form.known_topics, jurisdictions())
        if not found:
            return 0
        topics.set_value(found)

        def restore() -> None:
            topics.set_value([])

        badge = _badge()
        badge.setToolTip(self._tooltip(facts.title.source))
        cell = topics.widget.parentWidget().layout()
        cell.insertWidget(cell.indexOf(topics.widget) + 1, badge, 0, Qt.AlignmentFlag.AlignLeft)
        badge.show()
        self._mark("topics", _Mark("Topics", [topics.widget], badge, restore), facts.title.source)
        return 1

    def _lines(self, facts: CertificateFacts) -> list[tuple[str | None, str, str]]:
        """Credits lines (field, credits, source) the certificate gives."""
        if facts.fields:
            return [
                (f.value.field, "" if f.value.credits is None else str(f.value.credits), f.source)
                for f in facts.fields
            ]
        if facts.credits is not None:  # the total without a field: the user picks the field
            return [(None, str(facts.credits.value), facts.credits.source)]
        return []

    def _grid_is_blank(self) -> bool:
        return all(field is None and not text for field, text in self.form.grid.lines())

    def _fill_grid(self, lines: list[tuple[str | None, str, str]]) -> int:
        grid = self.form.grid
        while grid.count() > 1:
            grid.remove_line(grid.count() - 1)
        for number, (field_name, credits, source) in enumerate(lines):
            row = 0 if number == 0 else grid.add_line()
            combo, edit = grid.field_combo(row), grid.credits_edit(row)
            combo.setCurrentIndex(max(combo.findData(field_name), 0) if field_name else 0)
            edit.setText(credits)
            self._mark(combo, _Mark(f"Credits line {row + 1}", [combo, edit]), source)
        self._grid_badge()
        return len(lines)

    # --- marks --------------------------------------------------------------------------------

    def _mark(self, key: QWidget | str, mark: _Mark, source: str) -> None:
        self.marks[key] = mark
        mark.tips = [widget.toolTip() for widget in mark.widgets]
        for widget in mark.widgets:
            mark.outlines.append(_Outline(widget))
            widget.setToolTip(self._tooltip(source))
            widget.setAccessibleDescription(f"{NOTE}. {self._tooltip(source)}")
            if not widget.property("prefill-watched"):
                widget.setProperty("prefill-watched", True)
                for signal in _edit_signals(widget):
                    signal.connect(lambda *_, w=widget: self._edited(w))

    def _tooltip(self, source: str) -> str:
        quoted = source.replace("\n", " / ")
        return f"Read from the certificate: \u201c{quoted}\u201d"

    def _edited(self, widget: QWidget) -> None:
        if self._filling:
            return
        for key, mark in list(self.marks.items()):
            if widget in mark.widgets:
                self._clear(key)
        self._update_banner()

    def _date_edited(self) -> None:
        if not self._filling:
            self._date_touched = True

    def _lines_removed(self) -> None:
        """A removed credits line takes its mark with it."""
        grid = self.form.grid
        present = {grid.field_combo(row) for row in range(grid.count())}
        for key in [k for k in self.marks if not isinstance(k, str) and k not in present]:
            self._clear(key)
        if not self._filling:
            self._update_banner()

    def _clear(self, key: QWidget | str) -> None:
        mark = self.marks.pop(key, None)
        if mark is None:
            return
        for outline in mark.outlines:
            outline.target.removeEventFilter(outline)
            outline.hide()
            outline.deleteLater()
        for widget, tip in zip(mark.widgets, mark.tips, strict=True):
            widget.setToolTip(tip)
            widget.setAccessibleDescription("")
        if mark.badge is not None:
            mark.badge.hide()
            mark.badge.deleteLater()
        self._grid_badge()

    def _grid_badge(self) -> None:
        """One badge under the credits grid while any of its lines is unchecked."""
        badge = getattr(self, "_grid_note", None)
        lines = [k for k in self.marks if not isinstance(k, str)]
        if lines and badge is None:
            self._grid_note = _badge(f"Credits lines: {NOTE[0].lower()}{NOTE[1:]}")
            column = self.form.grid.layout()
            at = column.indexOf(self.form.grid.table) + 1
            column.insertWidget(at, self._grid_note, 0, Qt.AlignmentFlag.AlignLeft)
            self._grid_note.show()
        elif not lines and badge is not None:
            badge.hide()
            badge.deleteLater()
            self._grid_note = None

    def pending(self) -> list[str]:
        """The names of the pre-filled values not yet checked, in the form's order."""
        named = [self.marks[k].label for k in (*FILLED, "topics") if k in self.marks]
        grid = self.form.grid
        rows = [r for r in range(grid.count()) if grid.field_combo(r) in self.marks]
        return named + [f"Credits line {r + 1}" for r in rows]

    def confirm_all(self) -> None:
        """The user checked every marked value: the marks go."""
        for key in list(self.marks):
            self._clear(key)
        self._update_banner()

    def withdraw(self) -> None:
        """Take back the values still unchecked (another certificate is being attached)."""
        self._filling = True
        try:
            for key in list(self.marks):
                mark = self.marks[key]
                if mark.restore is not None:
                    mark.restore()
                elif isinstance(key, QWidget):
                    self._blank_line(key)
                self._clear(key)
        finally:
            self._filling = False
        self._show_banner(None)

    def _blank_line(self, combo: QWidget) -> None:
        grid = self.form.grid
        for row in range(grid.count()):
            if grid.field_combo(row) is combo:
                if grid.count() > 1:
                    grid.remove_line(row)
                else:
                    combo.setCurrentIndex(0)
                    grid.credits_edit(row).clear()
                return

    # --- telling the user ---------------------------------------------------------------------

    def _summarise(self, filled: int, skipped: int) -> None:
        kept = " Fields you had already filled in were left as they were." if skipped else ""
        if not filled:
            self._show_banner(f"Nothing was filled in from the certificate.{kept}")
            return
        self._update_banner(kept)

    def _update_banner(self, extra: str = "") -> None:
        count = len(self.pending())
        if count:
            values = "1 value" if count == 1 else f"{count} values"
            self._show_banner(
                f"{values} from the certificate to check (marked \u201c{NOTE}\u201d): compare "
                f"each with the certificate, then correct it or confirm.{extra}",
                confirm=True,
            )
        elif self.confirm_button.isVisible():
            self._show_banner("All pre-filled values are checked.")

    def _show_banner(self, text: str | None, *, confirm: bool = False) -> None:
        self.message.setText(text or "")
        self.banner.setVisible(bool(text))
        self.confirm_button.setVisible(confirm)
        self.confirm_button.setEnabled(confirm)  # out of the Tab chain while hidden

    def confirm_before_save(self) -> bool:
        """True to go on saving: nothing is unchecked, or the user says they checked it all."""
        pending = self.pending()
        if not pending:
            return True
        count = len(pending)
        fields = "1 field was" if count == 1 else f"{count} fields were"
        them = "it" if count == 1 else "them"
        box = QMessageBox(self.form)
        box.setIcon(QMessageBox.Icon.Question)
        box.setWindowTitle("Check the pre-filled values")
        box.setText(f"{fields} filled from the certificate; have you checked {them}?")
        box.setInformativeText(
            "Not yet checked: " + ", ".join(pending) + ".\n\nA misread date, delivery method "
            "or field of study changes what counts toward your licenses."
        )
        save = box.addButton("&Yes, save", QMessageBox.ButtonRole.AcceptRole)
        check = box.addButton(f"&Check {them} first", QMessageBox.ButtonRole.RejectRole)
        box.setDefaultButton(check)
        box.setEscapeButton(check)
        box.exec()
        if box.clickedButton() is save:
            self.confirm_all()
            return True
        self.form.activateWindow()  # back from the box, at the first value to check
        next(iter(self.marks.values())).widgets[0].setFocus(Qt.FocusReason.OtherFocusReason)
        return False


def _edit_signals(widget: QWidget) -> list[Any]:
    """The signals that say an input's value changed (programmatic changes are filtered out)."""
    names = ("textChanged", "currentIndexChanged", "dateChanged", "dateTimeChanged", "changed")
    return [getattr(widget, name) for name in names if hasattr(widget, name)]
