"""Keeping the data safe: backup, restore and integrity checks of the database.

Backups of a SQLite database use SQLite's online backup, so they are consistent even while the
program runs. A PostgreSQL database is the firm's server's to back up (``pg_dump``); here it gets
the foreign-key check only.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

import peewee

from cpe_desktop import paths
from cpe_desktop.db.database import sqlite_file
from cpe_desktop.db.migrations import backup_sqlite, current_version, latest_version
from cpe_desktop.db.models import EVERY_MODEL
from cpe_desktop.services.errors import ServiceError


def _require_sqlite(db: peewee.Database, what: str) -> Path:
    file = sqlite_file(db)
    if file is None:
        raise ServiceError(
            f"{what} works on the SQLite database file; for PostgreSQL use the server's own "
            "tools (pg_dump / pg_restore)."
        )
    return file


def backup(db: peewee.Database, target: Path | None = None) -> Path:
    """Copy the open SQLite database to ``target`` (default: a dated file in the backups folder)."""
    _require_sqlite(db, "Backup")
    if db.in_transaction():
        # SQLite's backup waits for the source's own write transaction to end: it never would.
        raise ServiceError("A backup cannot be made from inside a transaction.")
    if target is None:
        stamp = dt.datetime.now().strftime("%Y-%m-%d_%H%M%S")
        target = paths.backups_dir() / f"cpe-tracker_{stamp}.db"
        counter = 1
        while target.exists():
            target = paths.backups_dir() / f"cpe-tracker_{stamp}-{counter}.db"
            counter += 1
    target = Path(target)
    if target.exists():
        raise ServiceError(f"{target} already exists; choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    try:
        with sqlite3.connect(partial) as copy:
            db.connection().backup(copy)
        copy.close()
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def check(db: peewee.Database) -> list[str]:
    """Problems found: SQLite's integrity check and every broken foreign key; [] when healthy."""
    problems: list[str] = []
    if isinstance(db, peewee.SqliteDatabase):
        for (line,) in db.execute_sql("PRAGMA integrity_check").fetchall():
            if line != "ok":
                problems.append(f"integrity: {line}")
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"{table} row {rowid} points at a missing {parent} row")
        return problems
    for model in EVERY_MODEL:
        for field in model._meta.refs:
            parent = field.rel_model
            child = model.alias()
            orphans = (
                child.select()
                .join(
                    parent,
                    peewee.JOIN.LEFT_OUTER,
                    on=(getattr(child, field.name) == parent._meta.primary_key),
                )
                .where(
                    getattr(child, field.name).is_null(False) & parent._meta.primary_key.is_null()
                )
                .count()
            )
            if orphans:
                problems.append(
                    f"{model._meta.table_name}: {orphans} row(s) point at a missing "
                    f"{parent._meta.table_name} row"
                )
    return problems


def restore(db: peewee.Database, source: Path) -> str:
    """Replace the SQLite database with the backup ``source``, keeping a copy of the current one.

    The backup is checked first (a CPE Tracker database, healthy, not from a newer program).
    """
    target = _require_sqlite(db, "Restore")
    source = Path(source)
    if not source.is_file():
        raise ServiceError(f"{source}: no such file")
    problem = _check_backup_file(source)
    if problem:
        raise ServiceError(f"{source} cannot be restored: {problem}")
    db.connect(reuse_if_open=True)
    safety = backup_sqlite(db, "before-restore")
    with sqlite3.connect(source) as src:
        src.backup(db.connection())
    src.close()
    db.close()
    kept = f"; the previous database was saved as {safety}" if safety else ""
    return f"Restored {target} from {source}{kept}."


def _check_backup_file(source: Path) -> str | None:
    probe = peewee.SqliteDatabase(str(source))
    try:
        probe.connect()
        if probe.execute_sql("PRAGMA quick_check").fetchone()[0] != "ok":
            return "the file is damaged"
        version = current_version(probe)
        if version == 0:
            return "it is not a CPE Tracker database"
        if version > latest_version():
            return "it was written by a newer version of CPE Tracker"
    except peewee.DatabaseError:
        return "it is not a database file"
    finally:
        probe.close()
    return None
