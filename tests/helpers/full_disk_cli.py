"""The real command line on a database whose disk is full (not a test module).

``python -m tests.helpers.full_disk_cli ARGS...`` runs ``cpe-tracker ARGS...`` with two faults a
full disk causes, injected where SQLite connections are made:

- a write-ahead-log database's shared-memory index (``-shm``) cannot be created, so a connection
  that would use it fails at its first read with "disk I/O error" (only exclusive locking mode,
  which keeps the index in memory, gets past);
- the database may not grow: ``PRAGMA max_page_count`` is set to the pages it has, so a write
  that needs a page fails with SQLITE_FULL, "database or disk is full".
"""

from __future__ import annotations

import sqlite3
import sys

import peewee

_real_hooks = peewee.SqliteDatabase._add_conn_hooks


def _full_disk_hooks(self, conn):
    if conn.execute("PRAGMA locking_mode").fetchone()[0] != "exclusive":
        raise sqlite3.OperationalError("disk I/O error")
    _real_hooks(self, conn)
    (pages,) = conn.execute("PRAGMA page_count").fetchone()
    conn.execute(f"PRAGMA max_page_count = {pages}")


def install() -> None:
    peewee.SqliteDatabase._add_conn_hooks = _full_disk_hooks


if __name__ == "__main__":
    install()
    from cpe_desktop.cli import main

    sys.exit(main(sys.argv[1:]))
