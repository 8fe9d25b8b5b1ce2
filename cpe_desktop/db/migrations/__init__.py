"""Schema versions: the database records its version; ordered steps bring an older one up to date.

Each step runs in its own transaction. Before migrating an existing SQLite file, a copy is made
beside it, so a failed or regretted upgrade can always be undone by hand. A database written by a
newer program is refused, untouched.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import peewee

from cpe_desktop import __version__
from cpe_desktop.db.database import sqlite_file
from cpe_desktop.db.errors import SchemaTooNewError
from cpe_desktop.db.migrations import (
    m0001_initial,
    m0002_app_meta,
    m0003_reminder_anchor_day,
    m0004_tracking_and_cycles,
    m0005_requirement_components,
    m0006_audit_chain,
    m0007_firm_mail_server,
    m0008_row_versions,
    m0009_desk_sessions,
    m0010_certificate_contents,
)
from cpe_desktop.db.models import SchemaVersion


@dataclass(frozen=True)
class Step:
    version: int
    description: str
    apply: Callable[[peewee.Database], None]


STEPS: tuple[Step, ...] = (
    Step(1, "create every table", m0001_initial.apply),
    Step(2, "add app_meta", m0002_app_meta.apply),
    Step(3, "add reminders.anchor_day", m0003_reminder_anchor_day.apply),
    Step(4, "add tracking, multi-day programs and cycle rules", m0004_tracking_and_cycles.apply),
    Step(
        5,
        "add requirement components, license attributes, record topics",
        m0005_requirement_components.apply,
    ),
    Step(6, "add the audit log's hash chain", m0006_audit_chain.apply),
    Step(7, "one mail server for the firm (firm_settings)", m0007_firm_mail_server.apply),
    Step(8, "add row_version to every row edited in a form", m0008_row_versions.apply),
    Step(9, "add desk_sessions (who is connected)", m0009_desk_sessions.apply),
    Step(
        10,
        "add certificate_contents (certificates for every desk)",
        m0010_certificate_contents.apply,
    ),
)


@dataclass(frozen=True)
class MigrationResult:
    from_version: int
    to_version: int
    backup: Path | None


def latest_version(steps: Sequence[Step] = STEPS) -> int:
    return steps[-1].version


def current_version(db: peewee.Database) -> int:
    """The schema version recorded in ``db``; 0 for an empty database."""
    if not db.table_exists(SchemaVersion._meta.table_name):
        return 0
    with SchemaVersion.bind_ctx(db):
        found = SchemaVersion.select(peewee.fn.MAX(SchemaVersion.version)).scalar()
    return int(found or 0)


def backup_sqlite(db: peewee.Database, label: str) -> Path | None:
    """Copy a SQLite database aside (consistent even in WAL mode); returns the copy's path."""
    source = sqlite_file(db)
    if source is None or not source.exists():
        return None
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    target = source.with_name(f"{source.name}.{label}-{stamp}.bak")
    counter = 1
    while target.exists():
        target = source.with_name(f"{source.name}.{label}-{stamp}-{counter}.bak")
        counter += 1
    with sqlite3.connect(target) as copy:
        db.connection().backup(copy)
    copy.close()
    return target


def migrate(db: peewee.Database, steps: Sequence[Step] = STEPS) -> MigrationResult:
    """Bring ``db`` to the newest schema in ``steps``; refuse a database from a newer program."""
    versions = [step.version for step in steps]
    if versions != sorted(set(versions)) or versions[0] != 1:
        raise ValueError(f"migration steps must be numbered 1, 2, … in order, got {versions}")
    start = current_version(db)
    latest = versions[-1]
    if start > latest:
        raise SchemaTooNewError(
            f"This database was written by a newer version of CPE Tracker (schema version {start}; "
            f"this program understands up to {latest}). Install the newer version to open it. "
            "Nothing was changed."
        )
    if start == latest:
        return MigrationResult(start, start, None)
    backup = backup_sqlite(db, f"schema-v{start}") if start > 0 else None
    with SchemaVersion.bind_ctx(db):
        for step in steps:
            if step.version <= start:
                continue
            with db.atomic():
                step.apply(db)
                if step.version == 1:
                    db.create_tables([SchemaVersion])
                SchemaVersion.create(
                    version=step.version,
                    applied_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
                    program_version=__version__,
                )
    return MigrationResult(start, latest, backup)
