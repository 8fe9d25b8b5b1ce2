"""How compliance reads a firm's records and the models in view (issue 18's faster reads).

``services/compliance.py`` judges; this module copies what it needs out of the database faster
than peewee's row-by-row conversion would: each person's records with their credit lines as
the engine's ``RecordColumns`` (one query for all of them, converted with caches), and the
licenses and people in view as models built without peewee's per-row work. Both are held to
the straightforward reads by ``tests/services/test_compliance_reads.py``.
"""

from __future__ import annotations

import datetime as dt
import weakref
from collections.abc import Callable, Hashable, Iterable, Sequence
from decimal import Decimal
from typing import Any

import peewee

from cpe_desktop.db.models import database
from cpe_desktop.db.rule_columns import names_of
from cpe_desktop.rules.record_columns import RecordColumns

_CENT = Decimal("0.01")
# A firm's view reads every person's records (a plain scan is cheaper than an index look-up per
# person); up to this many people, only theirs.
FEW_PEOPLE = 8


class _Lines:
    """The credits of records read, kept from one read to the next: each (field, amount) as
    its one-line credits ``((field, credits),)``, and each credits of several lines as one
    tuple made of those very pairs, so a firm's records share a few hundred tuples read after
    read, and the engine's ledger finds what it worked out for them by identity
    (``rules.ledger``: sums kept with the lines they were worked out from). Also kept: which
    credits a record's lines so far and one more line make (by the identity of both, each
    kept with them), and each stored day's date (a firm's records share a few thousand)."""

    _MOST = 4096
    _MOST_DAYS = 40_000

    def __init__(self) -> None:
        self._singles: dict[tuple[str, Any], tuple[tuple[str, Decimal]]] = {}
        self._several: dict[tuple[tuple[str, Decimal], ...], tuple[tuple[str, Decimal], ...]] = {}
        self._joined: dict[tuple[int, int], tuple[Any, Any, tuple[tuple[str, Decimal], ...]]] = {}
        self._days: dict[Any, dt.date] = {}

    def kept(
        self,
    ) -> tuple[
        dict[tuple[str, Any], tuple[tuple[str, Decimal]]],
        dict[tuple[tuple[str, Decimal], ...], tuple[tuple[str, Decimal], ...]],
        dict[tuple[int, int], tuple[Any, Any, tuple[tuple[str, Decimal], ...]]],
        dict[Any, dt.date],
    ]:
        """(field, stored amount) -> its one line; lines -> the one tuple of them; (id of a
        record's credits so far, id of one more line's) -> (those credits, that line, the
        credits of both); a stored day -> its date (fill in what is missing). Started afresh
        past a few thousand (the days past tens of thousands)."""
        if max(len(self._singles), len(self._several), len(self._joined)) > self._MOST:
            self._singles, self._several, self._joined = {}, {}, {}
        if len(self._days) > self._MOST_DAYS:
            self._days = {}
        return self._singles, self._several, self._joined, self._days


_LINES = _Lines()


