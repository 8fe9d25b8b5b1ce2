"""The spreadsheet import wizard, and File › Import / Export of spreadsheets and calendars."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from icalendar import Calendar
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog, QMessageBox

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import licenses, records
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.ui.controller import Controller
from cpe_desktop.ui.dialogs.import_wizard import NOT_IN_FILE, ImportWizard
from tests.helpers.modal_dialogs import answer_next_dialog, sign_in

WAIT_MS = 10000
PORTAL = (
    "Date Completed,Course Title,Sponsor Name,Delivery,Subject Area,CPE Hours,Instructor\n"
    "03/02/2025,Tax update,ACME,Live,Taxes,4,Kim\n"
    "03/02/2025,Tax update,ACME,Live,Auditing,1,Kim\n"
    "04/10/2025,Audit basics,,Group Live,Auditing,2,Lee\n"
)


@pytest.fixture
def portal(tmp_path):
    path = tmp_path / "portal.csv"
    path.write_text(PORTAL, encoding="utf-8")
    return path


def _wizard(qtbot, ctx, path) -> ImportWizard:
    dialog = ImportWizard(ctx, path, read_table(path))
    qtbot.addWidget(dialog)
    return dialog


def _errors(dialog) -> list[str]:
    return [dialog.error_list.item(i).text() for i in range(dialog.error_list.count())]


def _choose(dialog, field, heading) -> None:
    combo = dialog.combos[field]
    combo.setCurrentIndex(combo.findText(heading) if heading else combo.findData(NOT_IN_FILE))


def test_columns_are_preset_from_the_headings_and_the_rows_previewed(qtbot, people, portal):
    dialog = _wizard(qtbot, people.as_ann, portal)

    chosen = {name: combo.currentText() for name, combo in dialog.combos.items()}
    assert chosen["completed_on"] == "Date Completed" and chosen["credits"] == "CPE Hours"
    assert chosen["sponsor_id"] == "(not in the file)"
    table = dialog.preview_table
    assert table.rowCount() == 3
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    assert headers[0] == "Date completed\n(Date Completed)"
    assert [table.verticalHeaderItem(r).text() for r in range(3)] == ["2", "3", "4"]
    assert table.item(0, 0).text() == "2025-03-02"  # 03/02/2025 read month first
    assert dialog.counts_label.text() == "2 records from 3 lines; 2 new, 0 already stored."
    assert _errors(dialog) == ["None."]
    assert "'Instructor'" in dialog.warning_label.text()
    assert dialog.import_button.isEnabled() and not dialog.duplicates_box.isVisibleTo(dialog)
    # A member imports only their own records.
    assert not dialog.person_combo.isEnabled() and dialog.user.email == "ann@example.com"


def test_import_is_disabled_while_a_required_column_is_missing(qtbot, people, portal):
    dialog = _wizard(qtbot, people.as_ann, portal)

    _choose(dialog, "credits", None)

    assert not dialog.import_button.isEnabled()
    (message,) = _errors(dialog)
    assert message.startswith("line 1, Credits column: not found")
    assert dialog.counts_label.text() == "1 problem: nothing can be imported yet."

    _choose(dialog, "credits", "CPE Hours")
    assert dialog.import_button.isEnabled()


def test_row_problems_are_listed_with_row_and_column_and_marked(qtbot, people, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(
        "Date,Course,Format,Field,Hours\n"
        "2025-01-02,Fine,Live,Taxes,2\n"
        "2025-01-03,Bad hours,Live,Taxes,-1\n"
        "someday,Bad date,Live,Taxes,1\n",
        encoding="utf-8",
    )
    dialog = _wizard(qtbot, people.as_ann, path)

    errors = _errors(dialog)
    assert errors[0] == "line 3, Hours: Credits cannot be negative (-1.0)."
    assert errors[1].startswith("line 4, Date: 'someday' is not a date")
    assert not dialog.import_button.isEnabled()
    table = dialog.preview_table
    assert table.item(0, 0).toolTip() == ""
    assert table.item(1, 0).toolTip() == "Hours: Credits cannot be negative (-1.0)."
    # Choosing a different column for the hours changes the verdict at once.
    _choose(dialog, "credits", None)
    assert _errors(dialog)[0].startswith("line 1, Credits column")


def test_duplicates_are_counted_and_merge_can_be_chosen(qtbot, people, portal):
    records.create_record(
        people.as_ann,
        {
            "title": "Audit basics",
            "completed_on": "2025-04-10",
            "delivery_method": "Group Live",
            "credits": [{"field": "Auditing", "credits": 2}],
        },
    )
    dialog = _wizard(qtbot, people.as_ann, portal)

    assert dialog.counts_label.text() == "2 records from 3 lines; 1 new, 1 already stored."
    assert dialog.duplicates_box.isVisibleTo(dialog)
    assert dialog.duplicates_box.title().startswith("1 record already stored")
    assert dialog.choice().on_duplicate == "skip"
    dialog.merge_button.click()
    choice = dialog.choice()
    assert choice.on_duplicate == "merge" and choice.mapping["title"] == 1


def test_an_administrator_chooses_whose_records_and_the_sheet(qtbot, people, tmp_path):
    path = tmp_path / "book.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Notes"
    book.active.append(["Just a note"])
    sheet = book.create_sheet("Log")
    sheet.append(["When", "Program", "Format", "Category", "CPE"])
    sheet.append([dt.datetime(2025, 5, 1), "Ethics", "Live", "Behavioral Ethics", 2])
    book.save(path)
    dialog = _wizard(qtbot, people.as_admin, path)

    assert dialog.sheet_combo.isEnabled() and dialog.sheet_combo.currentText() == "Log"
    assert not dialog.import_button.isEnabled()
    dialog.sheet_combo.setCurrentText("Log")
    assert dialog.combos["title"].currentText() == "Program"
    _choose(dialog, "completed_on", "When")  # not a heading it knows
    assert dialog.import_button.isEnabled()
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(people.bob.user_id))
    choice = dialog.choice()
    assert choice.user.email == "bob@example.com" and choice.table.sheet == "Log"


# --- through the File menu ------------------------------------------------------------------------


def test_a_spreadsheet_is_imported_through_the_wizard(qtbot, people, clock, portal, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ann@example.com")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(portal), ""))

    answer_next_dialog(
        lambda dialog: qtbot.mouseClick(dialog.import_button, Qt.MouseButton.LeftButton)
    )
    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.import_action.trigger()

    assert told[-1].startswith("Imported 2 records for ann@example.com")
    assert sorted(r.title for r in CpeRecord.select()) == ["Audit basics", "Tax update"]


def test_cancelling_the_wizard_imports_nothing(qtbot, people, clock, portal, monkeypatch):
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ann@example.com")
    monkeypatch.setattr(QFileDialog, "getOpenFileName", lambda *a, **k: (str(portal), ""))
    answer_next_dialog(lambda dialog: dialog.reject())
    window.import_action.trigger()
    assert CpeRecord.select().count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "ics"])
def test_export_to_a_workbook_or_a_calendar(qtbot, people, clock, tmp_path, monkeypatch, fmt):
    licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "issued_on": "2015-01-01"}
    )
    records.create_record(
        people.as_ann,
        {
            "title": "Tax update",
            "completed_on": "2025-04-10",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 2}],
        },
    )
    controller = Controller("test.db", clock)
    window = sign_in(qtbot, controller, "ann@example.com")
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda parent, title, text: told.append(text))
    # No extension typed: the filter chosen decides the format and adds it.
    chosen = {
        "xlsx": "CPE records workbook (*.xlsx)",
        "ics": "Deadlines and reminders calendar (*.ics)",
    }
    target = tmp_path / "mine"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: (str(target), chosen[fmt]))

    with qtbot.waitSignal(controller.tasks.idle, timeout=WAIT_MS):
        window.export_action.trigger()

    written = tmp_path / f"mine.{fmt}"
    assert told[-1].startswith("Exported") and str(written) in told[-1]
    if fmt == "xlsx":
        book = openpyxl.load_workbook(written)
        assert [c.value for c in book.active[2]][:2] == [dt.datetime(2025, 4, 10), "Tax update"]
        book.close()
    else:
        events = Calendar.from_ical(written.read_bytes()).walk("VEVENT")
        assert [str(e["SUMMARY"]) for e in events] == ["CPE deadline: CPA — Texas"]
