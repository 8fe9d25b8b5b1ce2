"""The import's shortcuts (issue 18) give what the long way gives.

An import of ten thousand rows takes shortcuts: cell conversions remembered per text, a row's
checks skipped where they cannot find anything, values passed to the driver as they are where
``db_value`` would return them unchanged, audit pictures made without model instances. Each is
compared here with the function it stands in for, on values chosen to reach both branches.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpe_desktop.db.models import AuditLog, CpeRecord, RecordCredit, User, database
from cpe_desktop.services import bulk_sql, users
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.backups.maintenance import check
from cpe_desktop.services.interchange import layout
from cpe_desktop.services.interchange.cells import field_cell, parse_date_range
from cpe_desktop.services.interchange.csv_format import import_records_csv
from cpe_desktop.services.interchange.grouping import Group, Problems, Row, _check_agreement
from cpe_desktop.services.interchange.mapped_import import import_mapped
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.sheet_rows import _Reader
from cpe_desktop.services.interchange.tabular import csv_table
from tests.helpers.record_files import numbered_records_csv

CELL_TEXTS = [
    "2024-03-02",
    "2024-3-2",
    "2024-03-02 - 2024-03-05",
    "Mar 2-5, 2026",
    "3/2/2026 - 3/5/2026",
    "'=HYPERLINK(1)",
    "''+x",
    "2 hrs",
    "1,5",
    "1.50",
    " Group Live ",
    "taxes",
    "Auditing (2), Taxes (2)",
    "",
    "  ",
    "Total",
    "not stated",
]
FIELDS = ["completed_on", "started_on", "credits", "field_of_study", "delivery_method", "title"]


@pytest.mark.parametrize("name", FIELDS)
def test_a_remembered_cell_is_the_cell_converted(name):
    reader = _Reader()
    for text in CELL_TEXTS * 2:  # the second time from memory
        assert reader.cell(name, text) == field_cell(name, text)
    for value in (None, 3, 2.5, dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 9, 30)):
        assert reader.cell(name, value) == field_cell(name, value)


@given(st.dates(min_value=dt.date(1000, 1, 1)))
def test_one_iso_day_is_never_a_range(day):
    assert parse_date_range(day.isoformat()) is None
    first, last = day.isoformat(), (day + dt.timedelta(days=3)).isoformat()
    if day.year < 9999:
        assert parse_date_range(f"{first} - {last}") == (
            day,
            day + dt.timedelta(days=3),
        )


def _aside(rows):
    headings = ("Date", "Course", "Hours", "Field")
    return layout.set_aside(headings, [(n, tuple(cells)) for n, cells in enumerate(rows, 2)])


def test_rows_set_aside_whatever_their_cells_hold():
    records, aside = _aside(
        [
            ["2024-01-02", "Tax", "2", "Taxes"],
            ["2024-01-03", "Audit", 1.5, "Auditing"],
            ["", "", "3.5", ""],  # the sums of the rows above
            ["2024-01-04", "Ethics", "4", "Ethics"],
            ["", "TOTAL", "4", ""],
            ["2024-01-05", "A course on totals", "1", "Taxes"],
            ["", "", "9", ""],  # not the sum since the last totals line
            [dt.date(2024, 1, 6), "date", "hours", "field"],  # the header again
            ["Subtotal:", None, 1, None],
        ]
    )
    assert [number for number, _ in records] == [2, 3, 5, 7]
    assert [(row.number, row.reason.split(" (")[0].split(":")[0]) for row in aside] == [
        (4, "a totals line without a label"),
        (6, "a totals line"),
        (8, "only numbers, with no course or date"),
        (9, "repeats the header row"),
        (10, "a subtotal"),
    ]


@pytest.mark.parametrize(
    ("second", "problem"),
    [
        ({"delivery_method": "Group Live", "notes": "x"}, False),
        ({"delivery_method": "group live ", "notes": "x"}, False),
        ({"delivery_method": "QAS Self Study", "notes": "x"}, True),
        ({"delivery_method": "Group Live", "notes": ""}, False),
        ({"delivery_method": "Group Live", "notes": "y"}, True),
        ({"delivery_method": "Group Live", "notes": "x", "started_on": dt.date(2024, 1, 1)}, False),
    ],
)
def test_rows_of_one_record_agree_or_are_told_apart(second, problem):
    first = {"delivery_method": "Group Live", "notes": "x", "started_on": dt.date(2024, 1, 1)}
    found = Problems()
    _check_agreement(found, Group([Row(2, first), Row(3, {**first, **second})]))
    assert bool(found) is problem


@pytest.fixture
def alice(db, system):
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def test_a_picture_without_an_instance_is_the_snapshot(alice, system):
    data = {
        "user": alice.user_id,
        "title": "Tax update",
        "sponsor": None,
        "completed_on": dt.date(2024, 1, 2),
        "created_at": dt.datetime(2024, 1, 2, 9, 30),
        "topics": '["Fraud"]',
        "row_version": 3,
    }
    record = CpeRecord(**data)
    assert audit.snapshot_of(CpeRecord, record.__data__, credits=[1]) == audit.snapshot(
        record, credits=[1]
    )
    user = User.get_by_id(alice.user_id)
    user.password_hash = "secret"
    assert audit.snapshot_of(User, user.__data__) == audit.snapshot(user)
    assert "secret" not in json.dumps(audit.snapshot_of(User, user.__data__), default=str)


def test_values_reach_the_driver_as_db_value_gives_them(alice, system):
    fields = (
        RecordCredit.record,
        RecordCredit.field_of_study,
        RecordCredit.credits,
        CpeRecord.completed_on,
        CpeRecord.created_at,
        AuditLog.actor_id,
    )
    rows = [
        (1, "Taxes", Decimal("1.5"), dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 9), 7),
        (2, "Audit", Decimal("2"), "2024-01-03", "2024-01-02 09:00:00", "8"),
        (3, None, 4, dt.datetime(2024, 1, 4, 10), None, None),
        (4, "Taxes", Decimal("1.50"), None, dt.datetime(2024, 1, 2, 9), True),
    ]
    expected = [
        tuple(field.db_value(value) for field, value in zip(fields, row, strict=True))
        for row in rows
    ]
    assert [tuple(row) for row in bulk_sql.db_values(fields, rows)] == expected
    plain = [row[:2] for row in rows[:2]]
    assert bulk_sql.db_values(fields[:2], plain) is plain  # nothing to convert


def test_the_check_passes_after_imports_in_several_batches(alice, system, monkeypatch):
    monkeypatch.setattr(bulk_sql, "MAX_ROWS_PER_STATEMENT", 3)

    rows = numbered_records_csv

    import_records_csv(system, rows(range(1, 7)), alice)
    table = csv_table(rows(range(7, 12)), "more.csv")
    import_mapped(system, table, guess_mapping(table.headers), alice)

    assert CpeRecord.select().count() == 11
    assert AuditLog.select().where(AuditLog.action == "create record").count() == 11
    assert check(database.obj) == []
