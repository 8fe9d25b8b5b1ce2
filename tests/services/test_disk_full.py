"""A full disk in the middle of a transaction: the error that reaches the caller is SQLite's
own "database or disk is full", never the "cannot rollback - no transaction is active" of
undoing a transaction SQLite had already undone; it reads as "the disk is full" in words;
nothing of the change is kept, and reading still works."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from cpe_desktop.db.errors import classify
from cpe_desktop.db.models import AuditLog, CpeRecord, database
from cpe_desktop.services import records, users
from cpe_desktop.services.interchange import import_file
from tests.helpers.disk_full import fill, records_csv

ROWS = 3000


@pytest.fixture
def carol(seeded, system):
    return users.create_user(system, {"name": "Carol", "email": "carol@example.com"}).value


@pytest.fixture
def sqlite_only(db):
    if not isinstance(db, peewee.SqliteDatabase):
        pytest.skip("max_page_count is SQLite's")


def _assert_full(exc: BaseException) -> None:
    assert "database or disk is full" in str(exc)
    friendly = classify(exc)
    assert friendly is not None and friendly.kind == "full"
    assert str(friendly).startswith("The disk is full")
    assert "nothing that was already saved was lost" in str(friendly)


def test_a_big_import_on_a_full_disk_reports_the_full_disk(sqlite_only, carol, system, tmp_path):
    source = records_csv(tmp_path / "big.csv", ROWS)
    before = (CpeRecord.select().count(), AuditLog.select().count())
    fill(database.obj)

    with pytest.raises(peewee.OperationalError) as raised:
        import_file(system, source, user_email="carol@example.com")

    _assert_full(raised.value)
    assert "rollback" not in str(raised.value) and "savepoint" not in str(raised.value)
    assert not database.in_transaction()
    # Nothing of the import was kept, and reading works.
    assert (CpeRecord.select().count(), AuditLog.select().count()) == before
    assert records.list_records(system) == []


def test_one_record_too_many_reports_the_full_disk(sqlite_only, carol, system):
    audited = AuditLog.select().count()
    fill(database.obj)
    data = {
        "user_id": carol.user_id,
        "title": "A course",
        "sponsor": "ACME",
        "completed_on": "2026-01-05",
        "delivery_method": "Group Live",
        "notes": "x" * 9000,  # more than the free space left on the last pages
        "credits": [{"field": "Taxes", "credits": 2}],
    }
    with pytest.raises(peewee.OperationalError) as raised:
        records.create_record(system, data)
    _assert_full(raised.value)
    assert CpeRecord.select().count() == 0 and AuditLog.select().count() == audited


@pytest.mark.parametrize(
    "masking", ["cannot rollback - no transaction is active", "no such savepoint: s1"]
)
def test_an_error_from_undoing_is_read_as_its_cause(masking):
    """However it arises, an error from undoing a transaction SQLite had already undone is
    reported as the error that made SQLite undo it."""
    try:
        try:
            raise sqlite3.OperationalError("database or disk is full")
        except sqlite3.OperationalError:
            raise peewee.OperationalError(masking)  # noqa: B904 - as peewee's __exit__ does
    except peewee.OperationalError as exc:
        friendly = classify(exc)
    assert friendly is not None and str(friendly).startswith("The disk is full")
