"""Backups that look after themselves: made, verified, listed and rotated.

In the manner of Anki and Zotero, the window makes an *automatic* backup when it starts and the
newest automatic one is more than a day old, and when it closes after changes; a copy is also
taken before an import (``before-import``), before a restore (``before-restore``, beside the
database) and before a schema upgrade (``before-migration``, beside the database, written by
``db/migrations``).

Every copy is taken with SQLite's online backup API into a hidden partial file
(``.cpe-tracker-partial-…``, never listed), checked with ``PRAGMA integrity_check`` *on the
copy*, and only then given its real name. A copy that fails the check is deleted and nothing
older is rotated out because of it. A partial left by a killed program is swept by the next
backup once it is ``STALE_PARTIAL`` old.

Rotation applies to automatic backups (a backup someone asked for is theirs to delete; of the
copies taken before imports, the newest ``KEEP_BEFORE_IMPORT`` are kept): the newest is always
kept, then the newest of each of the last ``daily`` days, ``weekly`` ISO weeks and ``monthly``
months that have a backup (``KeepPolicy``, the ``backup_keep`` preference). Days are counted in
UTC from the time in the file's name, which comes from the injected clock.

A PostgreSQL database is backed up with the server's tools: nothing here applies to it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import peewee

from cpe_desktop import paths
from cpe_desktop.clock import Clock
from cpe_desktop.db.database import sqlite_file
from cpe_desktop.services.errors import ServiceError

BACKUP_KINDS = {
    "automatic": "Automatic",
    "manual": "Manual",
    "before-import": "Before import",
    "before-restore": "Before restore",
    "before-migration": "Before upgrade",
}
AUTOMATIC_EVERY = dt.timedelta(days=1)
PARTIAL_PREFIX = ".cpe-tracker-partial-"
STALE_PARTIAL = dt.timedelta(hours=1)  # a partial this old has no backup still writing it
KEEP_BEFORE_IMPORT = 10  # the copies taken before imports that are kept (the newest)

_NAME_OF_KIND = {"automatic": "auto", "manual": "", "before-import": "before-import"}
_KIND_OF_NAME = {"auto": "automatic", "before-import": "before-import", None: "manual"}
_IN_FOLDER = re.compile(
    r"^cpe-tracker_(?:(auto|before-import)_)?"
    r"(\d{4}-\d{2}-\d{2})_(\d{6})(Z)?(?:-\d+)?\.db$"
)


@dataclass(frozen=True)
class KeepPolicy:
    daily: int = 7
    weekly: int = 4
    monthly: int = 12


@dataclass(frozen=True)
class Backup:
    path: Path
    kind: str  # a key of BACKUP_KINDS
    taken_at: dt.datetime  # aware (UTC)
    size: int

    @property
    def kind_label(self) -> str:
        return BACKUP_KINDS[self.kind]


class BackupFailed(ServiceError):
    """The copy could not be made or did not pass its check; nothing older was removed."""


def require_sqlite_file(db: peewee.Database) -> Path:
    file = sqlite_file(db)
    if file is None:
        raise ServiceError(
            "Backups work on the SQLite database file. A PostgreSQL database is backed up on its "
            "server, with its own tools (pg_dump / pg_restore); CPE Tracker makes no copies of it."
        )
    return file


# --- one copy ------------------------------------------------------------------------------------


def copy_database(db: peewee.Database, target: Path) -> None:
    """SQLite's online backup of the open database into the new file ``target``."""
    with contextlib.closing(sqlite3.connect(target)) as copy:
        db.connection().backup(copy)


def verify_copy(path: Path) -> str | None:
    """Why the copy at ``path`` is not a usable backup, or None: SQLite's full integrity check
    on the copy itself, and the schema table every CPE Tracker database has."""
    try:
        uri = Path(path).resolve().as_uri() + "?mode=ro&immutable=1"
        with contextlib.closing(sqlite3.connect(uri, uri=True)) as con:
            lines = [line for (line,) in con.execute("PRAGMA integrity_check")]
            if lines != ["ok"]:
                return f"SQLite's integrity check of the copy failed ({lines[0]})"
            found = con.execute(
                "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'"
            ).fetchone()
            if found is None:
                return "the copy is not a CPE Tracker database"
    except sqlite3.DatabaseError as exc:
        return f"the copy cannot be read ({exc})"
    return None


def write_verified_copy(
    db: peewee.Database,
    target: Path,
    *,
    copy: Callable[[peewee.Database, Path], None] = copy_database,
) -> Path:
    """Copy ``db`` to ``target`` through a hidden partial in the same folder, check the copy, then
    give it its name. On any failure nothing is left behind; a kill leaves only the partial,
    which the listing ignores and :func:`sweep_partials` removes later."""
    if db.in_transaction():
        # SQLite's backup waits for the source's own write transaction to end: it never would.
        raise ServiceError("A backup cannot be made from inside a transaction.")
    target = Path(target)
    if target.exists():
        raise ServiceError(f"{target} already exists; choose another name.")
    target.parent.mkdir(parents=True, exist_ok=True)
    sweep_partials(target.parent)
    partial = target.with_name(f"{PARTIAL_PREFIX}{os.getpid()}-{uuid.uuid4().hex[:8]}.db")
    try:
        partial.touch(mode=0o600)  # a copy of everyone's data: its owner's alone from the start
        copy(db, partial)
        problem = verify_copy(partial)
        if problem:
            raise BackupFailed(
                f"The backup was not kept: {problem}. Older backups were left as they are; "
                "run Check (`cpe-tracker check`) on the database."
            )
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target


