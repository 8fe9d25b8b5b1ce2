"""Writing many new CPE records at once: the short write phase of an import.

An import checks every row first, writing nothing; only then does it write, all or nothing. One
``records.create_record`` per record costs six to nine statements (a savepoint, the record, its
credits, the credits read back for the audit entry, the entry), so 7,400 records held the write
lock for about 15 seconds, and on SQLite the window cannot save anything meanwhile. Here the
records, their credit lines and their audit entries go in with a few multi-row INSERTs instead,
in one transaction (a savepoint inside the caller's, which also holds the activity entry).

The rows and audit entries are those ``create_record`` writes for the same checked values (a
test compares them): :func:`prepare` takes values checked by the record service's own reader
(``interchange.checks.check_record``), :func:`insert` writes them. :func:`audit_row` builds an
audit entry exactly as ``audit.write`` does, for :func:`write_audit_many`; a new record's
picture and its JSON text come from ``record_pictures``.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import repeat
from typing import Any, NamedTuple, cast

import peewee

from cpe_desktop.db.models import AuditLog, CpeRecord, RecordCredit, User, database
from cpe_desktop.db.typed import primary_key, tuples
from cpe_desktop.services import compliance, record_pictures
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.bulk_sql import (
    Same,
    db_columns,
    db_values,
    insert_columns,
    insert_many,
    is_sqlite,
    page_cache_for_writing,
    rows_per_statement,
)
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError

_RECORD_FIELDS = tuple(CpeRecord._meta.sorted_fields)
_RECORD_NAMES = tuple(field.name for field in _RECORD_FIELDS)  # a row's values in that order
_CREDIT_FIELDS = (RecordCredit.record, RecordCredit.field_of_study, RecordCredit.credits)
_AUDIT_FIELDS = audit.ENTRY_FIELDS  # an entry's values, as audit.write builds them
# The record's own columns an import gives (owner, ids and times are set here; a certificate
# is attached in the app, where its owner is checked).
_VALUE_COLUMNS = frozenset(
    {
        "title",
        "sponsor",
        "sponsor_id",
        "started_on",
        "completed_on",
        "delivery_method",
        "ethics_jurisdiction",
        "notes",
        "topics",  # the column's JSON text, as the record reader gives it
    }
)
# Checked values that are not columns: the credit lines, and a certificate's name (a JSON file
# may name one; the file itself is not part of an import).
_NOT_COLUMNS = frozenset({"credits", "certificate"})

Progress = Callable[[int, int], None]
AuditEntry = tuple[Any, dict[str, Any] | None, dict[str, Any] | None]  # entity id, before, after


class NewRecord(NamedTuple):
    """One record ready to write: its owner, its column values and its credit lines (a named
    tuple: an import makes thousands, each as cheap to make as a tuple)."""

    user_id: int
    values: Mapping[str, Any]
    credits: tuple[tuple[str, Decimal], ...]


def prepare(user_id: int, checked: Mapping[str, Any]) -> NewRecord:
    """A record of ``user_id`` from values checked by ``check_record`` (``credits`` as
    ``[{"field", "credits"}]``). Writes nothing."""
    values = dict(checked)
    for name in _NOT_COLUMNS:
        values.pop(name, None)
    if not _VALUE_COLUMNS.issuperset(values):
        wrong = sorted(set(values) - _VALUE_COLUMNS)
        raise ValueError(f"an imported record cannot set {', '.join(wrong)}")
    lines = []
    for line in checked["credits"]:
        amount = line["credits"]
        lines.append((line["field"], amount if amount.__class__ is Decimal else Decimal(amount)))
    return NewRecord(user_id, values, tuple(lines))


def insert(
    ctx: ServiceContext, records: Sequence[NewRecord], progress: Progress | None = None
) -> list[int]:
    """Write ``records``, their credit lines and one audit entry each; their ids, in order.

    One transaction (a savepoint when the caller holds one). The acting person must be allowed
    to add records for every owner. ``progress(done, total)`` hears of each batch written.
    """
    owners = {record.user_id for record in records}
    for user_id in sorted(owners):
        ctx.require_owner(user_id, "add records")
    if not records:
        return []
    ids: list[int] = []
    compliance.forget_cached_records()
    # The bound database's own atomic(): the proxy's would make a plain savepoint, whose
    # rollback fails ("no such savepoint") when a full disk made SQLite undo the whole
    # transaction, hiding the real error (db/database.SqliteFile's savepoint does nothing then).
    with (
        database.obj.atomic(),
        rows.integrity_as_conflict("An imported record"),
        page_cache_for_writing(),
    ):
        _check_owners_exist(owners)
        now = ctx.now()
        reserved = _reserve_ids(len(records))
        step = rows_per_statement(len(_RECORD_FIELDS))
        pictured: dict[Any, Any] = {}  # what new records share: per owner, per credit lines
        # The fields' defaults, made once when none is made by a function (each row its own).
        meta = CpeRecord._meta
        made_by_function = getattr(meta, "_default_callable_list", True)  # peewee's own list
        defaults = None if made_by_function else meta.get_default_dict()
        for start in range(0, len(records), step):
            batch = records[start : start + step]
            if reserved is not None and defaults is not None:
                ids.extend(
                    _insert_batch(
                        ctx, batch, reserved[start : start + step], now, defaults, pictured
                    )
                )
            else:
                # Each row as its model instance's ``__data__`` would hold it, without making one.
                made = [
                    {
                        **(defaults if defaults is not None else meta.get_default_dict()),
                        "user": record.user_id,
                        "created_at": now,
                        "updated_at": now,
                        **record.values,
                    }
                    for record in batch
                ]
                _insert_records(made, None if reserved is None else reserved[start : start + step])
                _insert_credits([row["record_id"] for row in made], batch)
                texts = [
                    record_pictures.picture_text(row, record, pictured)
                    for row, record in zip(made, batch, strict=True)
                ]
                _write_audit_texts(
                    ctx, "create", "record", [row["record_id"] for row in made], texts, now
                )
                ids.extend(row["record_id"] for row in made)
            if progress is not None:
                progress(len(ids), len(records))
    compliance.forget_cached_records()
    return ids


def audit_row(
    ctx: ServiceContext,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    now: dt.datetime,
    details: str | None = None,
) -> tuple[Any, ...]:
    """The audit entry ``audit.write`` would make, as values for :data:`_AUDIT_FIELDS`."""
    if details is None and ctx.actor.user_id is None:
        details = f"by {ctx.actor.name}"
    return (
        ctx.actor.user_id,
        f"{action} {entity}",
        now,
        details,
        entity,
        str(entity_id) if entity_id is not None else None,
        audit.picture_json(before),
        audit.picture_json(after),
    )


def write_audit_many(
    ctx: ServiceContext,
    action: str,
    entity: str,
    entries: Iterable[AuditEntry],
    *,
    now: dt.datetime | None = None,
    details: str | None = None,
) -> int:
    """Append one audit entry per ``(entity id, before, after)``; call inside the transaction."""
    when = ctx.now() if now is None else now
    made = [
        audit_row(ctx, action, entity, key, before, after, now=when, details=details)
        for key, before, after in entries
    ]
    insert_many(AuditLog, audit.CHAINED_FIELDS, audit.chain(made))
    return len(made)


def _write_audit_texts(
    ctx: ServiceContext,
    action: str,
    entity: str,
    ids: Sequence[Any],
    texts: Sequence[str],
    now: dt.datetime,
) -> None:
    """:func:`write_audit_many` of new records (no picture before), their pictures' JSON given:
    the entries linked column by column (``audit.link_alike``), the shared values made ready for
    the database once (``db_values``), and the rows zipped from the columns as they are when
    the rest are of the types the columns keep as they are (the entries' ids, hashes and texts;
    else each value through ``db_values`` as usual)."""
    user, action_text, timestamp, details, entity_text, _, before = audit_row(
        ctx, action, entity, 0, None, None, now=now
    )[:7]
    if not ids:
        return
    entity_ids = list(map(str, ids))
    shared = (user, action_text, timestamp, details, entity_text, before)
    log_ids, previous, digests = audit.link_alike(shared, entity_ids, texts)
    first = (log_ids[0], *shared[:5], entity_ids[0], before, texts[0], user, previous[0])
    # The shared values as the database gets them, made ready once (from the first entry).
    (ready,) = db_values(audit.CHAINED_FIELDS, [(*first, digests[0])], is_sqlite())
    if not (
        set(map(type, log_ids)) == {int}
        and _TEXT_KINDS.issuperset(map(type, texts))
        and _TEXT_KINDS.issuperset(map(type, previous))
    ):  # ids, entity ids, texts and hashes: what db_values leaves as they are; else, as usual
        plain = [log_ids, *map(repeat, first[1:6]), entity_ids, repeat(before), texts,
                 repeat(user), previous, digests]  # fmt: skip
        rows = list(zip(*plain, strict=False))  # as long as the (equally long) columns
        insert_many(AuditLog, audit.CHAINED_FIELDS, rows)
        return
    columns: list[Sequence[Any] | Same] = [
        log_ids, *map(Same, ready[1:6]), entity_ids, Same(ready[7]), texts, Same(ready[9]),
        previous, digests,
    ]  # fmt: skip
    insert_columns(AuditLog, audit.CHAINED_FIELDS, columns, len(log_ids))


_TEXT_KINDS = frozenset({str, type(None)})


def _insert_batch(
    ctx: ServiceContext,
    batch: Sequence[NewRecord],
    ids: Sequence[int],
    now: dt.datetime,
    defaults: Mapping[str, Any],
    pictured: dict[Any, Any],
) -> Sequence[int]:
    """Write ``batch`` with these ids: the rows a made dict per record would give (``defaults``,
    owner, times, the record's own values over them, its id), built column by column, so each
    column is made ready for the database once (``db_columns``; a column no record gives, its
    one value once) and only the columns records give are read per record; then the credit
    lines and the audit entries."""
    values = list(map(_VALUES_OF, batch))
    orders = set(map(tuple, values))
    given = set().union(*orders)
    # One set of columns, in one order (as an import gives them): each read at C speed.
    read = _read_columns(orders.pop(), values) if len(orders) == 1 else {}
    sqlite = is_sqlite()
    columns: list[Sequence[Any] | Same] = []
    making: list[int] = []  # the columns still to make ready for the database
    for index, (name, field) in enumerate(zip(_RECORD_NAMES, _RECORD_FIELDS, strict=True)):
        making.append(index)
        if name == "record_id":
            columns.append(ids)
            continue
        if name in read:
            columns.append(read[name])
            continue
        if name == "user":
            column: Sequence[Any] = list(map(_OWNER_OF, batch))
        else:
            fallback = now if name in ("created_at", "updated_at") else defaults.get(name)
            if name not in given:  # one value for every record: made ready once
                ((ready,),) = db_columns((field,), [(fallback,)], sqlite)
                columns.append(Same(ready))
                making.pop()
                continue
            column = [fallback] * len(batch)
        if name in given:
            column = [
                record.values.get(name, value) for record, value in zip(batch, column, strict=True)
            ]
        columns.append(column)
    made = db_columns(
        [_RECORD_FIELDS[index] for index in making],
        [cast("Sequence[Any]", columns[index]) for index in making],  # none is a Same
        sqlite,
    )
    for index, column in zip(making, made, strict=True):
        columns[index] = column
    insert_columns(CpeRecord, _RECORD_FIELDS, columns, len(batch))
    _insert_credits(ids, batch)

    def row_of(record: NewRecord, record_id: int) -> Callable[[], dict[str, Any]]:
        def row() -> dict[str, Any]:
            return {
                **defaults,
                "user": record.user_id,
                "created_at": now,
                "updated_at": now,
                **record.values,
                "record_id": record_id,
            }

        return row

    texts = record_pictures.record_texts(batch, ids, pictured, row_of, read or None)
    _write_audit_texts(ctx, "create", "record", ids, texts, now)
    return ids


_VALUES_OF = operator.attrgetter("values")
_OWNER_OF = operator.attrgetter("user_id")


def _read_columns(
    names: Sequence[str], values: Sequence[Mapping[str, Any]]
) -> dict[str, Sequence[Any]]:
    """Each of ``names`` with its column: its value in each of ``values`` (which all have
    them)."""
    if not names:
        return {}
    # itemgetter of one name gives the value itself, of several a tuple: always a tuple here.
    getter = operator.itemgetter(*names, names[0])
    return dict(zip(names, zip(*map(getter, values), strict=True), strict=False))


def _check_owners_exist(user_ids: set[int]) -> None:
    query = tuples(User.select(User.user_id).where(User.user_id.in_(sorted(user_ids))))
    missing = user_ids - {user_id for (user_id,) in query}
    if missing:
        raise ValidationError("user_id", f"there is no person with id {min(missing)}")


def _reserve_ids(count: int) -> list[int] | None:
    """Ids for ``count`` new records, known before they are written (None: ask per record).

    Multi-row ``RETURNING`` would give the ids too, but SQLite returns its rows in no promised
    order, so the ids are settled first. SQLite: the ids after the highest, which no other
    connection can take while this transaction holds the write lock (taken at BEGIN; were it not,
    the INSERT would fail, never reuse an id). PostgreSQL: reserved from the column's sequence.
    """
    db = database.obj
    key = primary_key(CpeRecord)
    if isinstance(db, peewee.SqliteDatabase):
        first = (CpeRecord.select(peewee.fn.MAX(key)).scalar() or 0) + 1
        return list(range(first, first + count))
    if isinstance(db, peewee.PostgresqlDatabase):
        cursor = db.execute_sql(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            (CpeRecord._meta.table_name, key.column_name, count),
        )
        return [int(row[0]) for row in cursor.fetchall()]
    return None


def _insert_records(made: list[dict[str, Any]], ids: Sequence[int] | None) -> None:
    """Write the rows (values by field name); each gets its ``record_id``."""
    if ids is None:  # another engine: one INSERT each, which tells the id
        for row in made:
            record = CpeRecord(**row)
            record.save(force_insert=True)
            row["record_id"] = record.record_id
        return
    for row, record_id in zip(made, ids, strict=True):
        row["record_id"] = record_id
    values = [tuple(map(row.get, _RECORD_NAMES)) for row in made]  # None where not given
    insert_many(CpeRecord, _RECORD_FIELDS, values)


def _insert_credits(ids: Sequence[int], batch: Sequence[NewRecord]) -> None:
    """The credit lines of ``batch``, whose records have these ids."""
    lines = [
        (record_id, field, amount)
        for record, record_id in zip(batch, ids, strict=True)
        for field, amount in record.credits
    ]
    insert_many(RecordCredit, _CREDIT_FIELDS, lines)


RecordKey = tuple[str, dt.date, str | None]


def record_key(values: Mapping[str, Any]) -> RecordKey:
    """What makes two records of one person the same: title, completion date and sponsor (as
    ``interchange.common.record_exists`` compares them)."""
    return (values["title"], values["completed_on"], values.get("sponsor") or None)


def stored_keys(user_id: int) -> dict[RecordKey, int]:
    """The person's stored records by :func:`record_key` (the oldest where several share one).

    One query, so an import can match all its records inside its short write transaction.
    """
    query = tuples(
        CpeRecord.select(
            CpeRecord.record_id, CpeRecord.title, CpeRecord.completed_on, CpeRecord.sponsor
        )
        .where(CpeRecord.user == user_id)
        .order_by(CpeRecord.record_id)
    )
    stored: dict[RecordKey, int] = {}
    for record_id, title, completed, sponsor in query:
        day = completed if isinstance(completed, dt.date) else dt.date.fromisoformat(completed)
        stored.setdefault((title, day, sponsor or None), record_id)
    return stored
