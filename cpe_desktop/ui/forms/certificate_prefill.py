"""Pre-filling the record form from a PDF certificate, and making sure the user checks it.

When a certificate is attached (chosen or dropped), the text of a PDF is read
(:mod:`cpe_desktop.services.certificates.text`) and what it names goes into the form's fields that
are still empty: what the user typed is never replaced. Every value put in is marked, with a
highlight, a "From certificate — please check" badge and a tooltip quoting the certificate line
it came from, because a misread date or field of study would count wrongly toward a license.
A mark goes when the user edits that field or confirms all values ("Confirm pre-filled values",
Alt+F); saving while marks remain asks whether they were checked, "Check them first" being the
default answer. A course topic the rules name is ticked when the title names it ("Regulatory
Review" -> "California Regulatory Review") and marked the same way. Attaching another
certificate first withdraws the unchecked values of the last.

A certificate that says something else than a field already filled in (a record typed with 8
Governmental credits, a certificate for 20 in Taxes) never overwrites it; the banner names the
fields that differ and "Show differences…" lists them, field by field, on the record and on the
certificate, with a box each: the chosen ones (or all) are applied and marked like any value
from the certificate; another certificate gives the record's own values back.
"""

from __future__ import annotations

import contextlib
from pathlib import Path
from typing import TYPE_CHECKING, cast

from PySide6.QtCore import QObject, Qt
from PySide6.QtWidgets import (
    QApplication,
    QDateTimeEdit,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QWidget,
)

from cpe_desktop.services import users
from cpe_desktop.services.certificates.names import find_topics
from cpe_desktop.services.certificates.text import CertificateFacts, Fact, read_certificate
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.ui.forms.certificate_differences import (  # noqa: F401 - also named here
    CertificateDifferences,
    Difference,
    DifferencesMixin,
)
from cpe_desktop.ui.forms.certificate_marks import NOTE, Mark, Outline, edit_signals, note_badge
from cpe_desktop.ui.forms.inputs import jurisdictions
from cpe_desktop.ui.layouts import box_of, parent_of

if TYPE_CHECKING:
    from cpe_desktop.ui.forms.record_form import RecordForm

CONFIRM_TEXT = "Con&firm pre-filled values"
DIFFERENCES_TEXT = "Show &differences\u2026"
# Single-valued facts and the record form inputs they fill, in the form's order.
FILLED = ("title", "sponsor", "sponsor_id", "completed_on", "delivery_method")


