"""Automatic backups as a person relies on them: a copy appears when one is due, each copy is
checked before it counts, a damaged copy never pushes good ones out, rotation keeps the newest of
each day, week and month, an interrupted backup leaves nothing that looks like a backup, the Backups
list shows every kind, and a data folder inside Dropbox & co. is recognised."""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import peewee
import pytest

from cpe_desktop import paths
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database, sqlite_file
from cpe_desktop.db.migrations import STEPS, migrate
from cpe_desktop.services import preferences, users
from cpe_desktop.services.backups import automatic as backups
from cpe_desktop.services.backups import maintenance
from cpe_desktop.services.backups.automatic import KeepPolicy
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.errors import ServiceError

START = dt.datetime(2025, 1, 1, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def live(tmp_path):
    """A SQLite database file at the current schema with one person in it."""
    db = bind(make_database(str(tmp_path / "live" / "cpe-tracker.db")))
    db.connect()
    migrate(db)
    users.create_user(
        ServiceContext(SYSTEM, FixedClock(START)), {"name": "Ann", "email": "ann@example.com"}
    )
    yield db
    if not db.is_closed():
        db.close()


def _listed(db: peewee.Database) -> list[backups.Backup]:
    return backups.list_backups(sqlite_file(db))


def _emails(path: Path) -> list[str]:
    con = sqlite3.connect(path)
    try:
        return [row[0] for row in con.execute("SELECT email FROM users ORDER BY email")]
    finally:
        con.close()


def _damaging_copy(db: peewee.Database, target: Path) -> None:
    """A copy that comes out damaged (as a failing disk or a broken source would give)."""
    backups.copy_database(db, target)
    raw = bytearray(target.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)
    target.write_bytes(bytes(raw))


# --- when automatic backups are made -------------------------------------------------------------


def test_an_automatic_backup_is_due_when_none_is_younger_than_a_day(live):
    """The first start makes one; starts within a day make none; a day later, one more."""
    clock = FixedClock(START)
    made = backups.automatic_backup(live, clock, only_if_due=True)
    assert made is not None and made.kind == "automatic"
    assert _emails(made.path) == ["ann@example.com"]
    clock.advance(dt.timedelta(hours=23, minutes=59))
    assert backups.automatic_backup(live, clock, only_if_due=True) is None
    clock.advance(dt.timedelta(minutes=1))
    assert backups.automatic_backup(live, clock, only_if_due=True) is not None
    assert [b.kind for b in _listed(live)] == ["automatic", "automatic"]


def test_manual_backups_do_not_count_as_automatic_ones(live):
    """Back up now does not stop the daily automatic backup, and is never rotated out."""
    clock = FixedClock(START)
    manual = maintenance.backup(live)
    assert backups.is_due(sqlite_file(live), clock)
    for day in range(10):
        clock.set(START + dt.timedelta(days=day))
        backups.automatic_backup(live, clock, KeepPolicy(1, 0, 0))
    listed = _listed(live)
    assert manual in [b.path for b in listed]
    assert [b.kind for b in listed].count("automatic") == 1


# --- verification --------------------------------------------------------------------------------


def test_a_damaged_copy_is_not_kept_and_pushes_no_good_backup_out(live):
    """With a policy keeping one daily backup, a good new copy would remove yesterday's; a copy
    that fails its integrity check is deleted instead and yesterday's stays."""
    clock = FixedClock(START)
    good = backups.automatic_backup(live, clock, KeepPolicy(1, 0, 0))
    clock.advance(dt.timedelta(days=1))
    with pytest.raises(backups.BackupFailed, match="backup was not kept") as failure:
        backups.automatic_backup(live, clock, KeepPolicy(1, 0, 0), copy=_damaging_copy)
    assert "Older backups were left" in str(failure.value)
    assert [b.path for b in _listed(live)] == [good.path]
    assert sorted(p.name for p in paths.backups_dir().iterdir()) == [good.path.name]
    assert _emails(good.path) == ["ann@example.com"]
    # the next good copy does rotate, as the policy says
    made = backups.automatic_backup(live, clock, KeepPolicy(1, 0, 0))
    assert [b.path for b in _listed(live)] == [made.path]


def test_a_backup_of_a_damaged_database_is_refused(tmp_path):
    """When the database itself is damaged, the copy carries the damage: it is not kept."""
    path = tmp_path / "cpe-tracker.db"
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    ctx = ServiceContext(SYSTEM, FixedClock(START))
    for n in range(300):
        users.create_user(ctx, {"name": f"P{n}", "email": f"p{n}@example.com"})
    db.execute_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    db.close()
    raw = bytearray(path.read_bytes())
    page = 4096
    con = sqlite3.connect(path)
    (root,) = con.execute("SELECT rootpage FROM sqlite_master WHERE name = 'users'").fetchone()
    con.close()
    start = (root - 1) * page
    raw[start + 100 : start + page] = b"\x00\xff" * ((page - 100) // 2)  # the users b-tree root
    path.write_bytes(bytes(raw))
    db.connect()
    with pytest.raises(backups.BackupFailed):
        backups.automatic_backup(db, FixedClock(START))
    db.close()
    assert backups.list_backups(path) == []
    assert list(paths.backups_dir().iterdir()) == []


def test_manual_backups_are_checked_too(live, tmp_path):
    target = tmp_path / "copy.db"
    with pytest.raises(backups.BackupFailed):
        backups.write_verified_copy(live, target, copy=_damaging_copy)
    assert list(tmp_path.glob("*copy*")) == []
    assert list(tmp_path.glob(".cpe-tracker-partial-*")) == []


# --- rotation ------------------------------------------------------------------------------------


def test_the_default_policy_keeps_7_daily_4_weekly_12_monthly():
    """A backup every day for 400 days: kept are the last 7 days, the newest of the last 4 weeks,
    and the newest of the last 12 months."""
    taken = [START + dt.timedelta(days=n) for n in range(400)]
    kept = backups.kept_by_policy(taken, KeepPolicy())
    newest = taken[-1]
    assert newest.date() == dt.date(2026, 2, 4)  # a Wednesday
    daily = {newest - dt.timedelta(days=n) for n in range(7)}  # Jan 29 .. Feb 4
    weekly = {newest} | {  # the Sundays ending the three weeks before
        dt.datetime(2026, 2, 1, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 25, 12, tzinfo=dt.UTC),
        dt.datetime(2026, 1, 18, 12, tzinfo=dt.UTC),
    }
    monthly = {newest} | {  # the last day of each of the eleven months before
        dt.datetime(year, month, 1, 12, tzinfo=dt.UTC) - dt.timedelta(days=1)
        for year, month in [(2026, 2), (2026, 1)] + [(2025, m) for m in range(12, 3, -1)]
    }
    assert len(monthly) == 12
    assert kept == daily | weekly | monthly


def test_rotation_of_real_files_with_an_injected_clock(live):
    """Two backups a day (start and close) for ten weeks, kept 3 daily, 3 weekly, 2 monthly: what
    remains is exactly what the policy names, and the newest is always there."""
    clock = FixedClock(START)  # a Wednesday
    keep = KeepPolicy(3, 3, 2)
    for day in range(70):
        for hour in (8, 17):
            clock.set(START.replace(hour=hour) + dt.timedelta(days=day))
            backups.automatic_backup(live, clock, keep)
    remaining = sorted(b.taken_at for b in _listed(live))
    at = lambda month, day, hour=17: dt.datetime(2025, month, day, hour, tzinfo=dt.UTC)  # noqa: E731
    assert remaining == [
        at(2, 28),  # the newest of February (monthly)
        at(3, 2),  # the newest of the week of 24 Feb - 2 Mar (weekly)
        at(3, 9),  # daily, and the newest of the week of 3 - 9 Mar
        at(3, 10),  # daily
        at(3, 11),  # the newest: daily, this week's, this month's
    ]


def test_only_the_newest_copies_before_imports_are_kept(live):
    """Each import first takes a checked copy; a person importing every day does not fill the
    disk: the newest ten stay, and other kinds are not touched."""
    manual = maintenance.backup(live)
    made = [
        backups.make_backup(live, "before-import", now=START + dt.timedelta(hours=n))
        for n in range(12)
    ]
    listed = _listed(live)
    kept = [b.path for b in listed if b.kind == "before-import"]
    assert kept == [b.path for b in reversed(made[2:])]
    assert manual in [b.path for b in listed]


# --- interrupted backups -------------------------------------------------------------------------


def test_a_backup_that_fails_midway_leaves_nothing_behind(live, tmp_path):
    def failing_copy(db, target):
        target.write_bytes(b"SQLite format 3\x00" + b"\x00" * 5000)
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError, match="No space"):
        backups.write_verified_copy(live, tmp_path / "out" / "copy.db", copy=failing_copy)
    assert list((tmp_path / "out").iterdir()) == []


def test_a_killed_backup_leaves_no_backup_and_the_next_one_sweeps_its_partial(live, tmp_path):
    """kill -9 while the copy is being written: no file that looks like a backup (the target is
    absent, the Backups list is empty); the next backup removes the hidden partial."""
    script = textwrap.dedent(
        f"""
        import sys, time
        from cpe_desktop.db.database import bind, make_database
        from cpe_desktop.services.backups import automatic as backups

        def slow_copy(db, target):
            backups.copy_database(db, target)
            print("copied", flush=True)
            time.sleep(120)

        db = bind(make_database({str(sqlite_file(live))!r}))
        db.connect()
        backups.write_verified_copy(db, backups.paths.backups_dir() / "cpe-tracker_auto_x.db",
                                    copy=slow_copy)
        """
    )
    env = dict(os.environ, CPE_DATA_DIR=str(paths.data_dir()))
    child = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, env=env
    )
    try:
        assert child.stdout.readline().strip() == "copied"
    finally:
        child.kill()
        child.wait()
        child.stdout.close()
    folder = paths.backups_dir()
    (partial,) = folder.iterdir()
    assert partial.name.startswith(".cpe-tracker-partial-")
    assert _listed(live) == []
    assert not (folder / "cpe-tracker_auto_x.db").exists()
    # a partial this young may belong to a backup still running: left alone
    made = backups.automatic_backup(live, FixedClock(START))
    assert partial.exists()
    old = time.time() - backups.STALE_PARTIAL.total_seconds() - 60
    os.utime(partial, (old, old))
    clock = FixedClock(START + dt.timedelta(days=1))
    newer = backups.automatic_backup(live, clock)
    assert not partial.exists()
    assert {p.name for p in folder.iterdir()} == {made.path.name, newer.path.name}


