"""The database connection as the upper layer sees it: this thread's connection, a lost server,
and the words for trouble with the database.

``ui/`` and ``scheduler/`` never import ``cpe_desktop.db`` (``tests/test_layering.py``); what
they need of the connection is here. The logic stays in ``db/``: ``db/connection_loss.py``
(is a connection lost, reconnecting) and ``db/errors.py`` (``classify``).
"""

from __future__ import annotations

from cpe_desktop.db.connection_loss import is_connection_lost, reconnect
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify
from cpe_desktop.db.models import database

__all__ = [
    "DatabaseEnvironmentError",
    "classify",
    "close_thread_connection",
    "is_connection_lost",
    "open_thread_connection",
    "reconnect",
]


def open_thread_connection() -> None:
    """Open this thread's connection (peewee keeps one per thread) unless it is open already."""
    database.connect(reuse_if_open=True)


def close_thread_connection() -> None:
    """Close this thread's connection if it is open (a worker thread's, when its job ends)."""
    if not database.is_closed():
        database.close()
