"""The maintenance commands as a user runs them: ``python -m cpe_desktop --db FILE backup/restore/
check``, with the exit codes and messages of the README's Command line section (0 ok; 1 failed, one
line on stderr,
no traceback; 2 bad usage). Each test starts the real program in a subprocess."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop import __version__
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services import users
from cpe_desktop.services.context import SYSTEM, ServiceContext


@pytest.fixture
def run(tmp_path):
    env = dict(os.environ)
    env.pop("CPE_DATABASE_URL", None)
    env["CPE_DATA_DIR"] = str(tmp_path / "data")
    env["QT_QPA_PLATFORM"] = "offscreen"

    def run(*args: str, db: Path | None = None) -> subprocess.CompletedProcess[str]:
        command = [sys.executable, "-m", "cpe_desktop"]
        if db is not None:
            command += ["--db", str(db)]
        return subprocess.run(
            [*command, *args],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return run


def _add_people(path: Path, *emails: str) -> None:
    """Write to the database file the way the program does, then let go of it."""
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
    for email in emails:
        users.create_user(ctx, {"name": email.split("@")[0], "email": email})
    db.close()


def _emails(path: Path) -> list[str]:
    with sqlite3.connect(path) as con:
        found = [row[0] for row in con.execute("SELECT email FROM users ORDER BY email")]
    con.close()
    return found


def test_version(run):
    result = run("--version")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"CPE Tracker {__version__}"


def test_check_on_a_new_database(run, tmp_path):
    path = tmp_path / "new" / "cpe.db"
    result = run("check", db=path)
    assert result.returncode == 0, result.stderr
    assert "OK" in result.stdout
    assert result.stderr == ""
    assert path.is_file()  # created and migrated on the way


def test_backup_then_restore_round_trip(run, tmp_path):
    live = tmp_path / "cpe.db"
    _add_people(live, "ann@example.com")
    copy = tmp_path / "backups" / "monday.db"

    backed_up = run("backup", "-o", str(copy), db=live)
    assert backed_up.returncode == 0, backed_up.stderr
    assert str(copy) in backed_up.stdout
    assert _emails(copy) == ["ann@example.com"]

    _add_people(live, "bob@example.com")
    assert _emails(live) == ["ann@example.com", "bob@example.com"]

    restored = run("restore", str(copy), db=live)
    assert restored.returncode == 0, restored.stderr
    assert "Restored" in restored.stdout
    assert _emails(live) == ["ann@example.com"]
    safety = list(tmp_path.glob("cpe.db.before-restore-*.bak"))
    assert len(safety) == 1
    assert _emails(safety[0]) == ["ann@example.com", "bob@example.com"]


def test_restore_of_a_text_file_fails_cleanly(run, tmp_path):
    live = tmp_path / "cpe.db"
    _add_people(live, "ann@example.com")
    notes = tmp_path / "notes.txt"
    notes.write_text("not a backup\n")

    result = run("restore", str(notes), db=live)

    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cpe-tracker: ") and "notes.txt" in lines[0]
    assert "Traceback" not in result.stderr
    assert _emails(live) == ["ann@example.com"]


def test_unknown_subcommand_is_a_usage_error(run):
    result = run("defragment")
    assert result.returncode == 2
    assert "invalid choice" in result.stderr
    assert "Traceback" not in result.stderr
