"""Fixing a cell and leaving rows out in the import preview: the fix is read instead of the
file's cell (the file is never changed), a row left out is neither judged nor reported, and the
import stores exactly the records the preview showed."""

from __future__ import annotations

import csv
import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import CpeRecord, RecordCredit, User
from cpe_desktop.services import users
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.mapped_import import edited_table, import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table
from tests.helpers.interchange_documents import table_counts

LOG = (
    "Date,Course,Sponsor,Delivery,Subject,Hours\n"
    "2025-01-10,Tax update,ACME,Group Live,Taxes,2\n"
    "someday,Audit basics,ACME,Group Live,Auditing,3\n"
    "2025-03-12,Ethics for CPAs,Board,Group Live,Regulatory Ethics,two\n"
    "2025-04-13,Excel tricks,ACME,Group Live,Computer Software & Applications,1\n"
)
DATE, HOURS = 0, 5


@pytest.fixture
def alice(seeded, system) -> User:
    return users.create_user(system, {"name": "Alice", "email": "alice@example.com"}).value


def _table():
    return csv_table(LOG, "log.csv")


def _stored(user: User) -> list[tuple[str, dt.date, Decimal]]:
    query = CpeRecord.select().where(CpeRecord.user == user.user_id).order_by(CpeRecord.title)
    return [(r.title, r.completed_on, sum(Decimal(c.credits) for c in r.credits)) for r in query]


def _previewed(result) -> list[tuple[str, dt.date, Decimal]]:
    records = result.records or result.importable
    return sorted(
        (
            r.values["title"],
            r.values["completed_on"],
            sum(Decimal(c["credits"]) for c in r.values["credits"]),
        )
        for r in records
    )


def test_an_edit_fixes_a_bad_date_and_the_record_imports_with_the_edited_value(system, alice):
    table = _table()
    mapping = guess_mapping(table.headers)
    edits = {(3, DATE): "2025-02-11", (4, HOURS): "1.5"}

    checked = preview(system, table, mapping, alice, edits=edits)
    assert checked.ok and checked.left_out == ()
    summary = import_mapped(system, table, mapping, alice, edits=edits)

    assert summary.records_added == 4
    assert ("Audit basics", dt.date(2025, 2, 11), Decimal(3)) in _stored(alice)
    assert ("Ethics for CPAs", dt.date(2025, 3, 12), Decimal("1.5")) in _stored(alice)
    assert _stored(alice) == _previewed(checked)
    # The table read from the file is unchanged: the fix lives only in the preview's copy.
    assert table.rows[1].cells[DATE] == "someday"


def test_without_edits_the_bad_rows_still_refuse_the_file(system, alice):
    table = _table()
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_mapped(system, table, guess_mapping(table.headers), alice)
    assert {"line 3, Date", "line 4, Hours"} <= set(caught.value.errors)
    assert table_counts() == before


def test_an_edit_that_is_still_wrong_is_reported_with_the_typed_value(system, alice, tmp_path):
    table = _table()
    mapping = guess_mapping(table.headers)
    edits = {(3, DATE): "not yet"}
    checked = preview(system, table, mapping, alice, edits=edits, excluded=[4])
    assert [row.number for row in checked.bad_rows] == [3]
    assert "'not yet'" in checked.bad_rows[0].reasons[0]

    report = tmp_path / "not imported.csv"
    summary = import_mapped(
        system,
        table,
        mapping,
        alice,
        edits=edits,
        excluded=[4],
        skip_bad_rows=True,
        not_imported=report,
    )
    with open(report, encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    # The row as judged (the typed value); the row left out is not a problem, so not reported.
    assert [(row[0], row[2]) for row in rows[1:]] == [("3", "not yet")]
    assert summary.left_out == (4,) and [r.number for r in summary.not_imported] == [3]


def test_leaving_out_the_bad_rows_lets_the_rest_import_all_or_nothing(system, alice):
    table = _table()
    mapping = guess_mapping(table.headers)

    checked = preview(system, table, mapping, alice, excluded={3, 4})
    assert checked.ok and checked.bad_rows == [] and checked.errors == []
    assert checked.left_out == (3, 4)
    summary = import_mapped(system, table, mapping, alice, excluded={3, 4})

    assert summary.records_added == 2 and summary.left_out == (3, 4)
    assert summary.not_imported == []
    assert _stored(alice) == _previewed(checked)
    assert [title for title, _, _ in _stored(alice)] == ["Excel tricks", "Tax update"]
    assert "Left out by you (2 rows):\n  line 3\n  line 4" in summary.describe()


def test_a_row_left_out_and_an_edit_together_match_the_preview(system, alice):
    table = _table()
    mapping = guess_mapping(table.headers)
    edits = {(4, HOURS): "2"}

    checked = preview(system, table, mapping, alice, edits=edits, excluded=[3])
    summary = import_mapped(system, table, mapping, alice, edits=edits, excluded=[3])

    assert summary.records_added == len(checked.records) == 3
    assert _stored(alice) == _previewed(checked)
    assert RecordCredit.select().count() == 3


def test_an_edit_outside_the_table_is_refused(system, alice):
    table = _table()
    mapping = guess_mapping(table.headers)
    for cell in ((99, DATE), (2, 40)):
        with pytest.raises(ValidationError):
            preview(system, table, mapping, alice, edits={cell: "x"})


def test_edited_table_pads_short_rows_and_keeps_the_original():
    table = csv_table("A,B,C\n1\n2,3,4\n", "short.csv")
    copy = edited_table(table, {(2, 2): "z"}, excluded=[3])
    assert [row.cells for row in copy.rows] == [("1", None, "z")]
    assert edited_table(table) is table
    assert [row.number for row in table.rows] == [2, 3]