def sweep_partials(folder: Path, *, older_than: dt.timedelta = STALE_PARTIAL) -> list[Path]:
    """Delete partial copies in ``folder`` that an interrupted backup left (the ones older than
    ``older_than``: a younger one may still be being written); the ones removed."""
    removed: list[Path] = []
    if not folder.is_dir():
        return removed
    limit = time.time() - older_than.total_seconds()
    for path in folder.glob(f"{PARTIAL_PREFIX}*"):
        with contextlib.suppress(OSError):
            if path.stat().st_mtime < limit:
                path.unlink()
                removed.append(path)
    return removed


def make_backup(
    db: peewee.Database,
    kind: str,
    *,
    now: dt.datetime,
    folder: Path | None = None,
    copy: Callable[[peewee.Database, Path], None] = copy_database,
) -> Backup:
    """A verified copy of ``db`` of this ``kind`` (automatic, manual, before-import) in the
    backups folder, named after ``now`` (a naive time is local). Only the newest
    ``KEEP_BEFORE_IMPORT`` before-import copies are kept."""
    require_sqlite_file(db)
    if kind not in _NAME_OF_KIND:
        raise ValueError(f"unknown backup kind {kind!r}")
    folder = Path(folder) if folder is not None else paths.backups_dir()
    moment = now.astimezone(dt.UTC)
    label = _NAME_OF_KIND[kind]
    base = f"cpe-tracker_{label + '_' if label else ''}{moment:%Y-%m-%d_%H%M%S}Z"
    target = folder / f"{base}.db"
    counter = 1
    while target.exists():
        target = folder / f"{base}-{counter}.db"
        counter += 1
    write_verified_copy(db, target, copy=copy)
    if kind == "before-import":
        older = [b for b in list_backups(None, folder) if b.kind == "before-import"]
        for item in older[KEEP_BEFORE_IMPORT:]:
            item.path.unlink(missing_ok=True)
    return Backup(target, kind, moment, target.stat().st_size)


def copy_before_import(db: peewee.Database, now: dt.datetime) -> Backup | None:
    """A checked copy of a SQLite database before an import changes it (window and command
    line alike); None on PostgreSQL, which its server backs up."""
    if sqlite_file(db) is None:
        return None
    return make_backup(db, "before-import", now=now)


# --- listing -------------------------------------------------------------------------------------


def list_backups(db_file: Path | None, folder: Path | None = None) -> list[Backup]:
    """Every backup, newest first: the backups folder's copies, and the before-restore and
    before-migration copies kept beside the database file ``db_file``."""
    folder = Path(folder) if folder is not None else paths.backups_dir()
    found: list[Backup] = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = _IN_FOLDER.match(path.name)
            if match is None or not path.is_file():
                continue
            label, day, clock_time, utc = match.groups()
            taken = dt.datetime.strptime(f"{day} {clock_time}", "%Y-%m-%d %H%M%S")
            found.append(_entry(path, _KIND_OF_NAME[label], taken, utc=bool(utc)))
    if db_file is not None and Path(db_file).parent.is_dir():
        db_file = Path(db_file)
        beside = re.compile(
            rf"^{re.escape(db_file.name)}\.(before-restore|schema-v\d+)-(\d{{8}})-(\d{{6}})"
            r"(?:-\d+)?\.bak$"
        )
        for path in db_file.parent.iterdir():
            match = beside.match(path.name)
            if match is None or not path.is_file():
                continue
            label, day, clock_time = match.groups()
            kind = "before-restore" if label == "before-restore" else "before-migration"
            taken = dt.datetime.strptime(f"{day} {clock_time}", "%Y%m%d %H%M%S")
            found.append(_entry(path, kind, taken, utc=False))
    return sorted(found, key=lambda b: (b.taken_at, b.path.name), reverse=True)


def _entry(path: Path, kind: str, taken: dt.datetime, *, utc: bool) -> Backup:
    moment = taken.replace(tzinfo=dt.UTC) if utc else taken.astimezone(dt.UTC)
    return Backup(path, kind, moment, path.stat().st_size)


# --- automatic backups and rotation --------------------------------------------------------------


def is_due(db_file: Path | None, clock: Clock, folder: Path | None = None) -> bool:
    """True when no automatic backup is younger than ``AUTOMATIC_EVERY``."""
    newest = next((b for b in list_backups(db_file, folder) if b.kind == "automatic"), None)
    return newest is None or clock.now() - newest.taken_at >= AUTOMATIC_EVERY


