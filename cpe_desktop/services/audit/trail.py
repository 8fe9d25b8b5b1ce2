"""The audit trail: every create/update/delete writes one entry, inside the same transaction.

Entries say who acted, what kind of thing changed, and its state before and after as JSON.
Secrets (password hashes) never reach the log.

The entries form a hash chain (schema 6; checked by ``services/audit/chain.py``): each carries
``entry_hash``, SHA-256 over its canonical content (``hashing.entry_hash``: id, acting person,
action, time, entity, entity id, details, before and after JSON) and ``prev_hash``, the previous
entry's hash. ``audit_chain_head`` (one row) holds the newest entry's id and hash and the number of
entries; :func:`chain` reads it (``SELECT … FOR UPDATE`` on PostgreSQL, so two desks writing at
once queue rather than fork the chain; SQLite's write transactions are serialised already),
settles the new entries' ids, hashes them and moves the head, all in the caller's transaction.
No query per entry looks for the previous hash, so bulk writes (imports) stay cheap.
"""

from __future__ import annotations

import datetime as dt
import decimal
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from itertools import islice, repeat
from typing import Any, cast

import peewee

from cpe_desktop.db.models import AuditChainHead, AuditLog, database
from cpe_desktop.db.typed import primary_key
from cpe_desktop.services.audit import hashing
from cpe_desktop.services.changes import AUDIT, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.desks import live_changes

_SECRET_COLUMNS = frozenset({"password_hash"})
# Bookkeeping, not the item's content: the version every update bumps (schema 8) stays out of the
# pictures, so entries written before and after it compare alike.
_BOOKKEEPING_COLUMNS = frozenset({"row_version"})

AUDIT_CHANGE = Changes.of(AUDIT)


def json_value(value: Any) -> Any:
    """Dates as ISO text and decimals as plain text ("2", "1.5"), the same on every database."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


def snapshot(instance: peewee.Model, **extra: Any) -> dict[str, Any]:
    """A JSON-safe picture of a row: its columns (secrets masked) plus any ``extra`` facts."""
    return snapshot_of(type(instance), instance.__data__, **extra)


def snapshot_of(model: type[peewee.Model], data: Mapping[str, Any], **extra: Any) -> dict[str, Any]:
    """:func:`snapshot` of a ``model`` row whose values by field name are ``data`` (what its
    ``__data__`` would hold), so bulk writes picture rows without making model instances."""
    picture: dict[str, Any] = {}
    for name, column, secret in _picture_plan(model):
        raw = data.get(name)
        if secret:
            picture["has_password"] = raw is not None
        elif raw is None or raw.__class__ is str or raw.__class__ is int:
            picture[column] = raw  # as json_value leaves them; most values are these
        else:
            picture[column] = json_value(raw)
    for key, value in extra.items():
        picture[key] = json_value(value) if not isinstance(value, (list, dict)) else value
    return picture


@functools.cache
def _picture_plan(model: type[peewee.Model]) -> tuple[tuple[str, str, bool], ...]:
    """Each pictured field of ``model``: its name, its column and whether it is a secret."""
    return tuple(
        (name, field.column_name, field.column_name in _SECRET_COLUMNS)
        for name, field in model._meta.fields.items()
        if field.column_name not in _BOOKKEEPING_COLUMNS
    )


# ``json.dumps(picture, sort_keys=True, default=str)``, without making an encoder each time.
_PICTURE_JSON = json.JSONEncoder(sort_keys=True, default=str)


def picture_json(picture: dict[str, Any] | None) -> str | None:
    """A picture as the ``before_json``/``after_json`` text: sorted keys, ``str`` for the rest."""
    return None if picture is None else _PICTURE_JSON.encode(picture)


def value_json(value: Any) -> str:
    """A picture, or one of its values, as :func:`picture_json` writes it."""
    return _PICTURE_JSON.encode(value)


# An entry's values as ``write`` builds them, in this order (``bulk_records.audit_row`` too).
ENTRY_FIELDS: tuple[peewee.Field, ...] = (
    AuditLog.user,
    AuditLog.action,
    AuditLog.timestamp,
    AuditLog.details,
    AuditLog.entity,
    AuditLog.entity_id,
    AuditLog.before_json,
    AuditLog.after_json,
)
# What :func:`chain` returns for each entry: its id, the values above, then the chain's columns.
CHAINED_FIELDS: tuple[peewee.Field, ...] = (
    AuditLog.log_id,
    *ENTRY_FIELDS,
    AuditLog.actor_id,
    AuditLog.prev_hash,
    AuditLog.entry_hash,
)
HEAD_ID = 1
_CHAINED_NAMES = tuple(field.name for field in CHAINED_FIELDS)


def write(
    ctx: ServiceContext,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    details: str | None = None,
) -> AuditLog:
    """Append one audit entry; call inside the mutation's transaction."""
    if details is None and ctx.actor.user_id is None:
        details = f"by {ctx.actor.name}"
    values = (
        ctx.actor.user_id,
        f"{action} {entity}",
        ctx.now(),
        details,
        entity,
        str(entity_id) if entity_id is not None else None,
        picture_json(before),
        picture_json(after),
    )
    if not database.obj.in_transaction():  # the head and the entry move together
        with database.atomic():
            return _insert(values)
    return _insert(values)


