"""Many rows written with few statements, for the bulk writes of imports (``bulk_records``).

Peewee composes one node per value of an ``insert_many``, which cost nine tenths of an import's
write phase; here the statement is written once and its rows go in with ``executemany``
(SQLite) or multi-row VALUES (others). Each column's values are made ready for the database as
peewee's fields would make them, once per distinct value (``db_values``, ``db_columns``); on
SQLite a column of one value in every row is written into the statement as its literal
(``sql_literal``), and the page cache is enlarged while a bulk write runs
(``page_cache_for_writing``). ``tests/services/test_bulk_records.py`` and the import shortcut
tests hold every shortcut here to peewee's own way.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import repeat
from typing import Any

import peewee

from cpe_desktop.db.models import database

# Rows per INSERT: within SQLite's variable limit (columns × rows) and PostgreSQL's 65,535
# parameters, and small enough that progress moves while a large import is written.
MAX_ROWS_PER_STATEMENT = 500
_SQLITE_OLD_LIMIT = 999  # SQLite's variable limit before 3.32, when the connection cannot say
# SQLite's page cache while records are written in bulk: room for the pages a large import
# changes (its records, credit lines, audit entries and their indexes: some 10 MiB for 10,000
# rows), so that none is written out to the log before the commit and then changed and written
# again (SQLite's default holds 2 MiB). Only memory: what is written, and when, is as before.
BULK_CACHE_KIB = 32 * 1024


@contextlib.contextmanager
def page_cache_for_writing() -> Iterator[None]:
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


def is_sqlite() -> bool:
    return isinstance(database.obj, peewee.SqliteDatabase)


@dataclass(frozen=True, slots=True)
class Same:
    """A column with one value in every row."""

    value: Any


def insert_columns(
    model: type[peewee.Model],
    fields: Sequence[peewee.Field],
    columns: Sequence[Sequence[Any] | Same],
    count: int,
) -> None:
    """:func:`insert_many` of the ``count`` rows these columns make, their values as
    ``db_values`` gives them (a :class:`Same` column: its value in every row).

    SQLite: a column of one value in every row (a :class:`Same` one, or None in every row)
    is written into the statement as its SQL literal (:func:`sql_literal`) where it has one,
    which stores what binding it stores: ``sqlite3`` binds each value of each row, a fifth of a
    microsecond a text, a third a None (an adapter looked for per value), some 80,000 in a
    7,400-record import."""
    sqlite = is_sqlite()
    literals: list[str | None] = []
    bound: list[Iterable[Any]] = []
    for column in columns:
        if not isinstance(column, Same):
            if sqlite and count and column[0] is None and column.count(None) == len(column):
                column = Same(None)
            else:
                literals.append(None)
                bound.append(column)
                continue
        literal = sql_literal(column.value) if sqlite else None
        literals.append(literal)
        if literal is None:
            bound.append(repeat(column.value, count))
    if not bound:  # every column a literal (none can be: the keys differ)
        raise ValueError("rows of one value each are one row")
    rows = list(zip(*bound, strict=True))
    insert_many(model, fields, rows, converted=True, literals=literals)


def sql_literal(value: Any) -> str | None:
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


def insert_many(
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
    the values are already as ``db_values`` gives them. ``literals`` (SQLite, with
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
    ready = rows if converted else db_values(fields, rows, sqlite)
    if sqlite:
        with peewee.__exception_wrapper__:  # type: ignore[attr-defined]  # sqlite3's errors as peewee's, as execute_sql
            db.cursor().executemany(f"INSERT INTO {table} ({columns}) VALUES {one}", ready)
        return
    step = rows_per_statement(len(fields))
    for start in range(0, len(ready), step):
        batch = ready[start : start + step]
        params = [value for row in batch for value in row]
        sql = f"INSERT INTO {table} ({columns}) VALUES {', '.join([one] * len(batch))}"
        db.execute_sql(sql, params)


def db_values(
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
    ready = db_columns(fields, columns, adapt)
    if all(made is column for made, column in zip(ready, columns, strict=True)):
        return rows
    return list(zip(*ready, strict=True))


def db_columns(
    fields: Sequence[peewee.Field], columns: Sequence[Sequence[Any]], adapt: bool = False
) -> list[Sequence[Any]]:
    """:func:`db_values` of rows given as their columns (each field's values): the columns as
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


def rows_per_statement(columns: int) -> int:
    return max(1, min(MAX_ROWS_PER_STATEMENT, _variable_limit() // columns))


def _variable_limit() -> int:
    db = database.obj
    if isinstance(db, peewee.SqliteDatabase):
        getlimit = getattr(db.connection(), "getlimit", None)
        if getlimit is None:
            return _SQLITE_OLD_LIMIT
        return int(getlimit(sqlite3.SQLITE_LIMIT_VARIABLE_NUMBER))
    return 32_767
