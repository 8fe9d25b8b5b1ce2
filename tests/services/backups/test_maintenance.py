"""Keeping the data safe: a backup holds the same rows as the database, restore puts a backup's
data back (after saving the current data aside) and refuses anything that is not a usable CPE
Tracker backup without touching the data, and check() finds broken foreign keys on both engines."""

from __future__ import annotations

import datetime as dt
import sqlite3
import types
from pathlib import Path

import peewee
import pytest

from cpe_desktop import paths
from cpe_desktop.db.database import bind, make_database, sqlite_file
from cpe_desktop.db.migrations import latest_version, migrate
from cpe_desktop.db.models import EVERY_MODEL, SchemaVersion, User
from cpe_desktop.services import custom_fields, preferences, users
from cpe_desktop.services.backups import maintenance
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import ServiceError

TABLES = [model._meta.table_name for model in EVERY_MODEL] + [SchemaVersion._meta.table_name]


@pytest.fixture
def sqlite_db(tmp_path, clock):
    """A SQLite database file at the current schema holding a little of everything."""
    db = bind(make_database(str(tmp_path / "live" / "cpe.db")))
    db.connect()
    migrate(db)
    _fill(ServiceContext(SYSTEM, clock))
    yield db
    if not db.is_closed():
        db.close()


def _fill(ctx: ServiceContext) -> None:
    ada = users.create_user(ctx, {"name": "Ada", "email": "ada@example.com"}).value
    ann = users.create_user(ctx, {"name": "Ann", "email": "ann@example.com"}).value
    preferences.set_preferences(ctx, ann.user_id, {"theme": "dark"})
    preferences.set_firm_settings(ctx, {"smtp_port": 465})
    field = custom_fields.define_field(
        ctx, {"entity": "user", "field_name": "Badge", "field_type": "integer"}
    ).value
    custom_fields.set_value(ctx, field.custom_field_id, ada.user_id, 7)


def _counts_in(db: peewee.Database) -> dict[str, int]:
    return {t: db.execute_sql(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}


def _counts_in_file(path: Path) -> dict[str, int]:
    with sqlite3.connect(path) as con:
        counts = {t: con.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in TABLES}
    con.close()
    return counts


def _emails() -> list[str]:
    return [u.email for u in User.select().order_by(User.email)]


def _safety_copies(db: peewee.Database) -> list[Path]:
    live = sqlite_file(db)
    return sorted(live.parent.glob(f"{live.name}.before-restore-*.bak"))


# --- backup --------------------------------------------------------------------------------------


def test_backup_holds_the_same_rows(sqlite_db, tmp_path):
    target = tmp_path / "copies" / "backup.db"
    result = maintenance.backup(sqlite_db, target)
    assert result == target and target.is_file()
    assert not target.with_name(target.name + ".partial").exists()
    live = _counts_in(sqlite_db)
    assert live["users"] == 2 and live["preferences"] == 1 and live["custom_field_values"] == 1
    assert live["firm_settings"] == 1
    assert _counts_in_file(target) == live
    with sqlite3.connect(target) as con:
        assert con.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert con.execute("SELECT email FROM users ORDER BY email").fetchall() == [
            ("ada@example.com",),
            ("ann@example.com",),
        ]
    con.close()


def test_backup_by_default_goes_to_the_backups_folder(sqlite_db):
    target = maintenance.backup(sqlite_db)
    assert target.parent == paths.backups_dir()
    assert target.suffix == ".db"
    assert _counts_in_file(target) == _counts_in(sqlite_db)


def test_two_default_backups_in_the_same_second_both_succeed(sqlite_db, monkeypatch):
    """A second automatic backup must not fail because the first took the name for that second."""
    frozen = dt.datetime(2026, 6, 15, 9, 30, 0)
    fake_dt = types.SimpleNamespace(
        datetime=types.SimpleNamespace(now=lambda *args, **kwargs: frozen)
    )
    monkeypatch.setattr(maintenance, "dt", fake_dt)
    first = maintenance.backup(sqlite_db)
    second = maintenance.backup(sqlite_db)
    assert first != second
    assert first.is_file() and second.is_file()


def test_backup_refuses_to_overwrite(sqlite_db, tmp_path):
    target = tmp_path / "precious.db"
    target.write_bytes(b"do not touch")
    with pytest.raises(ServiceError, match="already exists"):
        maintenance.backup(sqlite_db, target)
    assert target.read_bytes() == b"do not touch"


# --- check ---------------------------------------------------------------------------------------


def _orphan_preference(db: peewee.Database) -> None:
    """A preference of a person who does not exist, slipped past the foreign key."""
    values = "(9999, 'theme', 'dark', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    insert = (
        "INSERT INTO preferences (user_id, setting_name, setting_value, created_at, updated_at) "
        f"VALUES {values}"
    )
    if isinstance(db, peewee.SqliteDatabase):
        db.execute_sql("PRAGMA foreign_keys=OFF")
        db.execute_sql(insert)
        db.execute_sql("PRAGMA foreign_keys=ON")
    else:
        (constraint,) = db.execute_sql(
            "SELECT conname FROM pg_constraint "
            "WHERE conrelid = 'preferences'::regclass AND contype = 'f'"
        ).fetchone()
        db.execute_sql(f'ALTER TABLE preferences DROP CONSTRAINT "{constraint}"')
        db.execute_sql(insert)