def _insert(values: tuple[Any, ...]) -> AuditLog:
    (row,) = chain([values])
    return AuditLog.create(**dict(zip(_CHAINED_NAMES, row, strict=True)))


def chain(entries: Sequence[Sequence[Any]]) -> list[tuple[Any, ...]]:
    """Link new entries (values in :data:`ENTRY_FIELDS` order) onto the chain.

    Returns each as values for :data:`CHAINED_FIELDS`, ready to insert, and moves the head past
    them. Call inside the transaction that inserts them: if the insert fails, the head's move is
    rolled back with it.
    """
    if not entries:
        return []
    last_id, previous, highest = _locked_head()
    ids = _reserve_ids(len(entries), last_id, highest)
    made: list[tuple[Any, ...]] = []
    times: dict[int, str | None] = {}  # by the time object: one write's entries share one
    # What a write's entries share (who, what, when, details, picture before), as hashed text.
    shared: dict[tuple[Any, ...], tuple[str, str] | None] = {}
    for log_id, values in zip(ids, entries, strict=True):
        user, action, timestamp, details, entity, entity_id, before_json, after_json = values
        key = (user.__class__, user, action, id(timestamp), entity, details, before_json)
        if key not in shared:
            if id(timestamp) not in times:
                times[id(timestamp)] = hashing.time_text(timestamp)
            shared[key] = hashing.shared_text(
                user, action, times[id(timestamp)], entity, details, before_json
            )
        digest = hashing.linked_digest(shared[key], log_id, entity_id, after_json, previous)
        if digest is None:
            if id(timestamp) not in times:
                times[id(timestamp)] = hashing.time_text(timestamp)
            digest = hashing.chained_digest(
                log_id, user, action, times[id(timestamp)], entity, entity_id, details,
                before_json, after_json, previous,
            )  # fmt: skip
        made.append((log_id, *values, user, previous, digest))
        previous = digest
    _move_head(ids[-1], previous, len(entries), {values[4] for values in entries})
    return made


def chain_alike(
    shared: Sequence[Any], entries: Sequence[tuple[str | None, str | None]]
) -> list[tuple[Any, ...]]:
    """:func:`chain` of entries that differ only in their entity id and picture after (a bulk
    write's: one actor, action, time, details, entity and picture before); the same result.

    ``shared``: actor, action, timestamp, details, entity and picture before (in that order);
    ``entries``: each entry's entity id and picture after. The text hashed around them is
    written once, not once an entry."""
    if not entries:
        return []
    entity_ids, afters = (list(column) for column in zip(*entries, strict=True))
    ids, previous, digests = link_alike(shared, entity_ids, afters)
    user, action, timestamp, details, entity, before_json = shared
    return list(
        zip(
            ids, repeat(user), repeat(action), repeat(timestamp), repeat(details),
            repeat(entity), entity_ids, repeat(before_json), afters, repeat(user), previous,
            digests,
        )
    )  # fmt: skip


def link_alike(
    shared: Sequence[Any], entity_ids: Sequence[str | None], afters: Sequence[str | None]
) -> tuple[list[int], list[str | None], list[str]]:
    """:func:`chain_alike` as columns: the entries' ids, previous hashes and hashes, in order
    (the head moved past them). ``entity_ids`` and ``afters``: each entry's entity id and
    picture after, as many of each.

    When the shared values, ids and previous hash are of the kinds ``hashing.shared_text``
    writes and the entity ids and pictures are all texts, the text hashed for each entry but the
    previous hash is joined at C speed, column by column; only the hashes, each needing the one
    before, are made one by one. Else entry by entry (:func:`hashing.linked_digest`)."""
    if len(entity_ids) != len(afters):
        raise ValueError("as many entity ids as pictures after, one per entry")
    if not entity_ids:
        return [], [], []
    user, action, timestamp, details, entity, before_json = shared
    last_id, previous, highest = _locked_head()
    ids = _reserve_ids(len(entity_ids), last_id, highest)
    time_text = hashing.time_text(timestamp)
    around = hashing.shared_text(user, action, time_text, entity, details, before_json)
    digests: list[str] = []
    append = digests.append
    if (
        around is not None
        and (previous is None or previous.__class__ is str)
        and set(map(type, ids)) == {int}
        and set(map(type, entity_ids)) == {str}
        and set(map(type, afters)) == {str}
    ):
        texts = cast("Sequence[str]", entity_ids), cast("Sequence[str]", afters)
        ascii_text = hashing.ascii_text
        # Each entry's text up to its previous hash's opening quote.
        heads = list(
            map(
                "".join,
                zip(
                    repeat('["cpe-audit/1",'), map(int.__repr__, ids), repeat(around[0]),
                    map(ascii_text, texts[0]), repeat(around[1]), map(ascii_text, texts[1]),
                    repeat(',"'),
                    strict=False,  # as long as the (equally long) columns
                ),
            )
        )  # fmt: skip
        first = heads[0][:-1] + ("null" if previous is None else ascii_text(previous)) + "]"
        digest = hashlib.sha256(first.encode("ascii")).hexdigest()
        append(digest)
        for head in islice(heads, 1, None):
            digest = hashlib.sha256((head + digest + '"]').encode("ascii")).hexdigest()
            append(digest)
        linked: list[str | None] = [previous]
        linked += islice(digests, len(digests) - 1)
        _move_head(ids[-1], digest, len(ids), {entity})
        return ids, linked, digests
    linked = []
    for log_id, entity_id, after_json in zip(ids, entity_ids, afters, strict=True):
        digest_or_none = hashing.linked_digest(around, log_id, entity_id, after_json, previous)
        if digest_or_none is None:
            digest_or_none = hashing.chained_digest(
                log_id, user, action, time_text, entity, entity_id, details, before_json,
                after_json, previous,
            )  # fmt: skip
        linked.append(previous)
        append(digest_or_none)
        previous = digest_or_none
    _move_head(ids[-1], previous, len(ids), {entity})
    return ids, linked, digests


