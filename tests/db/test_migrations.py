"""Schema versions: a fresh database is created at the latest version, an older one is migrated
(with a copy made first), and one from a newer program is refused untouched."""

from __future__ import annotations

import datetime as dt

import peewee
import pytest
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.errors import SchemaTooNewError
from cpe_desktop.db.migrations import STEPS, Step, current_version, latest_version, migrate
from cpe_desktop.db.models import SchemaVersion, User


def _add_nickname_column(db: peewee.Database) -> None:
    """A test-only schema 2: a new nullable column on users, filled from existing rows."""
    migrator = SchemaMigrator.from_database(db)
    run_operations(migrator.add_column("users", "nickname", peewee.CharField(null=True)))
    db.execute_sql("UPDATE users SET nickname = name")


def _failing_step(db: peewee.Database) -> None:
    db.execute_sql("UPDATE users SET name = 'half-done'")
    raise RuntimeError("step failed midway")


def test_fresh_database_is_created_at_latest_version(empty_db):
    assert current_version(empty_db) == 0
    result = migrate(empty_db)
    assert (result.from_version, result.to_version) == (0, latest_version())
    assert current_version(empty_db) == latest_version()
    for table in ("users", "cpe_records", "notifications", "task_queue", "custom_field_values"):
        assert empty_db.table_exists(table), table


def test_migrating_again_changes_nothing(db):
    before = SchemaVersion.select().count()
    result = migrate(db)
    assert result.from_version == result.to_version == latest_version()
    assert result.backup is None
    assert SchemaVersion.select().count() == before


def _add_user(name: str) -> None:
    now = dt.datetime(2026, 1, 1)
    User.create(name=name, email=f"{name.lower()}@example.com", created_at=now, updated_at=now)


def test_older_database_is_migrated_and_backed_up_first(tmp_path):
    path = tmp_path / "old.db"
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db, STEPS)  # the database as the current program leaves it
    _add_user("Ann")
    nxt = latest_version() + 1
    steps = (*STEPS, Step(nxt, "add users.nickname", _add_nickname_column))

    result = migrate(db, steps)

    assert (result.from_version, result.to_version) == (nxt - 1, nxt)
    assert current_version(db) == nxt
    assert db.execute_sql("SELECT nickname FROM users").fetchall() == [("Ann",)]
    assert result.backup is not None and result.backup.exists()
    copy = peewee.SqliteDatabase(str(result.backup))
    copy.connect()
    assert copy.execute_sql("SELECT name FROM users").fetchall() == [("Ann",)]
    assert "nickname" not in [c.name for c in copy.get_columns("users")]
    copy.close()
    db.close()


def test_failed_step_rolls_back_and_keeps_version(db):
    _add_user("Ann")
    steps = (*STEPS, Step(latest_version() + 1, "breaks", _failing_step))
    with pytest.raises(RuntimeError):
        migrate(db, steps)
    assert current_version(db) == latest_version()
    assert [u.name for u in User.select()] == ["Ann"]


def test_database_from_newer_program_is_refused_untouched(db):
    SchemaVersion.create(
        version=latest_version() + 5, applied_at=dt.datetime(2030, 1, 1), program_version="9.0"
    )
    _add_user("Ann")
    with pytest.raises(SchemaTooNewError, match="newer version of CPE Tracker"):
        migrate(db)
    assert current_version(db) == latest_version() + 5
    assert User.select().count() == 1


def test_steps_must_be_in_order(db):
    with pytest.raises(ValueError, match="numbered"):
        migrate(db, (Step(2, "x", _add_nickname_column),))


def test_schema_1_database_gains_app_meta(tmp_path):
    """The real step 2, on a database a schema-1 program wrote."""
    db = bind(make_database(str(tmp_path / "v1.db")))
    db.connect()
    migrate(db, STEPS[:1])
    _add_user("Ann")
    assert not db.table_exists("app_meta")
    result = migrate(db)
    assert (result.from_version, result.to_version) == (1, 2)
    assert db.table_exists("app_meta") and result.backup is not None
    assert [u.name for u in User.select()] == ["Ann"]
    db.close()
