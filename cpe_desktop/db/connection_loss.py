"""A database server that went away mid-session (restart, Wi-Fi), and getting it back.

On PostgreSQL a desk's connection can break at any moment: the server restarts, the laptop
leaves the office network. What was being written in that moment is rolled back by the server
(a transaction never half-commits), so nothing saved is lost and nothing is half-saved; the
desk must say so in words, refuse edits until the server is back, and reconnect by itself.
``ui/connection_watch.py`` does the saying and the retrying with what is here. A SQLite file has
no connection to lose (its troubles are in ``db/errors.py``).
"""

from __future__ import annotations

import logging

import peewee

from cpe_desktop.db.errors import classify
from cpe_desktop.db.models import database

log = logging.getLogger(__name__)


def is_connection_lost(exc: BaseException) -> bool:
    """Whether ``exc`` means the database server cannot be reached (PostgreSQL only)."""
    if not isinstance(database.obj, peewee.PostgresqlDatabase):
        return False
    found = classify(exc)
    return found is not None and found.kind == "unreachable"


def reconnect() -> bool:
    """Drop this thread's broken connection and open a new one; True once the server answers."""
    db = database.obj
    try:
        if not db.is_closed():
            db.close()
    except Exception:  # closing a dead connection can fail in its own ways
        log.debug("closing the lost connection failed", exc_info=True)
        db._state.reset()  # forget it: the next connect opens a new one
    try:
        db.connect()
        db.execute_sql("SELECT 1")
    except Exception as exc:
        log.info("database server still unreachable: %s", exc)
        try:
            if not db.is_closed():
                db.close()
        except Exception:
            db._state.reset()
        return False
    return True
