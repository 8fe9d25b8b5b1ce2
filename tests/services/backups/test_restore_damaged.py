"""Restore is there for the bad day: it puts a backup back over a database that is garbage,
truncated, empty or gone, and the damaged file is kept aside (renamed, never deleted); another
program's SQLite file is refused and left as it was."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
from pathlib import Path

import pytest

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services import users
from cpe_desktop.services.backups import maintenance
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.startup import open_database


def _database_with(path: Path, *emails: str) -> None:
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
    for email in emails:
        users.create_user(ctx, {"name": email.split("@")[0], "email": email})
    db.close()


def _emails(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [row[0] for row in con.execute("SELECT email FROM users ORDER BY email")]
    finally:
        con.close()


@pytest.fixture
def good_backup(tmp_path) -> Path:
    """A backup holding Ann and Bob."""
    path = tmp_path / "good.db"
    _database_with(path, "ann@example.com", "bob@example.com")
    return path


def _garbage(live: Path) -> bytes:
    live.write_bytes(os.urandom(200_000))
    return live.read_bytes()


def _truncated(live: Path) -> bytes:
    _database_with(live, *(f"p{n}@example.com" for n in range(200)))
    raw = live.read_bytes()
    live.write_bytes(raw[: len(raw) // 3])
    return live.read_bytes()


def _header_only(live: Path) -> bytes:
    _database_with(live, "zed@example.com")
    live.write_bytes(live.read_bytes()[:100])
    return live.read_bytes()


@pytest.mark.parametrize("damage", [_garbage, _truncated, _header_only])
def test_restore_over_a_damaged_database_keeps_the_damaged_file_aside(
    tmp_path, good_backup, damage
):
    """The damaged file cannot even be opened; restore still works, says where the damaged file
    went, and that file holds exactly the bytes that were there."""
    live = tmp_path / "data" / "cpe-tracker.db"
    live.parent.mkdir(parents=True, exist_ok=True)
    damaged_bytes = damage(live)
    with pytest.raises(DatabaseEnvironmentError) as refused:
        open_database(live)
    assert refused.value.kind == "corrupt" and "Restore" in str(refused.value)
    assert live.read_bytes() == damaged_bytes  # opening did not touch it
    (live.parent / "cpe-tracker.db-wal").write_bytes(b"stale log of the damaged file")

    db = bind(make_database(str(live)))
    message = maintenance.restore(db, good_backup)

    (kept,) = live.parent.glob("cpe-tracker.db.damaged-*[0-9]")
    assert kept.read_bytes() == damaged_bytes
    assert kept.with_name(kept.name + "-wal").read_bytes() == b"stale log of the damaged file"
    assert str(kept) in message and "damaged" in message
    assert _emails(live) == ["ann@example.com", "bob@example.com"]
    reopened = open_database(live)
    assert maintenance.check(reopened) == []
    reopened.close()


@pytest.mark.parametrize("missing", ["no-file", "empty-file", "no-folder"])
def test_restore_where_there_is_no_database(tmp_path, good_backup, missing):
    folder = tmp_path / "data"
    if missing != "no-folder":
        folder.mkdir()
    live = folder / "cpe-tracker.db"
    if missing == "empty-file":
        live.write_bytes(b"")
    db = bind(make_database(str(live)))
    db.close()
    message = maintenance.restore(db, good_backup)
    assert message.startswith("Restored")
    assert _emails(live) == ["ann@example.com", "bob@example.com"]
    assert list(folder.glob("*.damaged-*")) == []


def test_restore_over_another_programs_database_is_refused_untouched(tmp_path, good_backup):
    live = tmp_path / "cpe-tracker.db"
    with sqlite3.connect(live) as con:
        con.execute("CREATE TABLE invoices (id INTEGER PRIMARY KEY, total REAL)")
        con.execute("INSERT INTO invoices (total) VALUES (12.5)")
    con.close()
    before = live.read_bytes()
    db = bind(make_database(str(live)))
    with pytest.raises(ServiceError, match="not a CPE Tracker database"):
        maintenance.restore(db, good_backup)
    assert live.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cpe-tracker.db", "good.db"]


def test_a_backup_cannot_be_restored_onto_itself(tmp_path, good_backup):
    db = bind(make_database(str(good_backup)))
    with pytest.raises(ServiceError, match="the database itself"):
        maintenance.restore(db, good_backup)
    assert _emails(good_backup) == ["ann@example.com", "bob@example.com"]


def test_damage_only_the_full_check_finds_is_kept_aside_too(tmp_path, good_backup):
    """An index that no longer matches its table passes SQLite's quick check but not the full
    one: the copy taken before restoring fails its check, so the file is treated as damaged
    (kept aside) rather than the restore being refused."""
    live = tmp_path / "cpe-tracker.db"
    _database_with(live, "zed@example.com")
    con = sqlite3.connect(live)
    con.execute("CREATE TABLE notes (a INTEGER, b INTEGER)")
    con.execute("CREATE INDEX notes_a ON notes (a)")
    con.executemany("INSERT INTO notes VALUES (?, ?)", [(n, 1000 - n) for n in range(200)])
    con.commit()
    con.execute("PRAGMA writable_schema = ON")
    con.execute(
        "UPDATE sqlite_master SET sql = 'CREATE INDEX notes_a ON notes (b)' WHERE name = 'notes_a'"
    )
    con.commit()
    con.close()
    damaged = live.read_bytes()

    message = maintenance.restore(bind(make_database(str(live))), good_backup)

    (kept,) = tmp_path.glob("cpe-tracker.db.damaged-*[0-9]")
    assert kept.read_bytes() == damaged
    assert "integrity check" in message and str(kept) in message
    assert _emails(live) == ["ann@example.com", "bob@example.com"]
    assert list(tmp_path.glob("*.before-restore-*")) == []


def test_an_empty_database_without_tables_is_simply_replaced(tmp_path, good_backup):
    live = tmp_path / "cpe-tracker.db"
    con = sqlite3.connect(live)
    con.execute("PRAGMA user_version = 3")  # a valid SQLite file with nothing in it
    con.close()
    assert live.stat().st_size > 0
    message = maintenance.restore(bind(make_database(str(live))), good_backup)
    assert message == f"Restored {live} from {good_backup}."
    assert _emails(live) == ["ann@example.com", "bob@example.com"]
