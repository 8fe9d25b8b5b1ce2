"""Rows of one course where one row leaves a shared cell blank (issue 15, item 7).

A spreadsheet lists a course once per field of study; people often fill Notes (or the sponsor's
number, the first day) on one of those rows only. An empty cell says nothing, as merge already
treats it, so it must not be refused as disagreeing: the record takes the filled value. Two
filled cells that differ are still refused.
"""

from __future__ import annotations

from decimal import Decimal

import pytest

from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.services import users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.csv_format import HEADER, import_records_csv
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table

PORTAL = (
    "Date Completed,Course Title,Sponsor Name,NASBA ID,Delivery,Subject Area,CPE Hours,Comments\n"
)


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _saved(user: User) -> list[tuple]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id).order_by(CpeRecord.record_id)
    return [
        (
            r.title,
            r.sponsor_id,
            r.notes,
            tuple(sorted((c.field_of_study, c.credits) for c in r.credits)),
        )
        for r in query
    ]


@pytest.mark.parametrize("filled_first", [True, False])
def test_a_blank_notes_cell_on_one_row_of_a_course_groups_into_one_record(
    system, alice, filled_first
):
    rows = [
        "03/02/2025,Tax update,ACME,103456,Live,Taxes,4,bring the binder\n",
        "03/02/2025,Tax update,ACME,103456,Live,Regulatory Ethics,2,\n",
    ]
    if not filled_first:
        rows.reverse()
    table = csv_table(PORTAL + "".join(rows), "mine.csv")
    mapping = guess_mapping(table.headers)

    checked = preview(system, table, mapping, alice)
    assert checked.errors == []
    assert [r.rows for r in checked.records] == [(2, 3)]

    summary = import_mapped(system, table, mapping, alice)
    assert summary.records_added == 1
    assert _saved(alice) == [
        (
            "Tax update",
            "103456",
            "bring the binder",
            (("Regulatory Ethics", Decimal("2.00")), ("Taxes", Decimal("4.00"))),
        )
    ]


def test_a_blank_sponsor_number_on_the_first_row_takes_the_later_rows_number(system, alice):
    table = csv_table(
        PORTAL
        + "03/02/2025,Tax update,ACME,,Live,Taxes,4,\n"
        + "03/02/2025,Tax update,ACME,103456,Live,Regulatory Ethics,2,note\n",
        "mine.csv",
    )
    import_mapped(system, table, guess_mapping(table.headers), alice)
    assert [(r[1], r[2]) for r in _saved(alice)] == [("103456", "note")]


def test_two_filled_notes_that_differ_are_still_refused(system, alice):
    table = csv_table(
        PORTAL
        + "03/02/2025,Tax update,ACME,,Live,Taxes,4,one\n"
        + "03/02/2025,Tax update,ACME,,Live,Regulatory Ethics,2,two\n",
        "mine.csv",
    )
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, table, guess_mapping(table.headers), alice)
    assert "must agree" in caught.value.errors["line 3, Comments"]
    assert _saved(alice) == []


def test_the_csv_template_accepts_a_blank_notes_cell_on_one_row_too(system, alice):
    text = (
        ",".join(HEADER)
        + "\n2026-03-05,Conf,Society,,Group Live,Taxes,4,,\n"
        + "2026-03-05,Conf,Society,,Group Live,Auditing,2,,filled here\n"
    )
    summary = import_records_csv(system, text, alice)
    assert summary.records_added == 1
    assert _saved(alice)[0][2] == "filled here"