def kept_by_policy(taken: Iterable[dt.datetime], keep: KeepPolicy) -> set[dt.datetime]:
    """Which of these backup times the policy keeps: the newest, then the newest of each of the
    last ``keep.daily`` days, ``keep.weekly`` ISO weeks and ``keep.monthly`` months (UTC) that
    have a backup."""
    ordered = sorted(set(taken), reverse=True)
    kept = set(ordered[:1])
    buckets: tuple[tuple[int, Callable[[dt.datetime], object]], ...] = (
        (keep.daily, lambda t: t.date()),
        (keep.weekly, lambda t: t.isocalendar()[:2]),
        (keep.monthly, lambda t: (t.year, t.month)),
    )
    for count, bucket in buckets:
        seen: set[object] = set()
        for moment in ordered:
            key = bucket(moment.astimezone(dt.UTC))
            if key in seen:
                continue
            if len(seen) >= count:
                break
            seen.add(key)
            kept.add(moment)
    return kept


def rotate(db_file: Path | None, keep: KeepPolicy, folder: Path | None = None) -> list[Path]:
    """Delete the automatic backups the policy no longer keeps; the files removed."""
    automatic = [b for b in list_backups(db_file, folder) if b.kind == "automatic"]
    kept = kept_by_policy((b.taken_at for b in automatic), keep)
    removed: list[Path] = []
    seen: set[dt.datetime] = set()
    for item in automatic:  # newest first: of two with the same second, the first is kept
        if item.taken_at in kept and item.taken_at not in seen:
            seen.add(item.taken_at)
            continue
        item.path.unlink(missing_ok=True)
        removed.append(item.path)
    return removed


def automatic_backup(
    db: peewee.Database,
    clock: Clock,
    keep: KeepPolicy | None = None,
    *,
    only_if_due: bool = False,
    folder: Path | None = None,
    copy: Callable[[peewee.Database, Path], None] = copy_database,
) -> Backup | None:
    """Make a verified automatic backup, then rotate older automatic ones out by ``keep``.

    ``only_if_due``: do nothing (None) while the newest automatic backup is less than a day old.
    Nothing is rotated unless the new copy passed its check (:class:`BackupFailed` otherwise).
    """
    db_file = require_sqlite_file(db)
    if only_if_due and not is_due(db_file, clock, folder):
        return None
    made = make_backup(db, "automatic", now=clock.now(), folder=folder, copy=copy)
    rotate(db_file, keep or KeepPolicy(), folder)
    return made


def keep_policy() -> KeepPolicy:
    """The ``backup_keep`` preference in force for the database: for each of daily, weekly and
    monthly, the most that any administrator asked to keep (the default when none set it)."""
    from cpe_desktop.db.models import Preference, User
    from cpe_desktop.services.preferences import SETTINGS

    setting = SETTINGS["backup_keep"]
    values = []
    query = (
        Preference.select(Preference.setting_value)
        .join(User)
        .where((Preference.setting_name == "backup_keep") & (User.role == "admin"))
    )
    for pref in query:
        with contextlib.suppress(ValueError):
            values.append(setting.parse(pref.setting_value))
    if not values:
        return KeepPolicy(*setting.default)
    return KeepPolicy(*(max(column) for column in zip(*values, strict=True)))


def newest_restorable(db_file: Path | None, folder: Path | None = None) -> Backup | None:
    """The newest backup that passes its integrity check (for the damaged-database dialog)."""
    for item in list_backups(db_file, folder):
        if verify_copy(item.path) is None:
            return item
    return None


# --- where the data folder is --------------------------------------------------------------------

_SYNC_SERVICES = (
    ("Dropbox", re.compile(r"^dropbox( \(.+\))?$|^dropbox-", re.IGNORECASE)),
    ("OneDrive", re.compile(r"^onedrive( - .+)?$|^onedrive-", re.IGNORECASE)),
    ("iCloud Drive", re.compile(r"^icloud ?drive|^mobile documents$|^icloud~", re.IGNORECASE)),
    ("Google Drive", re.compile(r"^google ?drive|^my drive$|^googledrive-", re.IGNORECASE)),
)


def sync_folder_service(folder: Path) -> str | None:
    """The file-syncing service whose folder holds ``folder`` (by the names of its parents), or
    None. SQLite's documentation warns that such folders can corrupt a database that is in use."""
    for part in Path(folder).parts:
        for service, pattern in _SYNC_SERVICES:
            if pattern.search(part):
                return service
    return None


def sync_folder_warning(folder: Path) -> str | None:
    """The plain-words warning for a data folder inside a syncing service's folder, or None."""
    service = sync_folder_service(folder)
    if service is None:
        return None
    return (
        f"The data folder {folder} is inside your {service} folder. {service} copies files while "
        "CPE Tracker is writing them, which can damage the database or lose recent changes "
        "(SQLite, the database CPE Tracker uses, warns against keeping a database in a synced "
        "or network folder). Move the data folder to a folder on this computer that is not "
        f"synced (start CPE Tracker with --data-dir); copying a backup file into {service} is "
        "safe."
    )