class CertificatePrefill(DifferencesMixin, QObject):
    _grid_note: QLabel | None  # set when first needed
    """The record form's pre-fill: fills empty inputs from a certificate and tracks the marks."""

    def __init__(self, form: RecordForm) -> None:
        super().__init__(form)
        self.form = form
        self.marks: dict[QWidget | str, Mark] = {}  # by input key, or a credits line's combo
        self.differences: list[Difference] = []  # what the certificate says otherwise
        self._grid_before: list[tuple[str | None, str]] | None = None  # lines it replaced
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
        self.differences_button = QPushButton(DIFFERENCES_TEXT)
        self.differences_button.setToolTip(
            "Compare the form with the certificate, field by field, and take what is right"
        )
        self.differences_button.setAutoDefault(False)
        self.differences_button.clicked.connect(self.show_differences)
        row.addWidget(self.message, 1)
        row.addWidget(self.differences_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.confirm_button, 0, Qt.AlignmentFlag.AlignVCenter)
        layout = box_of(form)  # the form's column: errors, fields, buttons; the banner sits
        layout.insertWidget(layout.indexOf(form.buttons), self.banner)  # just above Save
        self._show_banner(None)
        date = cast(QDateTimeEdit, form.inputs["completed_on"].widget)
        date.dateChanged.connect(lambda *_: self._date_edited())
        form.grid.table.model().rowsRemoved.connect(self._lines_removed)

    # --- filling ------------------------------------------------------------------------------

    def attached(self, path: Path) -> None:
        """A certificate was attached: fill what is empty from it and say what happened."""
        self.withdraw()
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            facts = read_certificate(path, person=self.people())
        finally:
            QApplication.restoreOverrideCursor()
        self.fill(facts)

    def people(self) -> tuple[str, ...]:
        """Whose certificate this is: the record's owner and the person signed in. Their names
        are never proposed as the program's title (certificates print them as prominently)."""
        names = [self.form.ctx.actor.name]
        owner = self.form._owner()
        if owner is not None and owner != self.form.ctx.actor.user_id:
            with contextlib.suppress(ServiceError):  # else only the person signed in
                names.append(users.get_user(self.form.ctx, owner).name)
        return tuple(name for name in names if name)

    def fill(self, facts: CertificateFacts) -> int:
        """Put ``facts`` into the empty inputs, marked; returns how many were filled."""
        if facts.is_empty():
            self._show_banner(f"Nothing was filled in from the certificate: {facts.reason}.")
            return 0
        filled = skipped = 0
        differences: list[Difference | None] = []
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
                    differences.append(self._difference(key, fact))
            filled += self._propose_topics(facts)
            lines = self._lines(facts)
            if lines and self._grid_is_blank():
                filled += self._fill_grid(lines)
            elif lines:
                skipped += 1
                differences.append(self._credits_difference(lines))
        finally:
            self._filling = False
        self.differences = [item for item in differences if item is not None]
        self._summarise(filled, skipped)
        if filled:
            self._grow()
        return filled

    def _grow(self) -> None:
        """Make the form taller by what the badges added, as far as the screen allows."""
        form = self.form
        scroll = cast(QScrollArea, form.findChild(QScrollArea))
        body = cast(QWidget, scroll.widget())
        box_of(body).activate()
        hidden = body.sizeHint().height() - scroll.viewport().height()
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

        badge = note_badge()
        badge.setToolTip(self._tooltip(fact.source))
        # Each input sits in a column with its message under it; the badge goes between.
        cell = box_of(parent_of(made.widget))
        cell.insertWidget(cell.indexOf(made.widget) + 1, badge, 0, Qt.AlignmentFlag.AlignLeft)
        badge.show()  # now, so the form can make room for it at once
        self._mark(key, Mark(label, list(made.focus), badge, restore), fact.source)

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

        badge = note_badge()
        badge.setToolTip(self._tooltip(facts.title.source))
        cell = box_of(parent_of(topics.widget))
        cell.insertWidget(cell.indexOf(topics.widget) + 1, badge, 0, Qt.AlignmentFlag.AlignLeft)
        badge.show()
        self._mark("topics", Mark("Topics", [topics.widget], badge, restore), facts.title.source)
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
            self._mark(combo, Mark(f"Credits line {row + 1}", [combo, edit]), source)
        self._gridbadge()
        return len(lines)

    # --- marks --------------------------------------------------------------------------------

    def _mark(self, key: QWidget | str, mark: Mark, source: str) -> None:
        self.marks[key] = mark
        mark.tips = [widget.toolTip() for widget in mark.widgets]
        for widget in mark.widgets:
            mark.outlines.append(Outline(widget))
            widget.setToolTip(self._tooltip(source))
            widget.setAccessibleDescription(f"{NOTE}. {self._tooltip(source)}")
            if not widget.property("prefill-watched"):
                widget.setProperty("prefill-watched", True)
                for signal in edit_signals(widget):
                    signal.connect(lambda *_, w=widget: self._edited(w))

    def _tooltip(self, source: str) -> str:
        """The certificate's own lines, one under the other (a wrapped title, a label over
        its value), as they are printed: quotes round them would clash with the certificate's."""
        lines = "\n".join(f"    {line}" for line in source.splitlines() if line.strip())
        return f"Read from the certificate:\n{lines}"

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
        self._gridbadge()

    def _gridbadge(self) -> None:
        """One badge under the credits grid while any of its lines is unchecked."""
        badge = getattr(self, "_grid_note", None)
        lines = [k for k in self.marks if not isinstance(k, str)]
        if lines and badge is None:
            self._grid_note = note_badge(f"Credits lines: {NOTE[0].lower()}{NOTE[1:]}")
            column = box_of(self.form.grid)
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
        # The form's own credits lines come back while the certificate's are still unchecked.
        lines_unchecked = any(not isinstance(key, str) for key in self.marks)
        self._filling = True
        try:
            for key in list(self.marks):
                mark = self.marks[key]
                if mark.restore is not None:
                    mark.restore()
                elif isinstance(key, QWidget):
                    self._blank_line(key)
                self._clear(key)
            if self._grid_before is not None and lines_unchecked:
                self._set_grid(self._grid_before)
        finally:
            self._filling = False
            self._grid_before = None
        self.differences = []
        self._show_banner(None)

    def _set_grid(self, lines: list[tuple[str | None, str]]) -> None:
        grid = self.form.grid
        while grid.count() > 1:
            grid.remove_line(grid.count() - 1)
        for number, (field_name, credits) in enumerate(lines or [(None, "")]):
            row = 0 if number == 0 else grid.add_line()
            combo = grid.field_combo(row)
            combo.setCurrentIndex(max(combo.findData(field_name), 0) if field_name else 0)
            grid.credits_edit(row).setText(credits)

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
            if skipped and not self.differences:
                self._show_banner(
                    "The certificate agrees with what the form already says; nothing was changed."
                )
            elif self.differences:
                self._show_banner("Nothing was filled in: the form already had every value.")
            else:
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
        elif self.differences:
            self._show_banner("Nothing was filled in from the certificate.")

    def _show_banner(self, text: str | None, *, confirm: bool = False) -> None:
        if text and self.differences:
            text += self._differences_text()
        self.message.setText(text or "")
        self.banner.setVisible(bool(text))
        self.confirm_button.setVisible(confirm)
        self.confirm_button.setEnabled(confirm)  # out of the Tab chain while hidden
        shown = bool(text) and bool(self.differences)
        self.differences_button.setVisible(shown)
        self.differences_button.setEnabled(shown)

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