def read_records(holder_ids: set[int], since: dt.date) -> dict[int, RecordColumns]:
    """These people's records completed on or after ``since`` (older ones no period looks at),
    each person's in record_id order, as the engine's ``RecordColumns`` (no record built
    unless the engine looks at it alone): one query for the records with their credit lines,
    and one more only for the few records that state an ethics jurisdiction, a first day or
    topics; converted here with caches, as peewee's per-value conversion would cost ten times
    the engine's whole evaluation on a firm's 20,000 records."""
    # A firm's view reads every person's (a plain scan is cheaper than an index look-up per
    # person); one person's reads only theirs.
    where = f"r.completed_on >= {database.param}"
    if len(holder_ids) <= FEW_PEOPLE:
        where += " AND r.user_id IN ({})".format(", ".join(str(int(h)) for h in holder_ids))
    elif isinstance(database.obj, peewee.SqliteDatabase):
        # Scanning every record, SQLite would give the day compared, a date column's text,
        # the column's numeric affinity, trying to read it as a number at each record: "+"
        # compares the two texts as they are (the same order; no index is used either way).
        where = "+" + where
    # One row per credit line (a record without lines counts nothing and is not read), a
    # record's lines one after the other. The last column is whether the record has a
    # certificate, or NULL when it states more, read apart ("+" keeps SQLite scanning the
    # records, in record order, and looking up each one's lines).
    rows = database.execute_sql(
        "SELECT r.record_id, r.user_id, r.title, r.completed_on, r.delivery_method, "
        "c.field_of_study, c.credits, CASE WHEN r.ethics_jurisdiction IS NULL AND "
        "r.started_on IS NULL AND r.topics IS NULL THEN r.attachment_id IS NOT NULL END "
        "FROM cpe_records r JOIN record_credits c ON c.record_id = +r.record_id "
        f"WHERE {where} ORDER BY r.record_id",
        (since.isoformat(),),
    )
    # A firm's credit lines take a few values (a field and an amount): each (field, amount)
    # line, and each one-line record's credits, is built once and shared. A record's first
    # row adds it to its holder's columns; a later row of the same record adds its line to
    # the record's credits; a record stating more gets what it states once those are read.
    singles, several, joined, dates = _LINES.kept()
    by_holder: dict[int, RecordColumns] = {}
    stating: list[tuple[RecordColumns, int, int]] = []  # (columns, position, record_id)
    get_single, get_day, get_joined = singles.get, dates.get, joined.get
    last_id = last_user = None
    columns: RecordColumns | None = None
    lines: list[tuple[tuple[str, Decimal], ...]] = []
    for record_id, user_id, title, completed, method, field, amount, certified in rows:
        # (field, amount) -> the one line ((field, credits),): a record of one line has it as
        # its credits; a record of several takes its pair
        single = get_single((field, amount))
        if single is None:
            single = singles[(field, amount)] = ((field, Decimal(str(amount)).quantize(_CENT)),)
        if record_id == last_id:  # by field: the same order whichever way the lines came
            if columns is not None:
                credits = lines[-1]
                both = get_joined((id(credits), id(single)))
                if both is None:
                    pairs = tuple(sorted((*credits, single[0])))
                    both = joined[(id(credits), id(single))] = (
                        credits,  # (kept with their ids: no other object takes those)
                        single,
                        several.setdefault(pairs, pairs),
                    )
                lines[-1] = both[2]
            continue
        last_id = record_id
        if user_id != last_user:
            last_user = user_id
            columns = by_holder.get(user_id)
            if columns is None:
                if user_id not in holder_ids:
                    continue
                columns = by_holder[user_id] = RecordColumns([], [], [], [], [], [])
            add_id, add_day = columns.ids.append, columns.days.append
            add_method, add_certified = columns.methods.append, columns.certified.append
            lines, add_title = columns.credits, columns.titles.append
        elif columns is None:  # (someone not asked for)
            continue
        day = get_day(completed)
        if day is None:
            day = dates[completed] = _day(completed)
        if certified is None:
            stating.append((columns, len(columns.ids), record_id))
        add_id(record_id)
        add_day(day)
        add_method(method)
        add_certified(certified == 1)
        lines.append(single)
        add_title(title)
    if stating:
        stated = _stated([record_id for _, _, record_id in stating])
        topic_lists: dict[Any, tuple[str, ...]] = {None: tuple(names_of(None))}
        for columns, position, record_id in stating:
            ethics, attachment, started, topics = stated[record_id]
            names = topic_lists.get(topics)
            if names is None:
                names = topic_lists[topics] = tuple(names_of(topics))
            columns.certified[position] = bool(attachment)
            if started is not None:
                day = get_day(started)
                started = day if day is not None else _day(started)
            if ethics is not None or started is not None or names:
                columns.stated[position] = (ethics, started, names)
    return by_holder


