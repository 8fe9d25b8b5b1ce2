"""Typing a whole date into a form's date input (issue 15, item 5): click, Ctrl+A and
``2/18/2026`` gave 12/1/2026 because Qt's date edit reads typing section by section. The input
now reads a date typed whole, with or without separators, in the locale's order."""

from __future__ import annotations

import datetime as dt

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtWidgets import QDateEdit, QDateTimeEdit, QLineEdit, QVBoxLayout, QWidget

from cpe_desktop.services.editing.forms import FormField
from cpe_desktop.ui.dates import date_format
from cpe_desktop.ui.forms.inputs import make_input

pytestmark = pytest.mark.gui


def _form(qtbot, people, kind: str = "date"):
    """A date input as the forms make it, between two other inputs, in an active window."""
    made = make_input(FormField("completed_on", "Date completed", kind), people.as_ann)
    host = QWidget()
    column = QVBoxLayout(host)
    before, after = QLineEdit(), QLineEdit()
    for widget in (before, made.widget, after):
        column.addWidget(widget)
    qtbot.addWidget(host)
    with qtbot.waitExposed(host):
        host.show()
    with qtbot.waitActive(host):
        host.activateWindow()
    widget = made.widget
    edit = widget if isinstance(widget, QDateTimeEdit) else widget.findChild(QDateEdit)
    assert edit is not None
    _form.shown = host  # the window lives until the next test makes its own
    return made, edit, after


def _select_all_and_type(qtbot, edit: QDateEdit, text: str) -> None:
    qtbot.mouseClick(edit.lineEdit(), Qt.MouseButton.LeftButton)
    qtbot.keyClick(edit, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(edit, text)


@pytest.mark.parametrize("typed", ["2/18/2026", "02/18/2026", "2-18-26", "02182026"])
def test_a_date_typed_over_the_whole_field_is_that_date(qtbot, people, typed):
    assert date_format() == "M/d/yyyy"
    made, edit, after = _form(qtbot, people)
    _select_all_and_type(qtbot, edit, typed)
    assert edit.lineEdit().text() == typed  # shown as typed while typing
    after.setFocus()  # leaving the field reads it
    qtbot.waitUntil(lambda: after.hasFocus())
    assert made.value() == dt.date(2026, 2, 18)
    assert edit.text() == "2/18/2026"


def test_enter_reads_the_typed_date_and_tab_moves_on(qtbot, people):
    made, edit, _ = _form(qtbot, people)
    _select_all_and_type(qtbot, edit, "2/18/2026")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == dt.date(2026, 2, 18)
    _select_all_and_type(qtbot, edit, "11/3/2025")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().toPython() == dt.date(2025, 11, 3)


def test_typing_from_the_start_of_the_field_without_selecting(qtbot, people):
    made, edit, _ = _form(qtbot, people)
    edit.lineEdit().setFocus()
    edit.lineEdit().deselect()
    edit.lineEdit().setCursorPosition(0)
    qtbot.keyClicks(edit, "7/4/2025")
    assert made.value() == dt.date(2025, 7, 4)  # read even before the field is left


def test_backspace_corrects_and_text_that_is_not_a_date_keeps_the_date(qtbot, people):
    made, edit, _ = _form(qtbot, people)
    shown = made.value()
    _select_all_and_type(qtbot, edit, "2/30/2026")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == shown  # no 30 February: the date shown before stays
    _select_all_and_type(qtbot, edit, "2/29/20255")
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, "4")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == dt.date(2024, 2, 29)


def test_an_optional_date_takes_a_typed_date_too(qtbot, people):
    made, edit, _ = _form(qtbot, people, "optional_date")
    made.set_value(dt.date(2026, 1, 1))
    _select_all_and_type(qtbot, edit, "2/18/2026")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == dt.date(2026, 2, 18)


@pytest.fixture
def british():
    before = QLocale()
    QLocale.setDefault(QLocale(QLocale.Language.English, QLocale.Country.UnitedKingdom))
    yield
    QLocale.setDefault(before)


def test_the_order_follows_the_locale(qtbot, people, british):
    made, edit, _ = _form(qtbot, people)
    assert edit.displayFormat() == "dd/MM/yyyy"
    _select_all_and_type(qtbot, edit, "18/2/2026")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == dt.date(2026, 2, 18)