def test_check_finds_nothing_on_a_healthy_database(db, system):
    _fill(system)  # audit entries by the system have no user: a NULL key is not a broken one
    assert maintenance.check(db) == []


def test_check_reports_a_broken_foreign_key(db, system):
    _fill(system)
    _orphan_preference(db)
    problems = maintenance.check(db)
    assert len(problems) == 1
    assert "preferences" in problems[0] and "users" in problems[0]


# --- restore -------------------------------------------------------------------------------------


def test_restore_puts_the_backup_back_and_keeps_a_safety_copy(sqlite_db, tmp_path, clock):
    backup = maintenance.backup(sqlite_db, tmp_path / "backup.db")
    saved = _counts_in(sqlite_db)
    ctx = ServiceContext(SYSTEM, clock)
    users.create_user(ctx, {"name": "Cy", "email": "cy@example.com"})
    users.delete_user(ctx, User.get(User.email == "ann@example.com").user_id)
    assert _emails() == ["ada@example.com", "cy@example.com"]
    changed = _counts_in(sqlite_db)

    message = maintenance.restore(sqlite_db, backup)

    assert _emails() == ["ada@example.com", "ann@example.com"]
    assert _counts_in(sqlite_db) == saved
    assert maintenance.check(sqlite_db) == []
    (safety,) = _safety_copies(sqlite_db)
    assert str(safety) in message
    assert _counts_in_file(safety) == changed
    # the restored database is usable as before
    users.create_user(ctx, {"name": "Dee", "email": "dee@example.com"})
    assert len(_emails()) == 3


def _text_file(tmp_path: Path, db: peewee.Database) -> Path:
    path = tmp_path / "notes.db"
    path.write_text("This is not a database, only some notes.\n" * 200)
    return path


def _foreign_sqlite_file(tmp_path: Path, db: peewee.Database) -> Path:
    path = tmp_path / "other-app.db"
    with sqlite3.connect(path) as con:
        con.execute("CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT)")
        con.execute("INSERT INTO users (name) VALUES ('someone')")
    con.close()
    return path


def _empty_file(tmp_path: Path, db: peewee.Database) -> Path:
    path = tmp_path / "empty.db"
    path.write_bytes(b"")
    return path


def _damaged_backup(tmp_path: Path, db: peewee.Database) -> Path:
    path = maintenance.backup(db, tmp_path / "damaged.db")
    raw = bytearray(path.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)  # every page after the first is garbage
    path.write_bytes(bytes(raw))
    return path


def _newer_backup(tmp_path: Path, db: peewee.Database) -> Path:
    path = maintenance.backup(db, tmp_path / "from-the-future.db")
    with sqlite3.connect(path) as con:
        con.execute(
            "INSERT INTO schema_version (version, applied_at, program_version) "
            "VALUES (?, '2030-01-01 00:00:00', '9.0')",
            (latest_version() + 1,),
        )
    con.close()
    return path


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (_text_file, "not a database file"),
        (_foreign_sqlite_file, "not a CPE Tracker database"),
        (_empty_file, "not a CPE Tracker database"),
        (_damaged_backup, "damaged|not a database file"),
        (_newer_backup, "newer version"),
        (lambda tmp_path, db: tmp_path / "missing.db", "no such file"),
    ],
    ids=["text-file", "other-sqlite", "empty-file", "damaged", "newer-schema", "missing"],
)
def test_restore_refuses_unusable_files_and_leaves_the_data_alone(
    sqlite_db, tmp_path, make, reason
):
    source = make(tmp_path, sqlite_db)
    before = _counts_in(sqlite_db)
    live = sqlite_file(sqlite_db)
    with pytest.raises(ServiceError, match=reason):
        maintenance.restore(sqlite_db, source)
    assert _counts_in(sqlite_db) == before
    assert _emails() == ["ada@example.com", "ann@example.com"]
    assert _safety_copies(sqlite_db) == []
    assert live.is_file()


# --- PostgreSQL ----------------------------------------------------------------------------------


def test_backup_and_restore_need_a_sqlite_file(db, system, tmp_path):
    """PostgreSQL is backed up with the server's tools; an in-memory SQLite has no file."""
    target = db if sqlite_file(db) is None else peewee.SqliteDatabase(":memory:")
    _fill(system)
    before = _counts_in(db)
    backup_file = tmp_path / "backup.db"
    with pytest.raises(ServiceError, match="SQLite database file"):
        maintenance.backup(target, backup_file)
    assert not backup_file.exists()
    source = tmp_path / "source.db"
    source.write_bytes(b"")
    with pytest.raises(ServiceError, match="SQLite database file"):
        maintenance.restore(target, source)
    assert _counts_in(db) == before


def test_a_backup_asked_for_inside_a_transaction_is_refused_not_hung(tmp_path):
    db = bind(make_database(str(tmp_path / "cpe.db")))
    migrate(db)
    with db.atomic(), pytest.raises(ServiceError, match="inside a transaction"):
        maintenance.backup(db, tmp_path / "copy.db")
    assert not (tmp_path / "copy.db").exists()
    assert maintenance.backup(db, tmp_path / "copy.db").exists()  # outside one it works
    db.close()