def _day(value: Any) -> dt.date:
    """A date column's value as a date (SQLite gives text)."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def _stated(record_ids: list[int]) -> dict[int, tuple[Any, ...]]:
    """record_id -> (ethics jurisdiction, has a certificate, first day, topics) of these
    records, a few hundred per query."""
    found: dict[int, tuple[Any, ...]] = {}
    for start in range(0, len(record_ids), 500):
        chunk = ", ".join(str(int(i)) for i in record_ids[start : start + 500])
        for record_id, *rest in database.execute_sql(
            "SELECT record_id, ethics_jurisdiction, attachment_id IS NOT NULL, started_on, "
            f"topics FROM cpe_records WHERE record_id IN ({chunk})"
        ):
            found[record_id] = tuple(rest)
    return found


_SHAREABLE = frozenset({str, int, float, bool, type(None), Decimal, dt.date, dt.datetime})


_WHOLE = (peewee.AutoField, peewee.IntegerField)
_TEXT = (peewee.CharField, peewee.TextField)
_OTHER = (peewee.DateField, peewee.DateTimeField, peewee.DecimalField, peewee.BooleanField)


def _passed(field: peewee.Field) -> frozenset[type]:
    """The stored types this field's ``python_value`` gives back as they are, for peewee's own
    fields: None (``Field.python_value``), a whole number for an integer column or a key to one
    (``int(value)``), a string for a text column. None for any other kind of field (a subclass
    of these included): its values are converted."""
    kind: type = type(field)
    if isinstance(field, peewee.ForeignKeyField) and kind is peewee.ForeignKeyField:
        kind = type(field.rel_field)
    if kind in _WHOLE:
        return frozenset({type(None), int})
    if kind in _TEXT:
        return frozenset({type(None), str})
    if kind in _OTHER:
        return frozenset({type(None)})
    return frozenset()


# (key, the database's type) -> (a weak reference to the database, the model, the SQL, its
# parameters): see ``compiled``.
_SQL: dict[tuple[Hashable, type], tuple[Any, Any, str, tuple[Any, ...]]] = {}
_MOST_SQL = 256


def compiled(
    key: Hashable, build: Callable[[], peewee.ModelSelect[Any]]
) -> tuple[Any, str, tuple[Any, ...]]:
    """(model, SQL, parameters) of the query ``build()`` makes, worked out by peewee once per
    database and ``key`` rather than at each call (peewee builds a query's text afresh each
    time: a few hundred microseconds for a firm's five). ``key`` must tell apart every query
    ``build`` may make: its parameters included. Another database (or the same one bound
    again) works it out afresh."""
    current = database.obj
    if current is None:  # (unbound: peewee says so)
        query = build()
        sql, params = query.sql()
        return query.model, sql, tuple(params)
    kept = _SQL.get((key, type(current)))
    if kept is None or kept[0]() is not current:
        query = build()
        sql, params = query.sql()
        if len(_SQL) >= _MOST_SQL:
            _SQL.clear()
        kept = _SQL[(key, type(current))] = (weakref.ref(current), query.model, sql, tuple(params))
    return kept[1], kept[2], kept[3]


def plain_models_of(key: Hashable, build: Callable[[], peewee.ModelSelect[Any]]) -> list[Any]:
    """``plain_models(build())``, its SQL worked out once per database and ``key`` (see
    ``compiled``)."""
    model, sql, params = compiled(key, build)
    return _plain(model, sql, params, lambda: list(build()))


def plain_models(query: peewee.ModelSelect[Any]) -> list[Any]:
    """The models ``list(query)`` reads (a select of one model's every column), equal to its and
    as clean (nothing dirty), built without peewee's per-row work: each column's value
    converted by its field once per distinct stored value (a firm's licenses share their
    dates, people and credentials), each model given its data whole.

    Worked out column by column: a column whose every value is one its field gives back as it
    is (most: whole numbers, texts, NULL) is taken whole; the others are converted value by
    value. Should a conversion fail, the rows are read again row by row, as peewee would, so
    that the first value refused is the one peewee would refuse."""
    sql, params = query.sql()
    return _plain(query.model, sql, tuple(params), lambda: list(query))


def _plain(
    model: Any, sql: str, params: tuple[Any, ...], fallback: Callable[[], list[Any]]
) -> list[Any]:
    """``plain_models`` of the select ``sql`` of ``model``'s every column (else ``fallback()``)."""
    fields = model._meta.sorted_fields
    cursor = database.execute_sql(sql, params)
    if [column[0] for column in cursor.description] != [f.column_name for f in fields]:
        return fallback()  # not a plain select of every column: peewee's own way
    rows = cursor.fetchall()
    if not rows:
        return []
    columns: list[Any] = list(zip(*rows, strict=True))
    names = [field.name for field in fields]
    try:
        for number, field in enumerate(fields):
            passed = _passed(field)
            column = columns[number]
            if passed and set(map(type, column)) <= passed:
                continue  # every value as the field gives it back
            columns[number] = _converted(field, passed, column, {})
    except Exception:  # (a value the field refuses)
        return _models(model, names, _row_by_row(fields, rows))
    return _models(model, names, zip(*columns, strict=True))


def _row_by_row(fields: list[peewee.Field], rows: list[tuple[Any, ...]]) -> list[list[Any]]:
    """Each row's values converted as ``_converted`` converts a column's, value after value in
    row order, as peewee would (so that the first value refused is the one peewee refuses)."""
    kept: list[tuple[peewee.Field, frozenset[type], dict[tuple[type, Any], Any]]] = [
        (field, _passed(field), {}) for field in fields
    ]
    return [
        [
            _converted(field, passed, (raw,), memo)[0]
            for (field, passed, memo), raw in zip(kept, row, strict=True)
        ]
        for row in rows
    ]


def _models(model: Any, names: list[str], rows: Iterable[Sequence[Any]]) -> list[Any]:
    """A clean ``model`` of each of ``rows`` (its fields' values, in order)."""
    new = object.__new__
    found = []
    for values in rows:
        item = new(model)
        item.__data__ = dict(zip(names, values, strict=True))
        item._dirty, item.__rel__ = set(), {}
        found.append(item)
    return found


def _converted(
    field: peewee.Field,
    passed: frozenset[type],
    column: Sequence[Any],
    memo: dict[tuple[type, Any], Any],
) -> list[Any]:
    """A column's values as ``field.python_value`` gives them, each distinct stored value
    converted once (``memo``: those converted so far; the values of the types in ``passed``
    kept as they are)."""
    convert = field.python_value
    values = []
    for raw in column:
        if type(raw) in passed:  # what the field would give back as it is
            values.append(raw)
            continue
        key = (type(raw), raw)
        value = memo.get(key, memo)
        if value is memo:
            value = convert(raw)
            if type(value) in _SHAREABLE:  # (never a list or dict two models would share)
                memo[key] = value
        values.append(value)
    return values
