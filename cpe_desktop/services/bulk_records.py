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

import contextlib
import datetime as dt
import operator
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any, NamedTuple, cast

import peewee

from cpe_desktop.db.models import AuditLog, CpeRecord, RecordCredit, User, database
from cpe_desktop.db.typed import primary_key, tuples
from cpe_desktop.services import compliance, record_pictures
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError

# Rows per INSERT: within SQLite's variable limit (columns × rows) and PostgreSQL's 65,535
# parameters, and small enough that progress moves while a large import is written.
MAX_ROWS_PER_STATEMENT = 500
_SQLITE_OLD_LIMIT = 999  # SQLite's variable limit before 3.32, when the connection cannot say
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
        _page_cache_for_writing(),
    ):
        _check_owners_exist(owners)
        now = ctx.now()
        reserved = _reserve_ids(len(records))
        step = _rows_per_statement(len(_RECORD_FIELDS))
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


# SQLite's page cache while records are written in bulk: room for the pages a large import
# changes (its records, credit lines, audit entries and their indexes: some 10 MiB for 10,000
# rows), so that none is written out to the log before the commit and then changed and written
# again (SQLite's default holds 2 MiB). Only memory: what is written, and when, is as before.
BULK_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def _page_cache_for_writing() -> Iterator[None]:
    """SQLite: the page cache at least :data:`BULK_CACHE_KIB` while the block runs, then as it
    was (others: nothing)."""
    db = database.obj
    if not isinstance(db, peewee.SqliteDatabase):
        yield
        return
    (before,) = db.execute_sql("PRAGMA cache_size").fetchone()
    (page_size,) = db.execute_sql("PRAGMA page_size").fetchone()
    held = before * page_size if before >= 0 else -before * 1024  # pages, or KiB when negative
    if held >= BULK_CACHE_KIB * 1024:
        yield
        return
    db.execute_sql(f"PRAGMA cache_size = -{int(BULK_CACHE_KIB)}")
    try:
        yield
    finally:
        # As it was; a connection that cannot take it now has failed already (that error goes on).
        with contextlib.suppress(peewee.DatabaseError):
            db.execute_sql(f"PRAGMA cache_size = {int(before)}")


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
    _insert_many(AuditLog, audit.CHAINED_FIELDS, audit.chain(made))
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
    the database once (``_db_values``), and the rows zipped from the columns as they are when
    the rest are of the types the columns keep as they are (the entries' ids, hashes and texts;
    else each value through ``_db_values`` as usual)."""
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
    (ready,) = _db_values(audit.CHAINED_FIELDS, [(*first, digests[0])], _is_sqlite())
    if not (
        set(map(type, log_ids)) == {int}
        and _TEXT_KINDS.issuperset(map(type, texts))
        and _TEXT_KINDS.issuperset(map(type, previous))
    ):  # ids, entity ids, texts and hashes: what _db_values leaves as they are; else, as usual
        plain = [log_ids, *map(repeat, first[1:6]), entity_ids, repeat(before), texts,
                 repeat(user), previous, digests]  # fmt: skip
        rows = list(zip(*plain, strict=False))  # as long as the (equally long) columns
        _insert_many(AuditLog, audit.CHAINED_FIELDS, rows)
        return
    columns: list[Sequence[Any] | _Same] = [
        log_ids, *map(_Same, ready[1:6]), entity_ids, _Same(ready[7]), texts, _Same(ready[9]),
        previous, digests,
    ]  # fmt: skip
    _insert_columns(AuditLog, audit.CHAINED_FIELDS, columns, len(log_ids))


_TEXT_KINDS = frozenset({str, type(None)})


def _is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


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
    column is made ready for the database once (``_db_columns``; a column no record gives, its
    one value once) and only the columns records give are read per record; then the credit
    lines and the audit entries."""
    values = list(map(_VALUES_OF, batch))
    orders = set(map(tuple, values))
    given = set().union(*orders)
    # One set of columns, in one order (as an import gives them): each read at C speed.
    read = _read_columns(orders.pop(), values) if len(orders) == 1 else {}
    sqlite = _is_sqlite()
    columns: list[Sequence[Any] | _Same] = []
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
                ((ready,),) = _db_columns((field,), [(fallback,)], sqlite)
                columns.append(_Same(ready))
                making.pop()
                continue
            column = [fallback] * len(batch)
        if name in given:
            column = [
                record.values.get(name, value) for record, value in zip(batch, column, strict=True)
            ]
        columns.append(column)
    made = _db_columns(
        [_RECORD_FIELDS[index] for index in making],
        [cast("Sequence[Any]", columns[index]) for index in making],  # none is a _Same
        sqlite,
    )
    for index, column in zip(making, made, strict=True):
        columns[index] = column
    _insert_columns(CpeRecord, _RECORD_FIELDS, columns, len(batch))
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


@dataclass(frozen=True, slots=True)
class _Same:
    """A column with one value in every row."""

    value: Any


