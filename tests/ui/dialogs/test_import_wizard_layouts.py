"""The import wizard on the spreadsheets people really have: the sheet and header row it finds
(and the person can change), values for columns the file lacks, rows set aside as not records,
and importing the good records while the rest go to a "not imported" report."""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

import openpyxl
import pytest
from PySide6.QtWidgets import QFileDialog

from cpe_desktop.db.models import CpeRecord, RecordCredit
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.ui.dialogs.import_wizard import NOT_IN_FILE, ImportWizard

CORPUS = Path(__file__).resolve().parents[2] / "import_corpus"


def _wizard(qtbot, ctx, path) -> ImportWizard:
    dialog = ImportWizard(ctx, path, read_table(path))
    qtbot.addWidget(dialog)
    return dialog


def _texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]


def _headings(dialog) -> list[str]:
    table = dialog.preview_table
    return [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]


def _column(dialog, heading: str) -> list[str]:
    table = dialog.preview_table
    c = _headings(dialog).index(heading)
    return [table.item(r, c).text() for r in range(table.rowCount())]


def _row_numbers(dialog) -> list[str]:
    table = dialog.preview_table
    return [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]


def _csv(tmp_path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def log_book(tmp_path) -> Path:
    """A workbook whose first sheet describes the fields and whose second holds the log below a
    title row, with a totals line at the end."""
    path = tmp_path / "my log.xlsx"
    book = openpyxl.Workbook()
    notes = book.active
    notes.title = "Field descriptions"
    notes.append(["Field", "What to enter"])
    notes.append(["Date", "The day the course ended"])
    notes.append(["Course", "The title on the certificate"])
    notes.append(["Hours", "CPE hours earned"])
    log = book.create_sheet("CPE log")
    log.append(["My CPE log"])
    log.append([])
    log.append(["Date", "Course", "Provider", "Delivery", "Field of study", "Hours"])
    log.append([dt.datetime(2024, 3, 1), "Lease accounting", "ACME", "Group Live", "Accounting", 4])
    log.append([dt.datetime(2024, 5, 9), "Ethics for CPAs", "ACME", "Webinar", "Ethics", 2])
    log.append(["Total", None, None, None, None, 6])
    book.save(path)
    return path


def test_a_workbook_opens_on_the_sheet_and_header_row_that_hold_the_records(
    qtbot, people, log_book
):
    dialog = _wizard(qtbot, people.as_ann, log_book)

    assert dialog.sheet_combo.isVisibleTo(dialog)
    assert dialog.sheet_combo.currentText() == "CPE log"
    assert dialog.header_spin.value() == 3
    assert dialog.header_note.text() == "(found from its headings)"
    assert dialog.combos["title"].currentText() == "Course"
    assert dialog.combos["credits"].currentText() == "Hours"
    assert _row_numbers(dialog) == ["4", "5"]
    assert dialog.import_button.isEnabled()
    assert dialog.counts_label.text() == (
        "2 records from 2 rows; 2 new, 0 already stored; 1 row set aside."
    )
    # The totals line is listed as set aside, muted, and is not a problem.
    (aside,) = _texts(dialog.pane.set_aside_list)
    assert aside.startswith("row 6: a totals line")
    assert _texts(dialog.error_list) == ["None."]
    muted = dialog.pane.set_aside_list.item(0).foreground().color()
    assert muted != dialog.error_list.item(0).foreground().color()
    assert not dialog.looks_like_label.isVisibleTo(dialog)

    # The descriptions sheet can still be chosen; it has no records to import.
    dialog.sheet_combo.setCurrentText("Field descriptions")
    assert dialog.table.sheet == "Field descriptions" and dialog.header_spin.value() == 1
    assert not dialog.import_button.isEnabled()
    dialog.sheet_combo.setCurrentText("CPE log")
    assert dialog.header_spin.value() == 3 and dialog.import_button.isEnabled()


def test_changing_the_header_row_reads_the_table_again(qtbot, people, log_book):
    dialog = _wizard(qtbot, people.as_ann, log_book)

    dialog.header_spin.setValue(1)  # the title row as the header: nothing is recognised

    assert dialog.table.header_row == 1
    assert dialog.combos["title"].currentData() == NOT_IN_FILE
    assert dialog.header_note.text() == "(the headings found were on row 3)"
    assert not dialog.import_button.isEnabled()
    assert "4" in _row_numbers(dialog) and "3" in _row_numbers(dialog)  # old header is a row now

    dialog.header_spin.setValue(2)  # a blank row cannot be the header
    assert not dialog.import_button.isEnabled()
    (problem,) = _texts(dialog.error_list)
    assert "2 is blank or not in the file" in problem
    assert dialog.preview_table.rowCount() == 0

    dialog.header_spin.setValue(3)
    assert dialog.combos["title"].currentText() == "Course"
    assert _row_numbers(dialog) == ["4", "5"]
    assert dialog.import_button.isEnabled()
    assert dialog.choice().table.header_row == 3


def test_a_file_without_a_delivery_column_imports_as_not_stated(qtbot, people, tmp_path):
    path = _csv(
        tmp_path,
        "log.csv",
        "Date,Course,Field of study,Hours\n2025-01-10,Tax update,Taxes,2\n"
        "2025-02-11,Audit basics,Auditing,3\n",
    )
    dialog = _wizard(qtbot, people.as_ann, path)

    delivery = dialog.constant_inputs["delivery_method"]
    assert delivery.isVisibleTo(dialog) and delivery.currentText() == "Not stated"
    assert dialog.import_button.isEnabled()
    assert _column(dialog, "Delivery method\n(same for every row)") == ["Not stated"] * 2
    assert (
        "no column says how the programs were delivered: marked 'Not stated'"
        in dialog.warning_label.text()
    )
    # A field the file has a column for gets no "same for every row" input.
    assert not dialog.constant_inputs["field_of_study"].isVisibleTo(dialog)
    assert dialog.constant_inputs["sponsor"].isVisibleTo(dialog)

    summary = dialog.choice().run(people.as_ann)

    assert summary.records_added == 2
    assert {r.delivery_method for r in CpeRecord.select()} == {"Not stated"}

    # A method chosen for every row replaces "Not stated".
    delivery.setCurrentText("Group Live")
    assert dialog.choice().constants == {"delivery_method": "Group Live"}
    assert _column(dialog, "Delivery method\n(same for every row)") == ["Group Live"] * 2
    sponsor = dialog.constant_inputs["sponsor"]
    sponsor.setText(" State Society ")
    sponsor.editingFinished.emit()
    assert dialog.choice().constants["sponsor"] == "State Society"
    assert _column(dialog, "Sponsor\n(same for every row)") == ["State Society"] * 2


def test_a_field_of_study_for_every_row_makes_a_file_importable(qtbot, people, tmp_path):
    path = _csv(
        tmp_path,
        "tax.csv",
        "Date,Course,Format,Hours\n2025-01-10,Tax update,Webinar,2\n"
        "2025-02-11,Payroll taxes,Group Live,3\n",
    )
    dialog = _wizard(qtbot, people.as_ann, path)

    # No field column: the honest "Not stated" is proposed, and said once for the file.
    assert dialog.import_button.isEnabled()
    assert "no column says each course's field of study" in dialog.warning_label.text()
    field = dialog.constant_inputs["field_of_study"]
    assert field.isVisibleTo(dialog) and field.currentData() == "Not stated"
    assert "field_of_study" not in dialog.constants()  # the import's own default

    field.setCurrentText("Taxes")

    assert dialog.import_button.isEnabled()
    assert _texts(dialog.error_list) == ["None."]
    assert _column(dialog, "Field of study\n(same for every row)") == ["Taxes", "Taxes"]
    choice = dialog.choice()
    assert choice.constants == {"field_of_study": "Taxes"}
    assert choice.run(people.as_ann).records_added == 2
    assert {line.field_of_study for line in RecordCredit.select()} == {"Taxes"}

    # Choosing a column for the field hides the input (and stops giving its value).
    dialog.combos["field_of_study"].setCurrentText("Format")
    assert not field.isVisibleTo(dialog)
    assert "field_of_study" not in dialog.constants()


BAD_ROWS = (
    "Date,Course,Format,Field,Hours\n"
    "2025-01-02,Fine,Group Live,Taxes,2\n"
    "2025-01-03,Bad hours,Group Live,Taxes,-1\n"
    "2025-01-04,Also fine,Group Live,Auditing,1\n"
    "someday,Bad date,Group Live,Taxes,1\n"
)


def test_the_good_records_can_be_imported_and_the_rest_kept_in_a_report(
    qtbot, people, tmp_path, monkeypatch
):
    path = _csv(tmp_path, "mixed.csv", BAD_ROWS)
    dialog = _wizard(qtbot, people.as_ann, path)

    # All or nothing stays the default: nothing can be imported yet.
    assert not dialog.import_button.isEnabled()
    pane = dialog.pane
    assert pane.bad_rows_box.isVisibleTo(dialog) and pane.all_or_nothing_button.isChecked()
    assert pane.skip_bad_button.text() == (
        "Import the 2 good records and keep the rest in a report"
    )
    assert dialog.counts_label.text() == (
        "2 records from 2 lines can be imported (2 new, 0 already stored); 2 lines cannot."
    )
    assert dialog.pane.problems_label.text().startswith("Rows with problems (fix them")
    problems = _texts(dialog.error_list)
    assert problems[0] == "line 3, Hours: Credits cannot be negative (-1.0)."
    assert problems[1].startswith("line 5, Date: 'someday' is not a date")
    assert dialog.preview_table.item(1, 0).toolTip().startswith("Hours: Credits cannot")

    pane.skip_bad_button.click()
    assert dialog.import_button.isEnabled()
    assert dialog.import_button.text() == "Import 2 records…"

    # Cancelling the question of where the report goes keeps the dialog open.
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *a, **k: ("", ""))
    dialog.show()
    dialog.accept()
    assert dialog.isVisible() and dialog.result() != dialog.DialogCode.Accepted

    asked = []
    report = tmp_path / "left over"

    def save(parent, caption, suggested, filters):
        asked.append(suggested)
        return str(report), filters

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save)
    dialog.accept()
    assert dialog.result() == dialog.DialogCode.Accepted
    assert asked == [str(tmp_path / "mixed - not imported.csv")]
    choice = dialog.choice()
    assert choice.skip_bad_rows and choice.not_imported == tmp_path / "left over.csv"

    summary = choice.run(people.as_ann)

    assert summary.records_added == 2
    assert sorted(r.title for r in CpeRecord.select()) == ["Also fine", "Fine"]
    with open(tmp_path / "left over.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert [row[0] for row in rows[1:]] == ["3", "5"]
    assert rows[1][1] == "Hours: Credits cannot be negative (-1.0)."


def test_all_or_nothing_imports_no_report(qtbot, people, tmp_path):
    path = _csv(tmp_path, "fixed.csv", BAD_ROWS.replace("-1", "1").replace("someday", "2025-02-01"))
    dialog = _wizard(qtbot, people.as_ann, path)

    assert dialog.import_button.isEnabled() and dialog.import_button.text() == "Import"
    assert not dialog.pane.bad_rows_box.isVisibleTo(dialog)
    choice = dialog.choice()
    assert not choice.skip_bad_rows and choice.not_imported is None and choice.constants == {}


def test_a_recognised_layout_is_named_and_hours_columns_are_shown(qtbot, people):
    nasba = _wizard(qtbot, people.as_ann, CORPUS / "04_nasba_audit_upload.xlsx")
    assert nasba.looks_like_label.isVisibleTo(nasba)
    assert nasba.looks_like_label.text() == (
        "Looks like the NASBA CPE Audit Service credit upload template."
    )

    form = _wizard(qtbot, people.as_ann, CORPUS / "01_board_reporting_form.xlsx")
    assert form.header_note.text() == "(rows 5–7, headings joined; found from its headings)"
    assert form.hours_label.isVisibleTo(form)
    assert "→ Taxes" in form.hours_label.text()
    assert "Credits: Taxes\n(CPE hours claimed Technical Tax)" in _headings(form)
    assert not form.constant_inputs["field_of_study"].isVisibleTo(form)
    assert form.import_button.isEnabled()


def test_every_corpus_layout_is_ready_to_import_as_the_window_opens_it(qtbot, people):
    """The fifteen layouts of tests/import_corpus, with no choice changed, except the internal
    auditor's log whose "Online" (a webinar or self-study?) waits for the person's answer in
    the word step: 251 records in all."""
    records = 0
    for path in sorted(CORPUS.glob("[0-9][0-9]_*")):
        if path.suffix not in (".csv", ".xlsx"):
            continue
        dialog = _wizard(qtbot, people.as_ann, path)
        if path.name == "13_iia_cpe_log.xlsx":
            assert not dialog.import_button.isEnabled()
            assert dialog.words_box.waiting() == ["Online"]
            online = dialog.words_box.combos[("delivery_method", "Online")]
            online.setCurrentText("Group Internet Based")
        assert dialog.import_button.isEnabled(), path.name
        assert _texts(dialog.error_list) == ["None."], path.name
        records += len(dialog.result_preview.records)
    assert records == 251
