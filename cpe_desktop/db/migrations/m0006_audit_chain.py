"""Schema 6: the audit log becomes a hash chain (services/audit/chain.py, ARCHITECTURE.md §3).

``audit_logs`` gains ``actor_id`` (the acting person's id as written: ``user_id`` turns NULL when
that person is deleted, and the hash must still be checkable), ``prev_hash`` and ``entry_hash``.
``audit_chain_head`` is one row: the newest entry's id and hash, and how many entries the chain
holds. The step fills the chain over the existing entries in id order and writes the head, so
the log is tamper-evident from the upgrade on (what happened to it before the upgrade cannot be
known).

The hash is computed by this module's own copy of the version-1 algorithm, and the step uses
small models of its own, so later changes to the live code cannot change what it writes; a test
checks that the live verifier accepts the chain written here.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from typing import Any

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from cpe_desktop.db.typed import tuples

_BATCH = 500


def _time_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return value
    return value.isoformat()


def entry_hash_v1(
    log_id: int,
    actor_id: int | None,
    action: str | None,
    timestamp: Any,
    entity: str | None,
    entity_id: str | None,
    details: str | None,
    before_json: str | None,
    after_json: str | None,
    prev_hash: str | None,
) -> str:
    """SHA-256 (hex) of an entry's canonical content: a compact JSON array, ASCII-escaped."""
    content = [
        "cpe-audit/1",
        int(log_id),
        actor_id,
        action,
        _time_text(timestamp),
        entity,
        entity_id,
        details,
        before_json,
        after_json,
        prev_hash,
    ]
    text = json.dumps(content, ensure_ascii=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("ascii")).hexdigest()


class _Entry(peewee.Model):
    log_id = peewee.AutoField()
    user_id = peewee.IntegerField(null=True)
    action = peewee.TextField()
    timestamp = peewee.DateTimeField()
    details = peewee.TextField(null=True)
    entity = peewee.CharField(null=True)
    entity_id = peewee.CharField(null=True)
    before_json = peewee.TextField(null=True)
    after_json = peewee.TextField(null=True)
    actor_id = peewee.IntegerField(null=True)
    prev_hash = peewee.CharField(max_length=64, null=True)
    entry_hash = peewee.CharField(max_length=64, null=True)

    class Meta:
        table_name = "audit_logs"


class _Head(peewee.Model):
    head_id = peewee.IntegerField(primary_key=True)
    last_log_id = peewee.IntegerField(null=True)
    last_hash = peewee.CharField(max_length=64, null=True)
    entry_count = peewee.IntegerField(default=0)
    updated_at = peewee.DateTimeField()
    rebuilt_at = peewee.IntegerField(null=True)

    class Meta:
        table_name = "audit_chain_head"


def apply(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        migrator.add_column("audit_logs", "actor_id", peewee.IntegerField(null=True)),
        migrator.add_column("audit_logs", "prev_hash", peewee.CharField(max_length=64, null=True)),
        migrator.add_column("audit_logs", "entry_hash", peewee.CharField(max_length=64, null=True)),
    )
    with db.bind_ctx([_Entry, _Head]):
        _Head.create_table()
        previous: str | None = None
        count = 0
        last_id: int | None = None
        after = 0
        while True:
            batch = list(
                tuples(
                    _Entry.select(
                        _Entry.log_id,
                        _Entry.user_id,
                        _Entry.action,
                        _Entry.timestamp,
                        _Entry.entity,
                        _Entry.entity_id,
                        _Entry.details,
                        _Entry.before_json,
                        _Entry.after_json,
                    )
                    .where(_Entry.log_id > after)
                    .order_by(_Entry.log_id)
                    .limit(_BATCH)
                )
            )
            if not batch:
                break
            updates = []
            for log_id, user_id, action, timestamp, entity, key, details, before, after_ in batch:
                digest = entry_hash_v1(
                    log_id, user_id, action, timestamp, entity, key, details, before, after_,
                    previous,
                )  # fmt: skip
                updates.append((user_id, previous, digest, log_id))
                previous = digest
                last_id = log_id
            _update_many(db, updates)
            count += len(batch)
            after = batch[-1][0]
        _Head.create(
            head_id=1,
            last_log_id=last_id,
            last_hash=previous,
            entry_count=count,
            updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        )


def _update_many(db: peewee.Database, updates: list[tuple[Any, ...]]) -> None:
    p = db.param
    sql = (
        f"UPDATE audit_logs SET actor_id = {p}, prev_hash = {p}, entry_hash = {p} "
        f"WHERE log_id = {p}"
    )
    cursor = db.cursor()
    cursor.executemany(sql, updates)