def _insert_columns(
    model: type[peewee.Model],
    fields: Sequence[peewee.Field],
    columns: Sequence[Sequence[Any] | _Same],
    count: int,
) -> None:
    """:func:`_insert_many` of the ``count`` rows these columns make, their values as
    ``_db_values`` gives them (a :class:`_Same` column: its value in every row).

    SQLite: a column of one value in every row (a :class:`_Same` one, or None in every row)
    is written into the statement as its SQL literal (:func:`_sql_literal`) where it has one,
    which stores what binding it stores: ``sqlite3`` binds each value of each row, a fifth of a
    microsecond a text, a third a None (an adapter looked for per value), some 80,000 in a
    7,400-record import."""
    sqlite = _is_sqlite()
    literals: list[str | None] = []
    bound: list[Iterable[Any]] = []
    for column in columns:
        if not isinstance(column, _Same):
            if sqlite and count and column[0] is None and column.count(None) == len(column):
                column = _Same(None)
            else:
                literals.append(None)
                bound.append(column)
                continue
        literal = _sql_literal(column.value) if sqlite else None
        literals.append(literal)
        if literal is None:
            bound.append(repeat(column.value, count))
    if not bound:  # every column a literal (none can be: the keys differ)
        raise ValueError("rows of one value each are one row")
    rows = list(zip(*bound, strict=True))
    _insert_many(model, fields, rows, converted=True, literals=literals)


def _sql_literal(value: Any) -> str | None:
    """``value`` as an SQLite literal that stores what binding it stores (the same type and
    bytes; the column's affinity applies alike), for None, a whole number of 64 bits (exactly
    an int) and a text (exactly a str) without NUL: quoted, each quote
    doubled (SQLite's only escape). None: bound as usual, as for a value of a type someone
    registered a ``sqlite3`` adapter for (binding would adapt it)."""
    kind = value.__class__
    if (kind, sqlite3.PrepareProtocol) in sqlite3.adapters:
        return None
    if value is None:
        return "NULL"
    if kind is int:
        return int.__repr__(value) if -(2**63) < value < 2**63 else None
    if kind is not str or "\x00" in value:  # (a lone surrogate fails either way, alike)
        return None
    return "'" + value.replace("'", "''") + "'"


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
    _insert_many(CpeRecord, _RECORD_FIELDS, values)


def _insert_credits(ids: Sequence[int], batch: Sequence[NewRecord]) -> None:
    """The credit lines of ``batch``, whose records have these ids."""
    lines = [
        (record_id, field, amount)
        for record, record_id in zip(batch, ids, strict=True)
        for field, amount in record.credits
    ]
    _insert_many(RecordCredit, _CREDIT_FIELDS, lines)


def _insert_many(
    model: type[peewee.Model],
    fields: Sequence[peewee.Field],
    rows: Sequence[Sequence[Any]],
    *,
    converted: bool = False,
    literals: Sequence[str | None] | None = None,
) -> None:
    """``model.insert_many(rows, fields)``, each value through its field's ``db_value`` as peewee
    does (text already text and None pass as they are: what ``db_value`` gives them), but the
    statement written here: peewee composing one node per value spent nine tenths of the write
    phase on it (1.5 of 1.7 seconds for 7,400 records). SQLite: one statement run for every row
    (``executemany``); others: multi-row VALUES in batches, one round trip each. ``converted``:
    the values are already as ``_db_values`` gives them. ``literals`` (SQLite, with
    ``converted``): per field, the SQL written for its value in every row, or None where it is
    bound; ``rows`` then hold the bound values only."""
    db = database.obj

    def name(text: str) -> str:
        return peewee.quote((text,), db.quote)  # type: ignore[attr-defined]  # public, but missing from the stubs

    table = ".".join(name(part) for part in (model._meta.schema, model._meta.table_name) if part)
    columns = ", ".join(name(field.column_name) for field in fields)
    sqlite = isinstance(db, peewee.SqliteDatabase)
    if literals is not None and any(literal is not None for literal in literals):
        if not (sqlite and converted) or len(literals) != len(fields):
            raise ValueError("literals: SQLite's, one per field, for values made ready")
        one = "(" + ", ".join(db.param if sql is None else sql for sql in literals) + ")"
        fields = [field for field, sql in zip(fields, literals, strict=True) if sql is None]
    else:
        one = "(" + ", ".join([db.param] * len(fields)) + ")"
    ready = rows if converted else _db_values(fields, rows, sqlite)
    if sqlite:
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # sqlite3's errors as peewee's, as execute_sql
            db.cursor().executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", ready)
        return
    step = _rows_per_statement(len(fields))
    for start in range(0, len(ready), step):
        batch = ready[start : start + step]
        params = [value for row in batch for value in row]
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}"
        db.execute_sql(sql, params)


