"""Moving a solo SQLite database into the firm's server: ``cpe-tracker server copy`` (no Qt).

Every row is copied as it is, ids included, so the audit log's hash chain (which hashes ids,
times and snapshots) stays valid and `cpe-tracker check` passes on the server; password hashes,
the activity log, emails, stored reports and settings come along too, which an account archive
(``export --format zip``) does not carry (it never holds a password, and the import writes
new ids and new audit entries).

The source file is never changed: it is copied aside with SQLite's backup API and the copy is
brought to the current schema. The target must be migrated to the same schema and hold no
people yet; what the migration put there (the shipped rules and their audit entries) is replaced
by the source's own, all in one transaction: nothing is written unless everything is. Each
table's id sequence is then moved past the highest id copied (PostgreSQL).

Who connected from where (``desk_sessions``) and the schema version are the target's own and
are not copied.
"""

from __future__ import annotations

import sqlite3
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import peewee

from cpe_desktop.db.database import SqliteFile, inspect_file
from cpe_desktop.db.migrations import current_version, latest_version, migrate
from cpe_desktop.db.models import EVERY_MODEL, CpeRecord, DeskSession, User

BATCH = 500
COPIED = tuple(model for model in EVERY_MODEL if model is not DeskSession)


class CopyRefused(Exception):
    """The copy was not made; the message says why. Nothing was written."""


@dataclass
class CopySummary:
    rows: dict[str, int] = field(default_factory=dict)

    def describe(self) -> str:
        people = self.rows.get(User._meta.table_name, 0)
        records = self.rows.get(CpeRecord._meta.table_name, 0)
        total = sum(self.rows.values())
        return (
            f"Copied {total} rows in {len(self.rows)} tables: {people} people, {records} CPE "
            "records, their licenses, certificates' details, reminders and audit log."
        )


def copy_sqlite_database(source: Path, target: peewee.Database) -> CopySummary:
    """Copy every row of the SQLite file ``source`` into ``target`` (connected, migrated, no
    people). ``target`` is the database the models are bound to."""
    source = Path(source)
    state = inspect_file(source, thorough=True)
    if state.kind != "ours":
        raise CopyRefused(
            f"{source} is not a CPE Tracker database to copy: {state.detail or state.kind}"
        )
    if current_version(target) != latest_version():
        raise CopyRefused(
            "the server database is not at this program's schema: run `cpe-tracker server init` "
            "(or start the program once with the owner's connection string) first"
        )
    people = User.select().count()
    records = CpeRecord.select().count()
    if people or records:
        raise CopyRefused(
            f"the server database already holds {people} people and {records} CPE records: "
            "server copy fills only a new database (to add one person's data to a firm's "
            "database, use `cpe-tracker export --format zip` and `cpe-tracker import`)"
        )
    with tempfile.TemporaryDirectory(prefix="cpe-copy-") as folder:
        snapshot = Path(folder) / "source.db"
        _snapshot(source, snapshot)
        src = SqliteFile(str(snapshot), pragmas={"foreign_keys": 1})
        src.connect()
        try:
            migrate(src)  # the copy, never the user's file
            return _copy(src, target)
        finally:
            src.close()


def _snapshot(source: Path, copy: Path) -> None:
    """A consistent copy of ``source`` (its write-ahead log included), read-only on the source."""
    reader = sqlite3.connect(source.resolve().as_uri() + "?mode=ro", uri=True)
    try:
        writer = sqlite3.connect(copy)
        try:
            reader.backup(writer)
        finally:
            writer.close()
    finally:
        reader.close()


def _copy(src: peewee.Database, target: peewee.Database) -> CopySummary:
    summary = CopySummary()
    with target.atomic():
        for model in reversed(COPIED):  # children first
            model.delete().execute()
        for model in COPIED:
            rows = list(model.select().order_by(*_order(model)).dicts().execute(src))
            for start in range(0, len(rows), BATCH):
                model.insert_many(rows[start : start + BATCH]).execute()
            summary.rows[model._meta.table_name] = len(rows)
        if isinstance(target, peewee.PostgresqlDatabase):
            for model in COPIED:
                _move_sequence(target, model)
    return summary


def _order(model) -> list:
    key = model._meta.primary_key
    if isinstance(key, peewee.CompositeKey):
        return [getattr(model, name) for name in key.field_names]
    return [key]


def _move_sequence(db: peewee.PostgresqlDatabase, model) -> None:
    key = model._meta.primary_key
    if not isinstance(key, peewee.AutoField):
        return
    table, column = model._meta.table_name, key.column_name
    db.execute_sql(
        f'SELECT setval(pg_get_serial_sequence(%s, %s), COALESCE(MAX("{column}"), 0) + 1, false) '
        f'FROM "{table}"',
        (f'"{table}"', column),
    )
