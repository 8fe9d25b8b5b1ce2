"""Opening a database for use: connect, migrate (backup first), load the shipped rules.

The window and the command line both start here, so they always see the same, up-to-date schema.
"""

from __future__ import annotations

import os

import peewee

from cpe_desktop.db.database import bind, make_database, resolve_target
from cpe_desktop.db.errors import classify
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services.shipped_data import load_shipped_requirements


def open_database(db_path: str | os.PathLike[str] | None = None) -> peewee.Database:
    """The ready-to-use database for ``--db PATH`` / ``CPE_DATABASE_URL`` / the default file.

    Raises :class:`~cpe_desktop.db.errors.DatabaseEnvironmentError` for problems a user can fix.
    """
    target = resolve_target(db_path)
    db = make_database(target)
    try:
        bind(db)
        db.connect(reuse_if_open=True)
        migrate(db)
        load_shipped_requirements()
    except Exception as exc:
        friendly = classify(exc)
        if not db.is_closed():
            db.close()
        if friendly is not None and friendly is not exc:
            raise friendly from exc
        raise
    return db
