"""Opening the database: a SQLite file (the default) or any peewee URL, PostgreSQL included.

Where the database lives is decided once, here: ``--db PATH`` wins, then ``CPE_DATABASE_URL``,
then the default file in the data folder. SQLite is opened with WAL, enforced foreign keys, a busy
timeout and ``synchronous=FULL`` so a power cut never loses a saved change.

A SQLite file is opened only when it is empty or is this program's: it carries
``APPLICATION_ID`` in its header (``PRAGMA application_id``, set on every database the program
opens), or, written before the marker existed, has the ``schema_version`` table. Any other SQLite
file belongs to another program and is refused before it is opened for writing, so not one byte
of it changes (opening it with our pragmas would already switch it to WAL).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import NamedTuple
from urllib.parse import parse_qsl, unquote, urlparse

import peewee

from cpe_desktop import paths
from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.db.models import database as database_proxy

# "CPET": the marker in the header of every SQLite database this program writes.
APPLICATION_ID = 0x43504554
SQLITE_MAGIC = b"SQLite format 3\x00"
_SCHEMA_TABLE = "schema_version"  # db.models.SchemaVersion's table

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
        _check_query(parsed.scheme, parsed.query)
    # Imported for a server only: it loads every playhouse extension (SQLite's, PostgreSQL's,
    # CockroachDB's), a few milliseconds of each start that a file never needs.
    from playhouse.db_url import connect as connect_url

    return connect_url(target, **connect_kwargs)


# The only query-string options a URL may carry: PostgreSQL's TLS settings, which libpq reads
# (…?sslmode=verify-full&sslrootcert=/path/ca.pem). Peewee hands every key to the driver as
# it is, so anything else is refused. PGSSLMODE and PGSSLROOTCERT in the environment work too.
SSL_MODES = ("disable", "allow", "prefer", "require", "verify-ca", "verify-full")
TLS_OPTIONS = ("sslmode", "sslrootcert")


def _check_query(scheme: str, query: str) -> None:
    pairs = parse_qsl(query, keep_blank_values=True)
    keys = [key for key, _ in pairs]
    postgres = scheme.startswith("postgres")
    if not postgres or any(key not in TLS_OPTIONS for key in keys) or len(set(keys)) < len(keys):
        raise ValueError(
            "Put connection options in the URL's user/host/port/database part; the only "
            "query-string options CPE_DATABASE_URL takes are PostgreSQL's sslmode and "
            "sslrootcert, once each."
        )
    for key, value in pairs:
        if key == "sslmode" and value not in SSL_MODES:
            raise ValueError(f"sslmode={value!r}: use one of {', '.join(SSL_MODES)}")
        if key == "sslrootcert" and not value:
            raise ValueError("sslrootcert= needs the path of the server's CA certificate")


def _sqlite(path: str) -> peewee.SqliteDatabase:
    if path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # IMMEDIATE: a transaction takes the write lock when it begins, so a long background task
    # that reads first and writes later cannot be refused halfway by a write from the window.
    return SqliteFile(path, pragmas=SQLITE_PRAGMAS, timeout=5, lock_type="IMMEDIATE")


class SqliteFile(peewee.SqliteDatabase):
    """SQLite as this program uses it, with two answers to a full (or failing) disk.

    - When a write fails with "database or disk is full", SQLite may already have rolled the
      whole transaction back. Peewee's own rollback would then fail ("cannot rollback - no
      transaction is active", "no such savepoint") and that error would hide the real one; here
      a rollback with no transaction left to undo does nothing, so the real error is raised.
    - A WAL database is read through a shared-memory index (the ``-shm`` file), which cannot be
      created on a full disk, so not even reading would work. Then the connection is made again
      in exclusive locking mode, whose index is kept in memory: reading works (a write still
      fails, with "database or disk is full") and no other program can use the file until the
      connection closes. ``opened_on_full_disk`` says this happened.
    """

    opened_on_full_disk = False

    def _connect(self):
        try:
            return super()._connect()  # type: ignore[misc]  # private: not in peewee's stubs
        except sqlite3.OperationalError as exc:
            text = str(exc).lower()
            if not ("disk i/o error" in text or "disk is full" in text):
                raise
        conn = sqlite3.connect(
            self.database,
            timeout=self._timeout,  # type: ignore[attr-defined]  # private: not in peewee's stubs
            isolation_level=None,
            **self.connect_params,
        )
        try:
            conn.execute("PRAGMA locking_mode = EXCLUSIVE")  # before the first read: no -shm
            self._add_conn_hooks(conn)  # type: ignore[attr-defined]  # private: not in the stubs
        except BaseException:
            conn.close()
            raise
        self.opened_on_full_disk = True
        return conn

    def _nothing_to_undo(self) -> bool:
        return not self.is_closed() and not self.connection().in_transaction

    def rollback(self) -> None:
        if not self._nothing_to_undo():
            super().rollback()

    def savepoint(self) -> peewee._savepoint:
        return _Savepoint(self)


class _Savepoint(peewee._savepoint):
    def rollback(self, begin: bool = True) -> None:
        if not self.db._nothing_to_undo():
            super().rollback(begin)


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


class FileState(NamedTuple):  # (not a dataclass: this module is imported at every start)
    """What a SQLite file is, seen without opening it for writing.

    ``kind``: ``missing`` (no file), ``empty`` (no tables), ``ours`` (marked, or a CPE Tracker
    database from before the marker), ``foreign`` (another program's tables or marker),
    ``damaged`` (not a readable SQLite database). ``detail`` says why, in words.
    """

    kind: str
    detail: str = ""
    tables: tuple[str, ...] = ()


def inspect_file(path: Path, *, thorough: bool = False) -> FileState:
    """Look at the SQLite file ``path`` read-only; ``thorough`` adds SQLite's quick_check.

    The file is read with ``immutable=1`` (no lock, no -wal/-shm created beside it) unless a
    write-ahead log already exists, whose changes must be seen too.
    """
    path = Path(path)
    if not path.exists():
        return FileState("missing", "there is no database file")
    try:
        size = path.stat().st_size
        with path.open("rb") as handle:
            header = handle.read(100)
    except OSError as exc:
        return FileState("damaged", f"it cannot be read ({exc.strerror or exc})")
    if size == 0:
        return FileState("empty", "the file is empty")
    if not header.startswith(SQLITE_MAGIC):
        return FileState("damaged", "it is not a SQLite database file")
    marker = int.from_bytes(header[68:72], "big") if len(header) >= 72 else 0
    if marker not in (0, APPLICATION_ID):
        return FileState("foreign", f"it carries another program's marker ({marker:#010x})")
    wal = path.with_name(path.name + "-wal")
    uri = path.resolve().as_uri() + ("?mode=ro" if wal.exists() else "?mode=ro&immutable=1")
    try:
        con = sqlite3.connect(uri, uri=True)
        try:
            tables = tuple(
                name
                for (name,) in con.execute(
                    "SELECT name FROM sqlite_master WHERE type = 'table' "
                    "AND name NOT LIKE 'sqlite_%' ORDER BY name"
                )
            )
            healthy = True
            if thorough:
                healthy = con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        return FileState("damaged", f"SQLite says: {exc}")
    if not healthy:
        return FileState("damaged", "SQLite's check found damage", tables)
    if marker == APPLICATION_ID or _SCHEMA_TABLE in tables:
        return FileState("ours", "", tables)
    if not tables:
        return FileState("empty", "the database has no tables")
    shown = ", ".join(tables[:5]) + (", …" if len(tables) > 5 else "")
    return FileState("foreign", f"it holds another program's tables ({shown})", tables)


class ForeignDatabaseError(DatabaseEnvironmentError):
    kind = "foreign"


def refuse_foreign(db: peewee.Database) -> None:
    """Raise :class:`ForeignDatabaseError` when ``db`` is a SQLite file of another program, and
    the "corrupt" environment error when it is plainly not a readable database.

    Call before connecting: the check reads the file without changing it (connecting would
    already discard a write-ahead log SQLite cannot use).
    """
    file = sqlite_file(db)
    if file is None:
        return
    state = inspect_file(file)
    if state.kind == "damaged":
        raise DatabaseEnvironmentError(
            f"The database file {file} is damaged: {state.detail}. Nothing was changed. Restore "
            "it from a backup (File › Restore…, or `cpe-tracker restore BACKUP-FILE`).",
            kind="corrupt",
        )
    if state.kind == "foreign":
        raise ForeignDatabaseError(
            f"{file} is not a CPE Tracker database: {state.detail}. It was left as it is. "
            "Choose another file with --db, or another data folder with --data-dir."
        )


def mark_as_ours(db: peewee.Database) -> None:
    """Write this program's marker into the SQLite header (once; a no-op when already there)."""
    if sqlite_file(db) is None:
        return
    if db.execute_sql("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:
        db.execute_sql(f"PRAGMA application_id = {APPLICATION_ID}")
