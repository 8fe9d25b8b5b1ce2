"""Keeping the data safe: backup, restore and integrity checks of the database.

Backups of a SQLite database use SQLite's online backup, so they are consistent even while the
program runs; every copy is checked (``integrity_check`` on the copy) before it gets its name, and
an interrupted one leaves only a hidden partial file (see ``services/backups/automatic.py``, which
also makes, lists and rotates the automatic backups). A PostgreSQL database is the firm's server's
to back up (``pg_dump``); here it gets the foreign-key check only.

Restore works whatever state the current database file is in: a healthy one is first copied
aside (``<file>.before-restore-<stamp>.bak``); a damaged, truncated or unreadable one is renamed
aside (``<file>.damaged-<stamp>``, with its ``-wal``/``-shm``), never deleted; a missing or empty
one is simply replaced. Another program's SQLite file is refused, untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import sqlite3
from pathlib import Path

import peewee

from cpe_desktop.db.database import inspect_file, sqlite_file
from cpe_desktop.db.migrations import current_version, latest_version
from cpe_desktop.db.models import EVERY_MODEL
from cpe_desktop.services.backups import automatic as backups
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
    """Copy the open SQLite database to ``target`` (default: a dated file in the backups folder),
    checked before it is given its name."""
    _require_sqlite(db, "Backup")
    if target is None:
        return backups.make_backup(db, "manual", now=dt.datetime.now()).path
    return backups.write_verified_copy(db, Path(target))


def check(db: peewee.Database) -> list[str]:
    """Problems found: SQLite's integrity check, every broken foreign key, and the audit log's
    hash chain with the records and licenses against it (``services/audit/chain.py``); [] when
    healthy."""
    from cpe_desktop.services.audit import chain as audit_chain

    problems: list[str] = []
    if isinstance(db, peewee.SqliteDatabase):
        for (line,) in db.execute_sql("PRAGMA integrity_check").fetchall():
            if line != "ok":
                problems.append(f"integrity: {line}")
        for table, rowid, parent, _ in db.execute_sql("PRAGMA foreign_key_check").fetchall():
            problems.append(f"{table} row {rowid} points at a missing {parent} row")
        if not any(problem.startswith("integrity:") for problem in problems):
            problems.extend(str(finding) for finding in audit_chain.verify().findings)
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
                rows, point = ("row", "points") if orphans == 1 else ("rows", "point")
                problems.append(
                    f"{model._meta.table_name}: {orphans} {rows} {point} at a missing "
                    f"{parent._meta.table_name} row"
                )
    problems.extend(str(finding) for finding in audit_chain.verify().findings)
    return problems


def restore(db: peewee.Database, source: Path) -> str:
    """Replace the SQLite database with the backup ``source``; what was there is kept aside.

    The backup is checked first (a CPE Tracker database, healthy, not from a newer program).
    The database may be open, closed, damaged or missing; it is closed afterwards.
    """
    target = _require_sqlite(db, "Restore")
    source = Path(source)
    if not source.is_file():
        raise ServiceError(f"{source}: no such file")
    problem = _check_backup_file(source)
    if problem:
        raise ServiceError(f"{source} cannot be restored: {problem}")
    if source.resolve() == target.resolve():
        raise ServiceError(f"{source} is the database itself; choose a backup file.")
    state = inspect_file(target, thorough=True)
    if state.kind == "foreign":
        raise ServiceError(
            f"{target} is not a CPE Tracker database ({state.detail}); it was left as it is. "
            "Restore into another file with --db, or another data folder with --data-dir."
        )
    damage = state.detail if state.kind == "damaged" else None
    if state.kind == "ours":
        db.connect(reuse_if_open=True)
        try:
            safety = _safety_copy(db, target)
            with contextlib.closing(sqlite3.connect(source)) as src:
                src.backup(db.connection())
            return f"Restored {target} from {source}; the previous database was saved as {safety}."
        except backups.BackupFailed as exc:
            # quick_check passed, the full check of its copy did not: damaged after all
            damage = f"its copy failed SQLite's integrity check ({exc})"
        finally:
            db.close()
    # Damaged, missing or empty: nothing to open. The file (if any) goes aside, the copy comes in.
    if not db.is_closed():
        db.close()
    kept = _move_aside(target) if damage is not None else None
    _copy_file_in(source, target)
    if kept is None:
        return f"Restored {target} from {source}."
    return f"Restored {target} from {source}. The damaged database ({damage}) was kept as {kept}."


def _safety_copy(db: peewee.Database, target: Path) -> Path:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    safety = target.with_name(f"{target.name}.before-restore-{stamp}.bak")
    counter = 1
    while safety.exists():
        safety = target.with_name(f"{target.name}.before-restore-{stamp}-{counter}.bak")
        counter += 1
    return backups.write_verified_copy(db, safety)


def _move_aside(target: Path) -> Path:
    """Rename a damaged database (and its -wal/-shm, which belong to it) to ``.damaged-<stamp>``."""
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = target.with_name(f"{target.name}.damaged-{stamp}")
    counter = 1
    while kept.exists():
        kept = target.with_name(f"{target.name}.damaged-{stamp}-{counter}")
        counter += 1
    for suffix in ("-wal", "-shm"):
        companion = target.with_name(target.name + suffix)
        if companion.exists():
            os.replace(companion, kept.with_name(kept.name + suffix))
    os.replace(target, kept)
    return kept


def _copy_file_in(source: Path, target: Path) -> None:
    """Write the backup ``source`` as the new database file ``target`` through a checked partial."""
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("-wal", "-shm"):  # a stale log beside an empty file would be replayed
        target.with_name(target.name + suffix).unlink(missing_ok=True)
    if target.exists():  # empty: no tables, nothing of anyone's in it
        target.unlink()
    probe = peewee.SqliteDatabase(str(source))
    try:
        probe.connect()
        backups.write_verified_copy(probe, target)
    finally:
        probe.close()


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
