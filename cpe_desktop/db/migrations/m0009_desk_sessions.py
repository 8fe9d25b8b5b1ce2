"""Schema 9: ``desk_sessions``, the desks (running programs) connected to this database.

A firm's desks share one database; Administration › Connected lists who is using it from which
machine, and a desk polls for the others' changes only while another is connected. Nothing
existing changes.

A model of its own, so later edits to ``db/models.py`` cannot change what it does.
"""

from __future__ import annotations

import peewee


class _User(peewee.Model):
    user_id = peewee.AutoField()

    class Meta:
        table_name = "users"


class _DeskSession(peewee.Model):
    desk_id = peewee.CharField(max_length=32, primary_key=True)
    user = peewee.ForeignKeyField(_User, column_name="user_id", null=True, on_delete="CASCADE")
    machine = peewee.CharField(max_length=255)
    program_version = peewee.CharField(max_length=50)
    database_kind = peewee.CharField(max_length=20)
    started_at = peewee.DateTimeField()
    last_seen = peewee.DateTimeField(index=True)

    class Meta:
        table_name = "desk_sessions"


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([_User, _DeskSession]):
        _DeskSession.create_table(safe=False)