@pytest.mark.parametrize(
    ("text", "form", "day"),
    [
        ("2/18/2026", "M/d/yyyy", dt.date(2026, 2, 18)),
        ("2.18.69", "M/d/yyyy", dt.date(2069, 2, 18)),
        ("2.18.70", "M/d/yyyy", dt.date(1970, 2, 18)),
        ("021826", "M/d/yyyy", dt.date(2026, 2, 18)),
        ("18022026", "dd/MM/yyyy", dt.date(2026, 2, 18)),
        ("2026-2-18", "yyyy-MM-dd", dt.date(2026, 2, 18)),
        ("20260218", "yyyy-MM-dd", dt.date(2026, 2, 18)),
        ("2/18", "M/d/yyyy", None),
        ("13/1/2026", "M/d/yyyy", None),
        ("2/18/226", "M/d/yyyy", None),
        ("2182026", "M/d/yyyy", None),
        ("", "M/d/yyyy", None),
    ],
)
def test_parse_typed_date(text, form, day):
    from cpe_desktop.ui.dates import parse_typed_date

    assert parse_typed_date(text, form) == day


def _type_into(qtbot, dialog, edit: QDateEdit, text: str) -> None:
    qtbot.addWidget(dialog)
    with qtbot.waitExposed(dialog):
        dialog.show()
    with qtbot.waitActive(dialog):
        dialog.activateWindow()
    _select_all_and_type(qtbot, edit, text)
    edit.clearFocus()  # leaving the field reads it


def test_the_welcome_and_report_dates_take_a_typed_date_too(qtbot, seeded, clock):
    """The same input wherever a date is asked (siblings of the form's date)."""
    from cpe_desktop.services.context import Actor, ServiceContext
    from cpe_desktop.ui.dialogs.report_dialogs import ReportOptionsDialog
    from cpe_desktop.ui.dialogs.welcome import WelcomeDialog

    welcome = WelcomeDialog(ServiceContext(Actor(user_id=None, role="member", name="new"), clock))
    welcome.license_box.setChecked(True)  # the license's dates are asked
    _type_into(qtbot, welcome, welcome.issued_on, "2/18/2020")
    assert welcome.issued_on.date().toPython() == dt.date(2020, 2, 18)

    options = ReportOptionsDialog(None, "Progress report", as_of=dt.date(2026, 6, 15))
    _type_into(qtbot, options, options.date, "3/31/2026")
    assert options.as_of() == dt.date(2026, 3, 31)


@pytest.mark.parametrize(
    ("typed", "when"),
    [
        ("2/18/2026 9:30 PM", dt.datetime(2026, 2, 18, 21, 30)),
        ("2/18/2026 9 am", dt.datetime(2026, 2, 18, 9, 0)),
        ("2/18/2026 21:30", dt.datetime(2026, 2, 18, 21, 30)),
        ("2/18/2026", dt.datetime(2026, 2, 18, 9, 0)),  # the time shown is kept
    ],
)
def test_a_date_and_time_typed_whole(qtbot, people, typed, when):
    made, edit, after = _form(qtbot, people, "datetime")
    _select_all_and_type(qtbot, edit, typed)
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == when


@pytest.mark.parametrize(
    ("text", "when"),
    [
        ("9:30", dt.time(9, 30)),
        ("930", dt.time(9, 30)),
        ("9 pm", dt.time(21, 0)),
        ("12 AM", dt.time(0, 0)),
        ("12:15 p.m.", dt.time(12, 15)),
        ("21:30", dt.time(21, 30)),
        ("13 pm", None),
        ("24:00", None),
        ("9:75", None),
    ],
)
def test_parse_typed_time(text, when):
    from cpe_desktop.ui.dates import parse_typed_time

    assert parse_typed_time(text) == when


def test_one_section_typed_then_tab_keeps_it_and_goes_on_to_the_next(qtbot, people):
    """Typing section by section still works: "2", Tab, then the day as Qt's date edit takes it."""
    made, edit, _ = _form(qtbot, people)
    edit.setFocus()
    edit.setCurrentSectionIndex(0)
    qtbot.keyClicks(edit, "2")
    qtbot.keyClick(edit, Qt.Key.Key_Tab)
    assert edit.date().month() == 2
    assert edit.currentSection() == QDateEdit.Section.DaySection
    qtbot.keyClicks(edit, "18")
    qtbot.keyClick(edit, Qt.Key.Key_Return)
    assert made.value() == dt.date(2026, 2, 18)


@pytest.mark.parametrize(
    ("text", "sections"),
    [
        ("2", {"M": 2}),
        ("2/18", {"M": 2, "d": 18}),
        ("0218", {"M": 2, "d": 18}),
        ("2/18/2025", {"M": 2, "d": 18, "y": 2025}),
        ("2/18/20", None),  # a year only when typed whole
        ("123", None),
        ("", None),
    ],
)
def test_typed_sections(text, sections):
    from cpe_desktop.ui.dates import typed_sections

    assert typed_sections(text, "M/d/yyyy") == sections
