"""Database failures a user can fix (locked, read-only, full, corrupt, too new), apart from bugs.

The UI shows these as a plain-words dialog and the CLI prints them without a traceback; anything
else is a bug and goes to the crash handler.
"""

from __future__ import annotations

import errno
import os
import sqlite3
from pathlib import Path

import peewee


class DatabaseEnvironmentError(Exception):
    """The database cannot be used as it is; the message says why in plain words and what to do."""

    kind = "environment"

    def __init__(self, message: str, *, kind: str | None = None) -> None:
        super().__init__(message)
        if kind:
            self.kind = kind


class SchemaTooNewError(DatabaseEnvironmentError):
    kind = "too_new"


_SQLITE_MESSAGES = (
    (
        ("database is locked", "database table is locked"),
        "locked",
        "The database is busy: another program (or another copy of CPE Tracker) is writing to it. "
        "Close the other program and try again; nothing was changed.",
    ),
    (
        ("readonly", "read-only"),
        "read_only",
        "The database file is read-only. Check that the file and its folder can be written to "
        "(and that the disk is not write-protected); nothing was changed.",
    ),
    (
        ("database or disk is full", "no space left", "disk quota exceeded"),
        "full",
        "The disk is full, so this could not be saved. Free some space and try again; "
        "nothing that was already saved was lost.",
    ),
    (
        ("disk i/o error",),
        "full",
        "The disk holding the database reported a read or write error: it may be full, "
        "disconnected or failing. Free some space (or reconnect the disk) and try again; "
        "nothing that was already saved was lost.",
    ),
    (
        ("file is not a database", "malformed", "file is encrypted"),
        "corrupt",
        "The database file is damaged or is not a CPE Tracker database. Restore it from a backup "
        "(File › Restore, or `cpe-tracker restore`).",
    ),
    (
        ("unable to open database file",),
        "unreachable",
        "The database file cannot be opened. Check that its folder exists and can be written to.",
    ),
)


# Errors from undoing a transaction that SQLite had already undone itself (it does so on a full
# disk or an I/O error): the error that caused the undo is the one to report.
_MASKING = ("cannot rollback - no transaction is active", "no such savepoint")

# A file or folder that cannot be written: the folder is named and the user told what to do.
_UNWRITABLE = {errno.EACCES, errno.EPERM, errno.EROFS, errno.ENOTDIR}


def classify(exc: BaseException) -> DatabaseEnvironmentError | None:
    """The environment error this exception stands for, or None when it looks like a bug."""
    if isinstance(exc, DatabaseEnvironmentError):
        return exc
    if not isinstance(exc, (sqlite3.Error, peewee.DatabaseError, peewee.InterfaceError, OSError)):
        return None
    text = str(exc).lower()
    cause = exc.__cause__ or exc.__context__
    if cause is not None and any(needle in text for needle in _MASKING):
        return classify(cause)
    if isinstance(exc, OSError) and exc.errno in _UNWRITABLE and exc.filename:
        return unwritable_folder(Path(os.fsdecode(exc.filename)), exc)
    for needles, kind, message in _SQLITE_MESSAGES:
        if any(needle in text for needle in needles):
            return DatabaseEnvironmentError(message, kind=kind)
    if isinstance(exc, (peewee.OperationalError, peewee.InterfaceError)) and (
        "connection" in text or "could not connect" in text or "server" in text
    ):
        return DatabaseEnvironmentError(
            f"The database server cannot be reached: {exc}. "
            "Check CPE_DATABASE_URL and the network.",
            kind="unreachable",
        )
    return None


def located(err: DatabaseEnvironmentError, database_target: str) -> DatabaseEnvironmentError:
    """``err`` naming the database file and its folder, for the kinds whose message says only
    "the database file" (``unreachable``, ``read_only``): which file and which folder is what
    the user needs."""
    if err.kind not in ("unreachable", "read_only") or not database_target:
        return err
    if "://" in database_target:
        return err
    file = Path(database_target)
    if err.kind == "read_only":
        return DatabaseEnvironmentError(
            f"The database file {file} cannot be written to: the file, or its folder "
            f"{file.parent}, is read-only. Check that your account can write to both (and that "
            "the disk is not write-protected), or use another data folder with --data-dir "
            "FOLDER; nothing was changed.",
            kind="read_only",
        )
    return DatabaseEnvironmentError(
        f"The database file {file} cannot be opened. Check that the folder {file.parent} "
        "exists and that your account can write to it (or use another data folder with "
        "--data-dir FOLDER); nothing was changed.",
        kind="unreachable",
    )


def unwritable_folder(where: Path, exc: OSError | None = None) -> DatabaseEnvironmentError:
    """The error for a file or folder the program cannot use (create, write, or open): it names
    the folder or file and says what to do."""
    why = f" ({exc.strerror})" if exc is not None and exc.strerror else ""
    if where.is_file():
        what = f"cannot open the file {where}{why}. Check that your account may read and write it"
    else:
        folder, in_the_way = where, None
        while not folder.is_dir() and folder.parent != folder:
            if folder.is_file():
                in_the_way = folder
            folder = folder.parent
        if in_the_way is not None:
            what = f"cannot use the folder {where}: {in_the_way} is a file, not a folder. Move it"
        else:
            what = (
                f"cannot write to the folder {folder}{why}. Make the folder writable for your "
                "account"
            )
    return DatabaseEnvironmentError(
        f"CPE Tracker {what}, or use another data folder (--data-dir FOLDER), then try again; "
        "nothing was changed.",
        kind="unwritable",
    )
