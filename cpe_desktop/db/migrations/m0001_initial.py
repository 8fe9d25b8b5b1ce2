"""Schema 1: every table of DESIGN section 3.

This step creates the tables from the models. When a later step changes a table, copy the
affected model definitions into this module as they were at schema 1, so that a new database
still passes through every step in order.
"""

from __future__ import annotations

import peewee

from cpe_desktop.db.models import ALL_MODELS


def apply(db: peewee.Database) -> None:
    with db.bind_ctx(ALL_MODELS):
        db.create_tables(ALL_MODELS)
