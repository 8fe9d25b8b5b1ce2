"""Schema 2: the ``app_meta`` table (key/value facts about the database, such as the digest of
the shipped requirement data last loaded, so start-up can skip reloading unchanged data)."""

from __future__ import annotations

import peewee

from cpe_desktop.db.models import AppMeta


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([AppMeta]):
        db.create_tables([AppMeta])