def _move_head(last_id: int, last_hash: str | None, added: int, entities: set[Any]) -> None:
    """The head moved past ``added`` new entries, the newest ``last_id`` hashed ``last_hash``."""
    now = dt.datetime.now(dt.UTC).replace(tzinfo=None)
    db = database.obj
    db.execute_sql(
        _sql(
            "UPDATE {head} SET last_log_id = {p}, last_hash = {p}, "
            "entry_count = entry_count + {p}, updated_at = {p} WHERE head_id = {p}"
        ),
        (last_id, last_hash, added, AuditChainHead.updated_at.db_value(now), HEAD_ID),
    )
    # Every mutation writes its entries here: the other desks hear of it when it commits.
    live_changes.announce(entities)


def _locked_head() -> tuple[int | None, str | None, int]:
    """The chain's head (newest id and hash) and, on SQLite, the log's highest id; the head row
    is locked until the transaction ends (PostgreSQL; SQLite's write transaction holds the whole
    database). Plain SQL: these run at every audit write. A missing head is started again from
    the newest entry and marked ``rebuilt_at``, so the loss stays visible to the check."""
    db = database.obj
    if isinstance(db, peewee.PostgresqlDatabase):
        query = "SELECT last_log_id, last_hash, 0 FROM {head} WHERE head_id = {p} FOR UPDATE"
    else:
        query = (
            "SELECT last_log_id, last_hash, (SELECT MAX(log_id) FROM {log}) FROM {head} "
            "WHERE head_id = {p}"
        )
    found = db.execute_sql(_sql(query), (HEAD_ID,)).fetchone()
    if found is None:
        _rebuild_head()
        found = db.execute_sql(_sql(query), (HEAD_ID,)).fetchone()
    last_id, last_hash, highest = found
    return last_id, last_hash, highest or 0


def _rebuild_head() -> None:
    newest = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    AuditChainHead.insert(
        head_id=HEAD_ID,
        last_log_id=newest.log_id if newest else None,
        last_hash=newest.entry_hash if newest else None,
        entry_count=AuditLog.select().where(AuditLog.entry_hash.is_null(False)).count(),
        updated_at=dt.datetime.now(dt.UTC).replace(tzinfo=None),
        rebuilt_at=newest.log_id if newest else 0,
    ).execute()


def _reserve_ids(count: int, last_id: int | None, highest: int) -> list[int]:
    """Ids for ``count`` new entries, known before they are written (they are hashed).

    PostgreSQL: taken from the column's sequence while the head is locked, so ids rise in chain
    order. SQLite (and others): after the highest id in the log or the head, which no other
    connection can take while this write transaction lasts.
    """
    db = database.obj
    if isinstance(db, peewee.PostgresqlDatabase):
        cursor = db.execute_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            (AuditLog._meta.table_name, primary_key(AuditLog).column_name, count),
        )
        return sorted(int(row[0]) for row in cursor.fetchall())
    first = max(highest, last_id or 0) + 1
    return list(range(first, first + count))


def _sql(template: str) -> str:
    """``template`` with ``{head}``, ``{log}`` (quoted table names) and ``{p}`` (the driver's
    placeholder) filled in for the bound database."""
    db = database.obj

    def name(model: type[peewee.Model]) -> str:
        parts = (model._meta.schema, model._meta.table_name)
        return ".".join(peewee.quote((part,), db.quote) for part in parts if part)  # type: ignore[attr-defined]  # public, but missing from the stubs

    return template.format(head=name(AuditChainHead), log=name(AuditLog), p=db.param)
