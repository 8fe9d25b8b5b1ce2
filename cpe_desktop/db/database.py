"""Opening the database: a SQLite file (the default) or any peewee URL, PostgreSQL included.

Where the database lives is decided once, here: ``--db PATH`` wins, then ``CPE_DATABASE_URL``,
then the default file in the data folder. SQLite is opened with WAL, enforced foreign keys, a busy
timeout and ``synchronous=FULL`` so a power cut never loses a saved change.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import unquote, urlparse

import peewee
from playhouse.db_url import connect as connect_url

from cpe_desktop import paths
from cpe_desktop.db.models import database as database_proxy

DATABASE_URL_ENV = "CPE_DATABASE_URL"

SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "foreign_keys": 1,
    "busy_timeout": 5000,
    "synchronous": 2,  # FULL
}


def resolve_target(db_path: str | os.PathLike[str] | None = None) -> str:
    """A peewee URL or SQLite file path: ``--db`` first, then the environment, then the default."""
    if db_path:
        return str(Path(db_path).expanduser().resolve())
    url = os.environ.get(DATABASE_URL_ENV, "").strip()
    if url:
        return url
    return str(paths.default_database_path())


def _is_url(target: str) -> bool:
    scheme = urlparse(target).scheme
    return len(scheme) > 1 and "://" in target  # "C:\\..." has a one-letter scheme


def make_database(target: str, **connect_kwargs) -> peewee.Database:
    """Build (but do not connect) the database for a file path or URL."""
    if not _is_url(target):
        return _sqlite(target)
    parsed = urlparse(target)
    if parsed.scheme in ("sqlite", "sqliteext"):
        # peewee's URL pragmas break the connection; take the path and pass pragmas ourselves.
        path = unquote(parsed.path)
        if parsed.netloc:
            path = parsed.netloc + path
        if path.startswith("/") and len(path) > 2 and path[2] == ":":
            path = path[1:]  # sqlite:///C:/...
        return _sqlite(path or ":memory:")
    if parsed.query:
        raise ValueError(
            "Put connection options in the URL's user/host/port/database part; "
            "query-string options are not supported in CPE_DATABASE_URL."
        )
    return connect_url(target, **connect_kwargs)


def _sqlite(path: str) -> peewee.SqliteDatabase:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a transaction takes the write lock when it begins, so a long background task
    # that reads first and writes later cannot be refused halfway by a write from the window.
    return peewee.SqliteDatabase(path, pragmas=SQLITE_PRAGMAS, timeout=5, lock_type="IMMEDIATE")


def bind(db: peewee.Database) -> peewee.Database:
    """Make ``db`` the database every model uses."""
    database_proxy.initialize(db)
    return db


def sqlite_file(db: peewee.Database) -> Path | None:
    """The file behind a SQLite database, or None (memory, or another engine)."""
    if isinstance(db, peewee.SqliteDatabase) and db.database not in ("", ":memory:"):
        return Path(db.database)
    return None


def describe(db: peewee.Database) -> str:
    """Where the data lives, for About boxes and messages (no password)."""
    file = sqlite_file(db)
    if file is not None:
        return str(file)
    if isinstance(db, peewee.PostgresqlDatabase):
        host = db.connect_params.get("host", "localhost")
        port = db.connect_params.get("port", 5432)
        return f"PostgreSQL database {db.database} on {host}:{port}"
    return f"{type(db).__name__} {db.database}"
