"""Opening a database for use: refuse another program's file, connect, migrate (backup first),
mark the file as ours, load the shipped rules.

The window and the command line both start here, so they always see the same, up-to-date schema.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import peewee

from cpe_desktop import paths
from cpe_desktop.db.database import (
    bind,
    make_database,
    mark_as_ours,
    refuse_foreign,
    resolve_target,
    sqlite_file,
)
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services import tasks
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.shipped_data import load_shipped_requirements

log = logging.getLogger(__name__)

# On a shared server another computer may be running a task; only one this old is abandoned.
SHARED_TASK_ABANDONED_AFTER = dt.timedelta(hours=24)


def open_database(
    db_path: str | os.PathLike[str] | None = None,
    *,
    recover_tasks: bool = True,
    check_audit_log: bool = True,
) -> peewee.Database:
    """The ready-to-use database for ``--db PATH`` / ``CPE_DATABASE_URL`` / the default file.

    ``recover_tasks``: mark tasks a crashed run left unfinished as failed (the window, which
    runs tasks and is the only one open on its database, does this; a command run beside an
    open window must not).

    ``check_audit_log``: check the audit log's newest entries against their chain and log what
    no longer matches. The window does it once it has been painted instead (it changes nothing
    and the window shows nothing of it but an administrator's warning, given then too).

    Raises :class:`~cpe_desktop.db.errors.DatabaseEnvironmentError` for problems a user can fix.
    """
    target = resolve_target(db_path)
    db = make_database(target)
    try:
        refuse_foreign(db)  # before connecting: our pragmas would already change the file
        bind(db)
        db.connect(reuse_if_open=True)
        paths.make_database_private(sqlite_file(db))  # 0600: the database is its person's own
        migrate(db)
        if check_audit_log:
            from cpe_desktop.services.audit import chain as audit_chain

            audit_chain.check_at_start()  # the chain's newest entries; `check` verifies them all
        mark_as_ours(db)
        load_shipped_requirements()
        attachments.share_local_files()  # a server: certificates every desk can open
        if recover_tasks:
            _fail_abandoned_tasks(db)
    except Exception as exc:
        friendly = classify(exc)
        if not db.is_closed():
            db.close()
        if friendly is not None and friendly is not exc:
            raise friendly from exc
        raise
    return db


def damaged_file(target: str, error: DatabaseEnvironmentError) -> Path | None:
    """The SQLite file behind ``target`` when ``error`` says it is damaged (a backup may be put
    back in its place); None for any other trouble, or a server."""
    return sqlite_file(make_database(target)) if error.kind == "corrupt" else None


def restore_damaged(db_file: Path, source: Path) -> str:
    """Put the backup ``source`` in place of the damaged ``db_file`` (kept aside); what was done."""
    from cpe_desktop.services.backups import maintenance

    return maintenance.restore(bind(make_database(str(db_file))), source)


def reopen(db_file: Path | None) -> None:
    """Open ``db_file`` again as at start, after a backup was restored over it: this thread's
    connection to the file as it was is closed; an older backup is migrated."""
    from cpe_desktop.db.models import database

    database.obj.close()
    open_database(db_file)


def _fail_abandoned_tasks(db: peewee.Database) -> None:
    shared = not isinstance(db, peewee.SqliteDatabase)
    older_than = SHARED_TASK_ABANDONED_AFTER if shared else None
    count = tasks.fail_abandoned(ServiceContext(actor=SYSTEM), older_than=older_than)
    if count:
        log.warning("%d task(s) left unfinished by the last run were marked failed", count)
