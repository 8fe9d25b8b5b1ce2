"""The database connection as the upper layer sees it: this thread's connection, a lost server,
and the words for trouble with the database.

``ui/`` and ``scheduler/`` never import ``cpe_desktop.db`` (``tests/test_layering.py``); what
they need of the connection is here. The logic stays in ``db/``: ``db/connection_loss.py``
(is a connection lost, reconnecting) and ``db/errors.py`` (``classify``).
"""

from __future__ import annotations

from pathlib import Path

import peewee

from cpe_desktop.db.connection_loss import is_connection_lost, reconnect
from cpe_desktop.db.database import describe, resolve_target, sqlite_file
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify, located
from cpe_desktop.db.models import database

__all__ = [
    "DatabaseEnvironmentError",
    "classify",
    "close_thread_connection",
    "current_database",
    "database_file",
    "describe_database",
    "is_connection_lost",
    "located",
    "open_thread_connection",
    "reconnect",
    "resolve_target",
]


def current_database() -> peewee.Database:
    """The database the program has open (what backups and restores are made of)."""
    return database.obj


def database_file() -> Path | None:
    """The SQLite file the program has open; None on a firm's server (backed up there)."""
    return sqlite_file(database.obj)


def describe_database(db: peewee.Database | None = None) -> str:
    """Where the data lives (the open database, or ``db``), for About boxes and messages."""
    return describe(database.obj if db is None else db)


def open_thread_connection() -> None:
    """Open this thread's connection (peewee keeps one per thread) unless it is open already."""
    database.connect(reuse_if_open=True)


def close_thread_connection() -> None:
    """Close this thread's connection if it is open (a worker thread's, when its job ends)."""
    if not database.is_closed():
        database.close()
