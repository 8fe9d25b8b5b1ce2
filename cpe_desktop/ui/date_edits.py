"""The date inputs: :class:`DateEdit` and :class:`DateTimeEdit`, where a whole date (and time)
can be typed as it reads (``2/18/2026``), read by ``ui/dates.py``. A module of their own, imported
by the forms and dialogs that show one: the window's start needs only ``ui/dates.py``'s formats
(Qt's date-edit classes and these are some 10 M instructions before the first paint)."""

from __future__ import annotations

import datetime as dt
from typing import cast

from PySide6.QtCore import QDate, QDateTime, QSignalBlocker, Qt, QTime
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QValidator
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QWidget

from cpe_desktop.ui.dates import (
    SEPARATORS,
    date_format,
    parse_typed_date,
    parse_typed_time,
    typed_sections,
)


class _WholeTyping:
    """What :class:`DateEdit` and :class:`DateTimeEdit` share: a whole date (and time) typed as
    it reads, collected and read when the field is left (see :class:`DateEdit`)."""

    _with_time = False

    def _start_typing(self) -> None:
        self._typed: str | None = None  # the characters typed, while a whole date is typed
        self._validator: QValidator | None = None
        self._tracking = True

    def typing(self) -> str | None:
        """What has been typed so far of a whole date, or None when none is being typed."""
        return self._typed

    def _accepts(self, text: str) -> bool:
        if text.isdigit() or text in SEPARATORS:
            return True
        return self._with_time and (text == ":" or text.lower() in "apm.")

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        plain = not event.modifiers() & ~(
            Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.KeypadModifier
        )
        typed = plain and len(text) == 1 and self._accepts(text)
        if typed and self._typed is None and text.isdigit() and self._at_start():
            self._begin()
        if self._typed is not None:
            if typed:
                self._show(self._typed + text)
                event.accept()
                return
            if event.key() == Qt.Key.Key_Backspace:
                self._show(self._typed[:-1])
                event.accept()
                return
            if event.key() == Qt.Key.Key_Escape:
                self._end(None)
                event.accept()
                return
            self.commit_typing()
        super().keyPressEvent(event)  # type: ignore[misc]

    def focusOutEvent(self, event: QFocusEvent) -> None:
        self.commit_typing()
        super().focusOutEvent(event)  # type: ignore[misc]

    def focusNextPrevChild(self, next: bool) -> bool:
        self.commit_typing()  # Tab reads the date first, then moves on as a date edit does
        return super().focusNextPrevChild(next)  # type: ignore[misc]

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self.commit_typing()  # before the calendar opens or the arrows step
        super().mousePressEvent(event)  # type: ignore[misc]

    def commit_typing(self) -> None:
        """Read what was typed as the date: a whole date, else the sections typed (the month,
        say, before Tab to the day), else the date shown before."""
        if self._typed is None:
            return
        typed = self._typed
        whole = self._read(typed)
        if whole is not None or self._with_time:
            self._end(whole)
            return
        spin: QDateTimeEdit = self  # type: ignore[assignment]
        sections = typed_sections(typed, spin.displayFormat())
        shown = spin.date()
        wanted = None
        if sections:
            try:
                day = dt.date(
                    sections.get("y", shown.year()),
                    sections.get("M", shown.month()),
                    sections.get("d", shown.day()),
                )
            except ValueError:
                day = None
            if day is not None:
                wanted = QDateTime(QDate(day.year, day.month, day.day), QTime(0, 0))
        self._end(wanted)
        if wanted is not None and sections:
            # The section typed last is the current one, so Tab goes on to the next.
            spin.setCurrentSectionIndex(len(sections) - 1)

    # --- inside -----------------------------------------------------------------------------

    def _read(self, text: str) -> QDateTime | None:
        edit: QDateTimeEdit = self  # type: ignore[assignment]
        date_text, _, time_text = text.strip().partition(" ") if self._with_time else (text, "", "")
        day = parse_typed_date(date_text, edit.displayFormat())
        if day is None:
            return None
        when: dt.time | None = (
            cast("dt.time", edit.time().toPython())
            if not time_text.strip()
            else parse_typed_time(time_text)
        )
        if when is None:
            return None
        return QDateTime(QDate(day.year, day.month, day.day), QTime(when.hour, when.minute))

    def _at_start(self) -> bool:
        edit = self.lineEdit()  # type: ignore[attr-defined]
        if edit.hasSelectedText():
            start = edit.selectionStart()
            return start == 0 or len(edit.selectedText()) == len(edit.text())
        return edit.cursorPosition() == 0

    def _begin(self) -> None:
        edit = self.lineEdit()  # type: ignore[attr-defined]
        self._typed = ""
        # The spin box would read (and rewrite) every partial text; it reads the date at the end.
        self._validator = edit.validator()
        self._tracking = self.keyboardTracking()  # type: ignore[attr-defined]
        self.setKeyboardTracking(False)  # type: ignore[attr-defined]
        edit.setValidator(None)

    def _show(self, text: str) -> None:
        self._typed = text
        edit = self.lineEdit()  # type: ignore[attr-defined]
        with QSignalBlocker(edit):  # the spin box must not select sections in it meanwhile
            edit.setText(text)
            edit.setCursorPosition(len(text))
        edit.update()

    def _end(self, wanted: QDateTime | None) -> None:
        spin: QDateTimeEdit = self  # type: ignore[assignment]
        self._typed = None
        edit = spin.lineEdit()
        edit.setValidator(self._validator)  # type: ignore[arg-type]  # None removes it (stubs miss)
        self._validator = None
        spin.setKeyboardTracking(self._tracking)
        if wanted is None or not (spin.minimumDate() <= wanted.date() <= spin.maximumDate()):
            wanted = spin.dateTime()
        with QSignalBlocker(edit):
            edit.setText(spin.textFromDateTime(wanted))
        spin.setDateTime(wanted)


class DateEdit(_WholeTyping, QDateEdit):
    """A date input in the user's locale (four-digit years) with a calendar popup, where a whole
    date can be typed, separators and all.

    Qt's own date edit reads typing section by section: a "/" typed after a one-digit month
    jumps a second section, and typing over the whole text (Ctrl+A, then ``2/18/2026``) ends up
    as 12/18/2026 or 12/1/2026. So when the person starts typing at the start of the field or
    over all of it, the characters are collected as typed and read as a date in the locale's
    order when they leave the field, press Enter or use the arrows (:func:`parse_typed_date`);
    text that is not a date gives back the date shown before. Typing into one section in the
    middle (the day, say) keeps Qt's behaviour.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(date_format())
        self._start_typing()


class DateTimeEdit(_WholeTyping, QDateTimeEdit):
    """:class:`DateEdit` with a time: ``2/18/2026 9:30 AM`` (the time as the locale writes it,
    or ``21:30``; a date typed alone keeps the time shown)."""

    _with_time = True

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(date_format(with_time=True))
        self._start_typing()