# --- the list ------------------------------------------------------------------------------------


def test_the_list_shows_every_kind_newest_first_with_sizes(tmp_path):
    """Automatic, manual, before-import, before-restore and before-upgrade copies are listed;
    partials and unrelated files are not."""
    path = tmp_path / "cpe-tracker.db"
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db, STEPS[:-1])
    db.close()
    db.connect()
    migrate(db)  # the upgrade copies the old schema aside
    clock = FixedClock(START)
    backups.automatic_backup(db, clock)
    backups.make_backup(db, "before-import", now=START + dt.timedelta(minutes=1))
    manual = maintenance.backup(db)
    source = maintenance.backup(db, tmp_path / "elsewhere.db")
    maintenance.restore(db, source)
    (paths.backups_dir() / ".cpe-tracker-partial-1-abc.db").write_bytes(b"x")
    (paths.backups_dir() / "notes.txt").write_text("mine")
    listed = backups.list_backups(path)
    kinds = {b.kind for b in listed}
    assert kinds == {"automatic", "manual", "before-import", "before-restore", "before-migration"}
    assert len(listed) == 5
    assert [b.taken_at for b in listed] == sorted((b.taken_at for b in listed), reverse=True)
    assert all(b.size == b.path.stat().st_size > 0 for b in listed)
    assert manual in [b.path for b in listed]
    assert {b.kind_label for b in listed} >= {"Automatic", "Before upgrade", "Before restore"}


