"""Database failures a user can fix (locked, read-only, full, corrupt, too new), apart from bugs.

The UI shows these as a plain-words dialog and the CLI prints them without a traceback; anything
else is a bug and goes to the crash handler.
"""

from __future__ import annotations

import sqlite3

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
        ("database or disk is full", "disk i/o error", "no space left"),
        "full",
        "The disk holding the database is full or failing. Free some space and try again; "
        "the last change was not saved, everything before it is safe.",
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


def classify(exc: BaseException) -> DatabaseEnvironmentError | None:
    """The environment error this exception stands for, or None when it looks like a bug."""
    if isinstance(exc, DatabaseEnvironmentError):
        return exc
    if not isinstance(exc, (sqlite3.Error, peewee.DatabaseError, peewee.InterfaceError, OSError)):
        return None
    text = str(exc).lower()
    for needles, kind, message in _SQLITE_MESSAGES:
        if any(needle in text for needle in needles):
            return DatabaseEnvironmentError(message, kind=kind)
    if isinstance(exc, peewee.OperationalError) and (
        "connection" in text or "could not connect" in text or "server" in text
    ):
        return DatabaseEnvironmentError(
            f"The database server cannot be reached: {exc}. "
            "Check CPE_DATABASE_URL and the network.",
            kind="unreachable",
        )
    return None
