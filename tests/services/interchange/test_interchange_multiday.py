"""Multi-day programs through the spreadsheet importers (CSV template, mapped CSV/XLSX) and exports.

A 4-day conference worth 30 credits or a 45-credit college course is one real record: it imports
with its first day (``started_on``), and more than 10 credits per program day is a warning shown
in the preview and the summary, never a refusal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from decimal import Decimal

import openpyxl
import pytest

from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.services import records, users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.cells import field_cell, parse_date_range
from cpe_desktop.services.interchange.csv_format import (
    HEADER,
    export_records_csv,
    import_records_csv,
)
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table, read_table
from cpe_desktop.services.interchange.xlsx_format import HEADINGS, export_records_xlsx
from tests.helpers.interchange_documents import table_counts

TEMPLATE = ",".join(HEADER)
D = dt.date


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _csv(*lines: str) -> str:
    return "\n".join(lines) + "\n"


def _stored(user: User) -> list[tuple]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id).order_by(CpeRecord.record_id)
    return [
        (
            r.title,
            r.started_on,
            r.completed_on,
            r.delivery_method,
            sum((Decimal(c.credits) for c in r.credits), Decimal(0)),
        )
        for r in query
    ]


# --- The CSV template -----------------------------------------------------------------------------


def test_the_template_accepts_a_started_on_column_after_its_own(system, alice):
    text = _csv(
        TEMPLATE + ",started_on",
        "2026-03-05,Spring conference,State CPA Society,,Group Live,Taxes,24,,,2026-03-02",
        "2026-03-05,Spring conference,State CPA Society,,Group Live,Regulatory Ethics,6,,,"
        "2026-03-02",
        "2026-05-08,Managerial Finance,State University,,College Course,Finance,45,,,2026-01-12",
        "2026-04-01,Tax day,,,Group Live,Taxes,8,,,",
    )
    summary = import_records_csv(system, text, alice)
    assert summary.records_added == 3
    assert summary.warnings == []  # 7.5 a day, college credit, 8 on one day: all plausible
    assert _stored(alice) == [
        ("Spring conference", D(2026, 3, 2), D(2026, 3, 5), "Group Live", Decimal(30)),
        ("Managerial Finance", D(2026, 1, 12), D(2026, 5, 8), "College Course", Decimal(45)),
        ("Tax day", None, D(2026, 4, 1), "Group Live", Decimal(8)),
    ]


def test_thirty_credits_on_one_day_imports_with_a_warning_naming_the_line(system, alice):
    text = _csv(TEMPLATE, "2026-03-05,Spring conference,,,Group Live,Taxes,30,,")
    summary = import_records_csv(system, text, alice)
    assert summary.records_added == 1
    assert summary.warnings == [
        "line 2 (Spring conference): 30.0 credits over 1 day is more than 10 a day; if the "
        "program ran several days, enter its first day."
    ]
    assert "warning: line 2 (Spring conference): 30.0 credits" in summary.describe()


@pytest.mark.parametrize(
    ("row", "column", "words"),
    [
        ("2026-03-05,Conf,,,Group Live,Taxes,30,,,2026-03-06", "started_on", "is after"),
        ("2026-03-05,Conf,,,Group Live,Taxes,30,,,2025-01-01", "started_on", "at most a year"),
        ("2026-03-05,Conf,,,Group Live,Taxes,30,,,03/02/2026", "started_on", "YYYY-MM-DD"),
        ("2026-03-05,Conf,,,Group Live,Taxes,1000.5,,,2026-03-02", "credits", "more than 1,000"),
    ],
)
def test_impossible_values_are_still_refused_by_line_and_column(system, alice, row, column, words):
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_records_csv(system, _csv(TEMPLATE + ",started_on", row), alice)
    assert table_counts() == before
    assert words in caught.value.errors[f"line 2, {column}"]


def test_rows_of_one_record_must_agree_on_the_first_day(system, alice):
    text = _csv(
        TEMPLATE + ",started_on",
        "2026-03-05,Conf,,,Group Live,Taxes,24,,,2026-03-02",
        "2026-03-05,Conf,,,Group Live,Auditing,6,,,2026-03-03",
    )
    with pytest.raises(ValidationError) as caught:
        import_records_csv(system, text, alice)
    assert "must agree" in caught.value.errors["line 3, started_on"]


# --- Exports keep the template unless a record has a first day ----------------------------------


def _add(ctx, **values):
    data = {
        "title": "Spring conference",
        "completed_on": "2026-03-05",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 30}],
    }
    return records.create_record(ctx, data | values).value


def test_csv_export_adds_started_on_last_only_when_needed(system, alice, tmp_path):
    _add(system, user_id=alice.user_id, title="One day", credits=[{"field": "Taxes", "credits": 8}])
    path = tmp_path / "out.csv"
    export_records_csv(system, path, alice.email)
    assert next(csv.reader(io.StringIO(path.read_text("utf-8-sig")))) == list(HEADER)

    _add(system, user_id=alice.user_id, started_on="2026-03-02")
    export_records_csv(system, path, alice.email)
    rows = list(csv.reader(io.StringIO(path.read_text("utf-8-sig"))))
    assert rows[0] == [*HEADER, "started_on"]
    assert [row[-1] for row in rows[1:]] == ["", "2026-03-02"]

    # And the export imports back, first days included, into another person's records.
    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    import_records_csv(system, path, bob)
    assert [(r[0], r[1]) for r in _stored(bob)] == [
        ("One day", None),
        ("Spring conference", D(2026, 3, 2)),
    ]


def test_xlsx_export_round_trips_the_first_day(system, alice, tmp_path):
    _add(system, user_id=alice.user_id, started_on="2026-03-02")
    path = tmp_path / "out.xlsx"
    export_records_xlsx(system, path, alice.email)
    sheet = openpyxl.load_workbook(path).active
    assert [cell.value for cell in sheet[1]] == [HEADINGS[n] for n in (*HEADER, "started_on")]
    assert sheet.cell(row=2, column=len(HEADER) + 1).value == dt.datetime(2026, 3, 2)

    table = read_table(path)
    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    mapping = guess_mapping(table.headers)
    assert mapping["started_on"] == len(HEADER)
    import_mapped(system, table, mapping, bob)
    assert _stored(bob) == [
        ("Spring conference", D(2026, 3, 2), D(2026, 3, 5), "Group Live", Decimal(30))
    ]


# --- Mapped import --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("headers", "started", "completed"),
    [
        (["Start date", "End date", "Course", "Format", "Subject", "CPE"], 0, 1),
        (["Course", "Date started", "Date completed", "Format", "Field", "Hours"], 1, 2),
        (["From", "To", "Program", "Delivery", "Category", "Credits"], 0, 1),
        (["Begin date", "Date", "Title", "Method", "Field of study", "CPE credits"], 0, 1),
        (["started_on", "completed_on", "title", "delivery_method", "field", "credits"], 0, 1),
    ],
)
def test_first_day_headings_are_recognised(headers, started, completed):
    mapping = guess_mapping(headers)
    assert (mapping["started_on"], mapping["completed_on"]) == (started, completed)


def test_a_conference_and_a_college_course_import_from_a_portal_sheet(system, alice):
    table = csv_table(
        _csv(
            "Start date,End date,Course,Format,Subject,CPE",
            "03/02/2026,03/05/2026,Spring conference,Group Live,Taxes,30",
            "1/12/2026,5/8/2026,Managerial Finance,College Course,Finance,45",
            ",4/1/2026,Long day,Group Live,Taxes,12",
        ),
        "mine.csv",
    )
    checked = preview(system, table, guess_mapping(table.headers), alice)
    assert checked.ok
    assert checked.warnings == [
        "line 4 (Long day): 12.0 credits over 1 day is more than 10 a day; if the program ran "
        "several days, enter its first day."
    ]
    summary = import_mapped(system, table, guess_mapping(table.headers), alice)
    assert summary.records_added == 3
    assert summary.warnings == checked.warnings
    assert _stored(alice) == [
        ("Spring conference", D(2026, 3, 2), D(2026, 3, 5), "Group Live", Decimal(30)),
        ("Managerial Finance", D(2026, 1, 12), D(2026, 5, 8), "College Course", Decimal(45)),
        ("Long day", None, D(2026, 4, 1), "Group Live", Decimal(12)),
    ]


def test_a_dates_cell_gives_the_first_and_the_last_day(system, alice):
    table = csv_table(
        _csv(
            "Dates,Course,Format,Subject,CPE",
            '"Mar 2-5, 2026",Spring conference,Group Live,Taxes,30',
            "3/9/2026 - 3/10/2026,Audit school,Group Live,Auditing,16",
            "4/1/2026,One day,Group Live,Taxes,8",
        ),
        "mine.csv",
    )
    mapping = guess_mapping(table.headers)
    assert mapping["completed_on"] == 0 and "started_on" not in mapping
    summary = import_mapped(system, table, mapping, alice)
    assert summary.warnings == []
    assert [(r[0], r[1], r[2]) for r in _stored(alice)] == [
        ("Spring conference", D(2026, 3, 2), D(2026, 3, 5)),
        ("Audit school", D(2026, 3, 9), D(2026, 3, 10)),
        ("One day", None, D(2026, 4, 1)),
    ]


def test_a_backwards_range_is_refused_at_its_cell(system, alice):
    table = csv_table(
        _csv("Date(s),Course,Format,Subject,CPE", '"Mar 5-2, 2026",Conf,Group Live,Taxes,30'),
        "mine.csv",
    )
    checked = preview(system, table, guess_mapping(table.headers), alice)
    [error] = checked.errors
    assert error.where == "line 2, Date(s)"
    assert "2026-03-05 is after the program's last day (2026-03-02)" in error.message


def test_merging_a_file_sets_the_first_day_of_a_stored_record(system, alice):
    _add(system, user_id=alice.user_id)
    table = csv_table(
        _csv(
            "Start date,Date,Course,Format,Subject,CPE",
            "2026-03-02,2026-03-05,Spring conference,Group Live,Taxes,30",
        ),
        "mine.csv",
    )
    summary = import_mapped(system, table, guess_mapping(table.headers), alice, "merge")
    assert summary.records_merged == 1 and summary.warnings == []
    assert _stored(alice)[0][1] == D(2026, 3, 2)


# --- Date ranges as people write them ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3/2/2026 - 3/5/2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("3/2/2026-3/5/2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("2026-03-02 - 2026-03-05", (D(2026, 3, 2), D(2026, 3, 5))),
        ("2026-03-02 to 2026-03-05", (D(2026, 3, 2), D(2026, 3, 5))),
        ("Mar 2-5, 2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("Mar. 2 \u2013 5, 2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("March 30 - April 2, 2026", (D(2026, 3, 30), D(2026, 4, 2))),
        ("Dec 30 - Jan 2, 2026", (D(2025, 12, 30), D(2026, 1, 2))),
        ("2-5 March 2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("March 2, 2026 through March 5, 2026", (D(2026, 3, 2), D(2026, 3, 5))),
        ("2026-03-02", None),  # one date, not a range
        ("Feb 30-31, 2026", None),
        ("spring 2026", None),
    ],
)
def test_date_ranges(text, expected):
    assert parse_date_range(text) == expected


def test_a_range_cell_reads_as_its_last_day_for_the_completion_date():
    assert field_cell("completed_on", "Mar 2-5, 2026") == (D(2026, 3, 5), None)
    assert field_cell("started_on", "Mar 2-5, 2026") == (D(2026, 3, 2), None)
    assert field_cell("started_on", "") == ("", None)
    value, problem = field_cell("started_on", "soon")
    assert value == "soon" and "is not a date" in problem
