"""Schema 8: every row a form edits gains ``row_version`` = 1, and nothing stored changes.

The step must not rebuild a table: on SQLite a rebuild drops ``users`` and fires every foreign
key's ON DELETE action (licenses and records deleted, audit entries losing their author).
"""

from __future__ import annotations

import datetime as dt

from cpe_desktop.db.migrations import STEPS, current_version, migrate
from cpe_desktop.db.migrations.m0008_row_versions import VERSIONED_TABLES

WHEN = dt.datetime(2025, 3, 1, 9, 0)


def _run(db, sql: str, params=()) -> list[tuple]:
    cursor = db.execute_sql(sql.replace("?", db.param), params)
    return [tuple(row) for row in cursor.fetchall()] if cursor.description else []


def _rows(db, table: str, columns: list[str]) -> list[tuple]:
    names = ", ".join(columns)
    return _run(db, f"SELECT {names} FROM {table} ORDER BY 1")


def test_schema_7_rows_get_version_1_and_keep_everything_else(empty_db):
    db = empty_db
    migrate(db, STEPS[:7])
    assert current_version(db) == 7
    _run(
        db,
        "INSERT INTO users (name, email, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        ("Ann", "ann@example.com", "member", True, WHEN, WHEN),
    )
    (ann,) = _run(db, "SELECT user_id FROM users")[0]
    _run(
        db,
        "INSERT INTO credentials (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("CPA", "Certified Public Accountant", WHEN, WHEN),
    )
    (cpa,) = _run(db, "SELECT credential_id FROM credentials")[0]
    _run(
        db,
        "INSERT INTO licenses (user_id, credential_id, jurisdiction, status, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (ann, cpa, "Texas", "active", WHEN, WHEN),
    )
    _run(
        db,
        "INSERT INTO cpe_records (user_id, title, completed_on, delivery_method, created_at, "
        "updated_at) VALUES (?, ?, ?, ?, ?, ?)",
        (ann, "Ethics", dt.date(2025, 2, 1), "Group Live", WHEN, WHEN),
    )
    _run(
        db,
        "INSERT INTO audit_logs (user_id, action, timestamp, entity, entity_id) "
        "VALUES (?, ?, ?, ?, ?)",
        (ann, "create record", WHEN, "record", "1"),
    )
    columns = {table: [c.name for c in db.get_columns(table)] for table in VERSIONED_TABLES}
    columns["audit_logs"] = [c.name for c in db.get_columns("audit_logs")]
    before = {table: _rows(db, table, names) for table, names in columns.items()}

    migrate(db)

    assert current_version(db) >= 8
    assert {table: _rows(db, table, names) for table, names in columns.items()} == before
    for table in VERSIONED_TABLES:
        versions = _run(db, f"SELECT row_version FROM {table}")
        assert all(version == (1,) for version in versions), table
        assert not [c for c in db.get_columns(table) if c.name == "row_version"][0].null
    # New rows start at 1 without naming the column (an older program's INSERT still works).
    _run(
        db,
        "INSERT INTO credentials (code, name, created_at, updated_at) VALUES (?, ?, ?, ?)",
        ("EA", "Enrolled Agent", WHEN, WHEN),
    )
    assert _run(db, "SELECT row_version FROM credentials WHERE code = ?", ("EA",)) == [(1,)]