def test_the_newest_restorable_backup_skips_damaged_ones(live):
    clock = FixedClock(START)
    good = backups.automatic_backup(live, clock)
    clock.advance(dt.timedelta(days=1))
    bad = backups.automatic_backup(live, clock)
    raw = bytearray(bad.path.read_bytes())
    raw[4096:] = b"\xa5" * (len(raw) - 4096)
    bad.path.write_bytes(bytes(raw))
    assert backups.newest_restorable(sqlite_file(live)).path == good.path


# --- the policy preference -----------------------------------------------------------------------


def test_the_keep_policy_is_the_most_any_administrator_asked_for(people):
    assert backups.keep_policy() == KeepPolicy(7, 4, 12)
    preferences.set_preferences(people.as_admin, people.admin.user_id, {"backup_keep": "3, 8, 2"})
    preferences.set_preferences(people.as_ann, people.ann.user_id, {"backup_keep": "99, 99, 99"})
    assert backups.keep_policy() == KeepPolicy(3, 8, 2)  # a member's wish is not the database's
    second = users.create_user(
        people.as_admin, {"name": "Zed", "email": "zed@example.com", "role": "admin"}
    ).value
    ctx = ServiceContext(Actor.for_user(second), people.as_admin.clock)
    preferences.set_preferences(ctx, second.user_id, {"backup_keep": "10, 1, 1"})
    assert backups.keep_policy() == KeepPolicy(10, 8, 2)


# --- PostgreSQL ----------------------------------------------------------------------------------


def test_backups_say_in_words_that_they_do_not_apply_to_postgresql():
    not_a_file = peewee.SqliteDatabase(":memory:")
    with pytest.raises(ServiceError, match="PostgreSQL database is backed up on its server"):
        backups.automatic_backup(not_a_file, FixedClock(START))


# --- sync folders --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("folder", "service"),
    [
        ("/home/ann/Dropbox/CPE Tracker", "Dropbox"),
        ("/home/ann/Dropbox (Smith CPA)/cpe", "Dropbox"),
        ("C:/Users/ann/OneDrive/Documents/CPE", "OneDrive"),
        ("C:/Users/ann/OneDrive - Smith CPA/CPE", "OneDrive"),
        ("/Users/ann/Library/Mobile Documents/com~apple~CloudDocs/CPE", "iCloud Drive"),
        ("/Users/ann/iCloud Drive/CPE", "iCloud Drive"),
        (
            "/Users/ann/Library/CloudStorage/GoogleDrive-ann@example.com/My Drive/CPE",
            "Google Drive",
        ),
        ("G:/My Drive/CPE", "Google Drive"),
        ("/Users/ann/Google Drive/CPE", "Google Drive"),
        ("/home/ann/.local/share/CPE Tracker", None),
        ("C:/Users/ann/AppData/Roaming/CPE Tracker", None),
        ("/home/ann/dropbox-notes-archive-not/x", "Dropbox"),
        ("/home/ann/my dropbox tips/x", None),
    ],
)
def test_a_data_folder_inside_a_sync_service_is_recognised(folder, service):
    assert backups.sync_folder_service(Path(folder)) == service
    warning = backups.sync_folder_warning(Path(folder))
    if service is None:
        assert warning is None
    else:
        assert service in warning and "--data-dir" in warning
