"""``server copy`` (services/server/copying.py) into a migrated database, on SQLite and, with
CPE_TEST_POSTGRES_URL, PostgreSQL: every row and id kept, the audit chain still valid, the solo
file untouched; a target that holds people, and a file that is not ours, refused.
tests/cli/test_cli_server.py runs it through the command line into a database `server init` made.
"""

from __future__ import annotations

import datetime as dt
import sqlite3

import pytest

from cpe_desktop.db.database import bind
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import EVERY_MODEL, AuditLog, CpeRecord, DeskSession, User
from cpe_desktop.services.backups import maintenance
from cpe_desktop.services.demo import demo_clock, make_demo_firm
from cpe_desktop.services.server import copying as server_copy
from cpe_desktop.services.server.copying import CopyRefused, copy_sqlite_database
from cpe_desktop.services.shipped_data import load_shipped_requirements
from cpe_desktop.startup import open_database


@pytest.fixture
def solo(tmp_path):
    """A solo database with people, licenses, records with certificates, reminders, audit."""
    path = tmp_path / "solo.db"
    db = open_database(path)
    make_demo_firm(demo_clock(dt.date(2026, 6, 1)), users_count=2, records_per_user=4, seed=3)
    db.close()
    return path


def _rows(db, model) -> list[dict]:
    return list(model.select().order_by(*server_copy._order(model)).dicts().execute(db))


def test_every_row_and_id_arrives_and_the_chain_holds(solo, empty_db):
    source_bytes = solo.read_bytes()
    with sqlite3.connect(solo) as con:
        people = con.execute("SELECT count(*) FROM users").fetchone()[0]
    from cpe_desktop.db.database import make_database

    src = make_database(str(solo))
    src.connect()
    expected = {m: _rows(src, m) for m in EVERY_MODEL if m is not DeskSession}
    src.close()

    bind(empty_db)
    migrate(empty_db)
    load_shipped_requirements()  # what `server init` leaves: the shipped rules and their audit
    summary = copy_sqlite_database(solo, empty_db)

    assert solo.read_bytes() == source_bytes
    assert summary.rows["users"] == people
    for model, rows in expected.items():
        assert _rows(empty_db, model) == rows, model._meta.table_name
    assert maintenance.check(empty_db) == []
    # New rows get new ids after the copied ones.
    top = max(row["record_id"] for row in expected[CpeRecord])
    user = User.select().first()
    stamp = dt.datetime(2026, 6, 2)
    record = CpeRecord.create(
        user=user, completed_on=dt.date(2026, 5, 1), title="After the move",
        delivery_method="Group Live", created_at=stamp, updated_at=stamp,
    )  # fmt: skip
    assert record.record_id > top


def test_a_target_with_people_is_refused_and_left_as_it_was(solo, empty_db):
    bind(empty_db)
    migrate(empty_db)
    load_shipped_requirements()
    make_demo_firm(demo_clock(dt.date(2026, 6, 1)), users_count=1, records_per_user=1, seed=9)
    before = AuditLog.select().count()
    with pytest.raises(CopyRefused, match="already holds 1 people"):
        copy_sqlite_database(solo, empty_db)
    assert AuditLog.select().count() == before


def test_a_file_that_is_not_a_cpe_tracker_database_is_refused(tmp_path, empty_db):
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as con:
        con.execute("CREATE TABLE photos (id INTEGER PRIMARY KEY)")
    bind(empty_db)
    migrate(empty_db)
    with pytest.raises(CopyRefused, match="not a CPE Tracker database"):
        copy_sqlite_database(other, empty_db)