def _db_values(
    fields: Sequence[peewee.Field], rows: Sequence[Sequence[Any]], adapt: bool = False
) -> Sequence[Sequence[Any]]:
    """``rows`` with each value as its field's ``db_value`` gives it, column by column: a column
    whose values are all None or of the type the field keeps as it is (text for text, a date for
    a date, ...) is left alone; in the others each distinct value is converted once.

    ``adapt`` (SQLite): each value of a type ``sqlite3`` adapts (dates, times, decimals: peewee
    registers their adapters) is also adapted here, once per distinct value, by the very adapter
    ``sqlite3`` would call for it per row."""
    if not rows:
        return rows
    columns: list[Sequence[Any]] = list(zip(*rows, strict=True))
    ready = _db_columns(fields, columns, adapt)
    if all(made is column for made, column in zip(ready, columns, strict=True)):
        return rows
    return list(zip(*ready, strict=True))


def _db_columns(
    fields: Sequence[peewee.Field], columns: Sequence[Sequence[Any]], adapt: bool = False
) -> list[Sequence[Any]]:
    """:func:`_db_values` of rows given as their columns (each field's values): the columns as
    the database gets them (a column needing nothing is the very one given)."""
    columns = list(columns)
    adapters = sqlite3.adapters if adapt else {}
    for index, field in enumerate(fields):
        column = columns[index]
        kinds = set(map(type, column))
        kept = _kept_type(field)
        if kept is not None and kinds <= {kept, type(None)}:  # as they are...
            if not any((kind, sqlite3.PrepareProtocol) in adapters for kind in kinds):
                continue
            # ... but adapted: each distinct value once (of one type, equal ones alike), by the
            # adapter sqlite3 would call for it, at C speed (None too, if one is registered).
            if (type(None), sqlite3.PrepareProtocol) in adapters:
                adapting = _adapting(_identity, adapters)
                adapted = {value: adapting(value) for value in set(column)}
            else:
                distinct = set(column)
                distinct.discard(None)
                adapter = adapters[(kept, sqlite3.PrepareProtocol)]  # None has none: kept has
                adapted = dict(zip(distinct, map(adapter, distinct), strict=True))
            columns[index] = tuple(map(adapted.get, column))  # None: not in it, stays None
            continue
        convert: Callable[[Any], Any] = field.db_value
        if adapters:
            convert = _adapting(convert, adapters)
        if kinds == {Decimal}:  # each distinct writing once (1.5 and 1.50 apart), at C speed
            texts = list(map(str, column))
            made = {
                text: convert(value)
                for text, value in dict(zip(texts, column, strict=True)).items()
            }
            columns[index] = tuple(map(made.__getitem__, texts))
            continue
        converted: dict[Any, Any] = {}
        columns[index] = tuple(
            None if value is None else _converted(converted, convert, value) for value in column
        )
    return columns


def _identity(value: Any) -> Any:
    return value


def _adapting(convert: Callable[[Any], Any], adapters: Mapping[Any, Any]) -> Callable[[Any], Any]:
    """``convert``, then the ``sqlite3`` adapter registered for the result's exact type (the
    one ``sqlite3`` looks up first), if any."""

    def converted(value: Any) -> Any:
        value = convert(value)
        adapter = adapters.get((type(value), sqlite3.PrepareProtocol))
        return value if adapter is None else adapter(value)

    return converted


def _converted(seen: dict[Any, Any], convert: Callable[[Any], Any], value: Any) -> Any:
    kind = type(value)
    # Equal decimals may be written differently (1.5, 1.50): each writing is its own value.
    key = (kind, value) if kind is not Decimal else (kind, str(value))
    try:
        return seen[key]
    except KeyError:
        seen[key] = result = convert(value)
        return result
    except TypeError:  # unhashable: converted every time
        return convert(value)


def _kept_type(field: peewee.Field) -> type | None:
    """The type whose values ``field.db_value`` returns unchanged (None: no such promise)."""
    if isinstance(field, peewee.ForeignKeyField):
        return _kept_type(field.rel_field)
    for kind, kept in _KEPT_TYPES:
        if type(field) is kind:
            return kept
    return None


# Field classes whose ``db_value`` (``Field.db_value`` calling ``adapt``) hands values of this
# exact type back as they are: ``str(text)``, ``int(number)``, a date or a time as given.
_KEPT_TYPES: tuple[tuple[type[peewee.Field], type], ...] = (
    (peewee.CharField, str),
    (peewee.TextField, str),
    (peewee.AutoField, int),
    (peewee.IntegerField, int),
    (peewee.DateField, dt.date),
    (peewee.DateTimeField, dt.datetime),
)


def _rows_per_statement(columns: int) -> int:
    return max(1, min(MAX_ROWS_PER_STATEMENT, _variable_limit() // columns))


def _variable_limit() -> int:
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        getlimit = getattr(db.connection(), "getlimit", None)
        if getlimit is None:
            return _SQLITE_OLD_LIMIT
        return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 32_767


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
