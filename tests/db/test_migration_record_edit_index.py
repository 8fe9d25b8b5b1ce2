"""Schema 11: ``cpe_records_updated_at``, so that the records' version every compliance
evaluation checks first (``services/compliance._VERSION``: count, newest id, newest edit) is
answered from the ends of indexes rather than by reading every record; nothing stored
changes."""

from __future__ import annotations

import datetime as dt

from cpe_desktop.db.migrations import STEPS, current_version, latest_version, migrate
from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services import compliance

WHEN = dt.datetime(2025, 3, 1, 9, 0)


def _run(db, sql: str, params=()) -> list[tuple]:
    cursor = db.execute_sql(sql.replace("?", db.param), params)
    return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def _records(db) -> list[tuple]:
    return _run(db, "SELECT * FROM cpe_records ORDER BY record_id")


def _index_columns(db) -> dict[str, list[str]]:
    return {index.name: index.columns for index in db.get_indexes("cpe_records")}


def _at_schema_10_with_records(db) -> None:
    migrate(db, STEPS[:10])
    assert current_version(db) == 10
    _run(
        db,
        "INSERT INTO users (name, email, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ("Ann", "ann@example.com", "member", True, WHEN, WHEN),
    )
    (ann,) = _run(db, "SELECT user_id FROM users")[0]
    for day, edited in ((1, WHEN), (2, WHEN + dt.timedelta(days=3)), (3, WHEN)):
        _run(
            db,
            "INSERT INTO cpe_records (user_id, title, completed_on, delivery_method, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
            (ann, f"Course {day}", dt.date(2025, 2, day), "Group Live", WHEN, edited),
        )


def test_schema_10_records_gain_the_index_and_keep_everything(empty_db):
    db = empty_db
    _at_schema_10_with_records(db)
    before = _records(db)
    assert "cpe_records_updated_at" not in _index_columns(db)

    result = migrate(db)

    assert (result.from_version, result.to_version) == (10, latest_version())
    assert _index_columns(db)["cpe_records_updated_at"] == ["updated_at"]
    assert _records(db) == before


def test_the_index_is_the_one_the_model_declares(empty_db):
    """A database made by the steps and the model agree on the index (its name and column)."""
    migrate(empty_db)
    declared = {
        index._name: [column.name for column in index._expressions]
        for index in CpeRecord._meta.fields_to_index()
    }
    assert declared["cpe_records_updated_at"] == ["updated_at"]
    assert _index_columns(empty_db)["cpe_records_updated_at"] == ["updated_at"]


def test_the_records_version_is_what_one_scan_would_say(empty_db):
    """The version's three figures, each a query of its own, are the count, the newest id and
    the newest edit a single scan of every record gives."""
    _at_schema_10_with_records(empty_db)
    migrate(empty_db)
    (scan,) = _run(
        empty_db, "SELECT COUNT(record_id), MAX(record_id), MAX(updated_at) FROM cpe_records"
    )
    assert compliance._records_version() == scan
    assert scan[0] == 3 and scan[1] == 3


def test_the_records_version_reads_no_record_on_sqlite(tmp_path):
    """On SQLite every figure of the version comes from an index's end or the row count, never
    from a loop over the records (which a firm's 20,000 make slow): SQLite's program for it has
    a ``Count`` and no loop over a table or an index (``Rewind``/``Next``)."""
    from cpe_desktop.db.database import bind, make_database

    db = bind(make_database(str(tmp_path / "plan.db")))
    db.connect()
    try:
        migrate(db)
        program = [row[1] for row in _run(db, "EXPLAIN " + compliance._VERSION)]
        assert "Count" in program, program
        assert "Rewind" not in program and "Next" not in program, program
        plan = [row[-1] for row in _run(db, "EXPLAIN QUERY PLAN " + compliance._VERSION)]
        assert any("COVERING INDEX cpe_records_updated_at" in step for step in plan), plan
    finally:
        db.close()
