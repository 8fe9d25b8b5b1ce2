"""The command line on a bad day, as a user types it: ``cpe-tracker --data-dir D restore good.db``
works when D's database is garbage, truncated or missing (the damaged file kept aside), and
``--data-dir D`` on another program's SQLite file is refused with exit status 1, the file left
byte for byte as it was and no backup written. Each test starts the real program."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services import users
from cpe_desktop.services.context import SYSTEM, ServiceContext


@pytest.fixture
def run(tmp_path):
    env = dict(os.environ)
    env.pop("CPE_DATABASE_URL", None)
    env.pop("CPE_DATA_DIR", None)
    env["QT_QPA_PLATFORM"] = "offscreen"

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cpe_desktop", *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _database_with(path: Path, *emails: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
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
def good(tmp_path) -> Path:
    path = tmp_path / "good.db"
    _database_with(path, "ann@example.com")
    return path


def _garbage(live: Path) -> None:
    live.write_bytes(os.urandom(200_000))


def _truncated(live: Path) -> None:
    _database_with(live, *(f"p{n}@example.com" for n in range(200)))
    live.write_bytes(live.read_bytes()[:50_000])


@pytest.mark.parametrize("damage", [_garbage, _truncated], ids=["garbage", "truncated"])
def test_restore_over_a_damaged_database(run, tmp_path, good, damage):
    data = tmp_path / "D"
    live = data / "cpe-tracker.db"
    live.parent.mkdir(parents=True, exist_ok=True)
    damage(live)
    damaged = live.read_bytes()

    refused = run("--data-dir", str(data), "check")
    assert refused.returncode == 1
    assert "Restore" in refused.stderr and "Traceback" not in refused.stderr
    assert live.read_bytes() == damaged

    result = run("--data-dir", str(data), "restore", str(good))

    assert result.returncode == 0, result.stderr
    (kept,) = data.glob("cpe-tracker.db.damaged-*[0-9]")  # (its -wal, -shm beside it)
    assert kept.read_bytes() == damaged
    assert str(kept) in result.stdout
    assert _emails(live) == ["ann@example.com"]
    checked = run("--data-dir", str(data), "check")
    assert checked.returncode == 0, checked.stderr
    assert "Database OK" in checked.stdout


def test_restore_where_the_database_is_missing(run, tmp_path, good):
    data = tmp_path / "D"
    result = run("--data-dir", str(data), "restore", str(good))
    assert result.returncode == 0, result.stderr
    assert "Restored" in result.stdout
    assert _emails(data / "cpe-tracker.db") == ["ann@example.com"]


def test_another_programs_database_is_refused_untouched(run, tmp_path):
    data = tmp_path / "D"
    data.mkdir()
    live = data / "cpe-tracker.db"
    with sqlite3.connect(live) as con:
        con.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)")
        con.execute("INSERT INTO notes (body) VALUES ('mine, not yours')")
    con.close()
    before = live.read_bytes()

    for command in (["check"], ["backup"], ["status"]):
        result = run("--data-dir", str(data), *command)
        assert result.returncode == 1, (command, result.stdout)
        assert "is not a CPE Tracker database" in result.stderr
        assert "Traceback" not in result.stderr

    assert live.read_bytes() == before
    con = sqlite3.connect(f"{live.as_uri()}?mode=ro", uri=True)
    assert [r[0] for r in con.execute("SELECT name FROM sqlite_master")] == ["notes"]
    con.close()
    assert not (data / "backups").exists() or list((data / "backups").iterdir()) == []
    assert sorted(p.name for p in data.iterdir() if p.is_file()) == ["cpe-tracker.db"]
