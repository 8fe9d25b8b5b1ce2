"""Schema versions: the database records its version; ordered steps bring an older one up to date.

Each step runs in its own transaction. Before migrating an existing SQLite file, a copy is made
beside it, so a failed or regretted upgrade can always be undone by hand. A database written by a
newer program is refused, untouched.

A step's module (``m00NN_*.py``) is imported only when the step runs: every start checks the
version, and most find nothing to do, so they import none of them (``tests/test_start_imports.py``).
"""

from __future__ import annotations

import datetime as dt
import importlib
import sqlite3
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

import peewee

from cpe_desktop import __version__
from cpe_desktop.db.database import sqlite_file
from cpe_desktop.db.errors import SchemaTooNewError
from cpe_desktop.db.models import SchemaVersion


# Named tuples and a plain class, not dataclasses: this module is imported at every start, where
# a frozen dataclass's generated methods take about half a millisecond each to compile.
class Step(NamedTuple):
    version: int
    description: str
    apply: Callable[[peewee.Database], None]


class StepModule:
    """A step's ``apply``: the ``apply`` of the module ``cpe_desktop.db.migrations.<name>``,
    imported when the step runs."""

    __slots__ = ("name",)

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"StepModule({self.name!r})"

    def __call__(self, db: peewee.Database) -> None:
        module = importlib.import_module(f"{__name__}.{self.name}")
        module.apply(db)


STEPS: tuple[Step, ...] = (
    Step(1, "create every table", StepModule("m0001_initial")),
    Step(2, "add app_meta", StepModule("m0002_app_meta")),
    Step(3, "add reminders.anchor_day", StepModule("m0003_reminder_anchor_day")),
    Step(
        4,
        "add tracking, multi-day programs and cycle rules",
        StepModule("m0004_tracking_and_cycles"),
    ),
    Step(
        5,
        "add requirement components, license attributes, record topics",
        StepModule("m0005_requirement_components"),
    ),
    Step(6, "add the audit log's hash chain", StepModule("m0006_audit_chain")),
    Step(7, "one mail server for the firm (firm_settings)", StepModule("m0007_firm_mail_server")),
    Step(8, "add row_version to every row edited in a form", StepModule("m0008_row_versions")),
    Step(9, "add desk_sessions (who is connected)", StepModule("m0009_desk_sessions")),
    Step(
        10,
        "add certificate_contents (certificates for every desk)",
        StepModule("m0010_certificate_contents"),
    ),
    Step(11, "index records by their last edit", StepModule("m0011_record_edit_index")),
)


class MigrationResult(NamedTuple):
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
