"""``cpe-tracker check`` after the database was changed with sqlite3 behind the program's back:
each kind of change (an entry's after_json or person edited, the newest or a middle entry
deleted, a record's credits changed) is named on stderr and the exit status is 1. Each test starts
the real program in a subprocess."""

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
from cpe_desktop.services import records, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.shipped_data import load_shipped_requirements


@pytest.fixture
def check(tmp_path):
    env = dict(os.environ)
    env.pop("CPE_DATABASE_URL", None)
    env["CPE_DATA_DIR"] = str(tmp_path / "data")
    env["QT_QPA_PLATFORM"] = "offscreen"

    def check(path: Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "cpe_desktop", "--db", str(path), "check"],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    return check


@pytest.fixture
def path(tmp_path) -> Path:
    """Two people; Ann with three records, the second edited. Written the way the program does."""
    file = tmp_path / "cpe.db"
    db = bind(make_database(str(file)))
    db.connect()
    migrate(db)
    clock = FixedClock(dt.datetime(2026, 6, 15, 9, 30))
    system = ServiceContext(SYSTEM, clock)
    load_shipped_requirements(system)  # as the program's start does, so `check` writes nothing
    ann = users.create_user(system, {"name": "Ann", "email": "ann@example.com"}).value
    users.create_user(system, {"name": "Bob", "email": "bob@example.com"})
    as_ann = ServiceContext(Actor.for_user(ann), clock)
    for n in (1, 2, 3):
        records.create_record(
            as_ann,
            {
                "title": f"Course {n}",
                "completed_on": "2026-03-02",
                "delivery_method": "Group Live",
                "credits": [{"field": "Taxes", "credits": 4}],
            },
        )
    records.update_record(as_ann, 2, {"title": "Course 2, revised"})
    db.close()
    return file


def _sql(path: Path, statement: str, *params) -> None:
    with sqlite3.connect(path) as con:
        con.execute(statement, params)
    con.close()


def _one(path: Path, query: str, *params):
    with sqlite3.connect(path) as con:
        row = con.execute(query, params).fetchone()
    con.close()
    return row


def _failed_with(result: subprocess.CompletedProcess[str]) -> list[str]:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Database OK" not in result.stdout
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    count = len(lines) - 1
    assert lines[-1].endswith(f"{count} problem{'' if count == 1 else 's'} found")
    return lines[:-1]


def test_untouched_database_is_ok(check, path):
    result = check(path)
    assert result.returncode == 0, result.stderr
    assert "Database OK" in result.stdout


def test_edited_after_json(check, path):
    (log_id,) = _one(path, "SELECT log_id FROM audit_logs WHERE action = 'update record'")
    _sql(
        path,
        "UPDATE audit_logs SET after_json = replace(after_json, 'revised', 'forged') "
        "WHERE log_id = ?",
        log_id,
    )
    problems = _failed_with(check(path))
    assert any(
        p.startswith(f"Audit entry {log_id} (update record 2) was altered outside the program")
        for p in problems
    ), problems
    assert any(
        "Record 2 (Course 2, revised) was changed outside the program: title Course 2, forged → "
        "Course 2, revised" in p
        for p in problems
    ), problems


def test_edited_user_id(check, path):
    (log_id,) = _one(path, "SELECT log_id FROM audit_logs WHERE action = 'create record'")
    _sql(path, "UPDATE audit_logs SET user_id = 2 WHERE log_id = ?", log_id)
    problems = _failed_with(check(path))
    assert problems == [
        f"Audit entry {log_id} (create record 1): the person was changed outside the program, "
        "from person 1 to person 2."
    ]


def test_newest_entry_deleted(check, path):
    (newest,) = _one(path, "SELECT MAX(log_id) FROM audit_logs")
    _sql(path, "DELETE FROM audit_logs WHERE log_id = ?", newest)
    problems = _failed_with(check(path))
    assert (
        f"The newest audit entry ({newest}) was removed outside the program: the chain ends at "
        f"entry {newest}, the log at entry {newest - 1}."
    ) in problems
    # The newest entry was the record's edit: the record no longer matches the log either.
    assert any(p.startswith("Record 2 (Course 2, revised) was changed") for p in problems)


def test_middle_entry_deleted(check, path):
    (log_id,) = _one(path, "SELECT MIN(log_id) FROM audit_logs WHERE action = 'create record'")
    _sql(path, "DELETE FROM audit_logs WHERE log_id = ?", log_id)
    problems = _failed_with(check(path))
    assert problems == [
        f"Audit entry {log_id} was removed outside the program (the chain breaks between entry "
        f"{log_id - 1} and entry {log_id + 1}).",
        # it was the entry creating record 1, which the log now no longer knows
        "Record 1 (Course 1) was added outside the program: no audit entry records it.",
    ]


def test_record_credits_changed(check, path):
    _sql(path, "UPDATE record_credits SET credits = 40 WHERE record_id = 3")
    problems = _failed_with(check(path))
    assert len(problems) == 1
    assert problems[0].startswith(
        "Record 3 (Course 3) was changed outside the program: Taxes credits 4 → 40 (its latest "
        "audit entry is "
    )
