"""Which database is opened, how SQLite is configured, and how failures are worded."""

from __future__ import annotations

import sqlite3

import peewee
import pytest

from cpe_desktop import paths
from cpe_desktop.db.database import describe, make_database, resolve_target
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify
from cpe_desktop.db.migrations import current_version, latest_version
from cpe_desktop.db.models import License, StateRequirement, User
from cpe_desktop.startup import open_database


def test_target_precedence(tmp_path, monkeypatch):
    assert resolve_target() == str(paths.default_database_path())
    assert resolve_target().startswith(str(tmp_path))  # the test data folder, not the real one
    monkeypatch.setenv("CPE_DATABASE_URL", "postgresql://u@db.example/cpe")
    assert resolve_target() == "postgresql://u@db.example/cpe"
    assert resolve_target(tmp_path / "mine.db") == str(tmp_path / "mine.db")


def test_sqlite_pragmas(tmp_path):
    db = make_database(str(tmp_path / "x.db"))
    db.connect()
    pragma = lambda name: db.execute_sql(f"PRAGMA {name}").fetchone()[0]  # noqa: E731
    assert pragma("journal_mode") == "wal"
    assert pragma("foreign_keys") == 1
    assert pragma("synchronous") == 2  # FULL
    assert pragma("busy_timeout") >= 1000
    db.close()


def test_sqlite_url_gets_the_same_pragmas(tmp_path):
    db = make_database(f"sqlite:///{tmp_path}/u.db")
    assert isinstance(db, peewee.SqliteDatabase)
    db.connect()
    assert db.execute_sql("PRAGMA foreign_keys").fetchone()[0] == 1
    db.close()


def test_postgres_url_builds_a_postgres_database():
    db = make_database("postgresql://alice@db.example:5433/firm")
    assert isinstance(db, peewee.PostgresqlDatabase)
    assert describe(db) == "PostgreSQL database firm on db.example:5433"
    with pytest.raises(ValueError, match="query-string"):
        make_database("postgresql://alice@db.example/firm?options=-c%20role%3Dpostgres")


def test_a_postgres_url_may_carry_its_tls_settings_and_nothing_else():
    db = make_database(
        "postgresql://alice@db.example/firm?sslmode=verify-full&sslrootcert=/etc/cpe/ca.pem"
    )
    assert db.connect_params["sslmode"] == "verify-full"
    assert db.connect_params["sslrootcert"] == "/etc/cpe/ca.pem"
    assert make_database("postgresql://a@h/f?sslmode=require").connect_params["sslmode"] == (
        "require"
    )
    for refused in (
        "postgresql://a@h/f?sslmode=sometimes",
        "postgresql://a@h/f?sslmode=require&sslmode=disable",
        "postgresql://a@h/f?sslrootcert=",
        "postgresql://a@h/f?sslmode=require&host=elsewhere",
        "mysql://a@h/f?sslmode=require",
    ):
        with pytest.raises(ValueError):
            make_database(refused)


def test_open_database_migrates_and_seeds(tmp_path):
    db = open_database(tmp_path / "new.db")
    assert current_version(db) == latest_version()
    assert StateRequirement.select().count() == 65
    db.close()
    db = open_database(tmp_path / "new.db")  # a second start adds nothing
    assert StateRequirement.select().count() == 65
    db.close()


def test_foreign_keys_are_enforced(db):
    import datetime as dt

    with pytest.raises(peewee.IntegrityError):
        License.create(
            user=999,
            credential=999,
            jurisdiction="Texas",
            created_at=dt.datetime(2026, 1, 1),
            updated_at=dt.datetime(2026, 1, 1),
        )
    assert User.select().count() == 0


def test_corrupt_file_is_reported_in_plain_words(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"this is not a database at all" * 200)
    with pytest.raises(DatabaseEnvironmentError) as err:
        open_database(bad)
    assert err.value.kind == "corrupt" and "backup" in str(err.value)


def test_newer_schema_is_refused_with_a_clear_message(tmp_path):
    db = open_database(tmp_path / "future.db")
    db.execute_sql(
        "INSERT INTO schema_version (version, applied_at, program_version) "
        f"VALUES ({latest_version() + 1}, '2030-01-01', '9.0')"
    )
    db.close()
    with pytest.raises(DatabaseEnvironmentError, match="newer version of CPE Tracker"):
        open_database(tmp_path / "future.db")


@pytest.mark.parametrize(
    ("message", "kind"),
    [
        ("database is locked", "locked"),
        ("attempt to write a readonly database", "read_only"),
        ("database or disk is full", "full"),
        ("file is not a database", "corrupt"),
        ("database disk image is malformed", "corrupt"),
    ],
)
def test_classify_environment_errors(message, kind):
    found = classify(peewee.OperationalError(message))
    assert found is not None and found.kind == kind
    assert classify(sqlite3.OperationalError(message)).kind == kind


def test_bugs_are_not_classified_as_environment():
    assert classify(peewee.OperationalError("no such column: nope")) is None
    assert classify(KeyError("x")) is None
