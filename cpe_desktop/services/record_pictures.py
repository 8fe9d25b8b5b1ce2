"""A new record's audit picture for bulk writes (``bulk_records``), without a model instance.

What ``records.create_record`` writes in its audit entry (``audit.snapshot`` of the record with
its credit lines) for values checked by the record service's own reader: as a picture
(:func:`picture`: what every new record of its owner shares, made once, with the record's own
values over it) and as the entry's JSON text (:func:`picture_text`: the shared values' text made
once per owner and set of columns, each record's own values written into it as the pictures'
encoder writes them; :func:`record_texts`: a batch's texts so, column by column).
``tests/services/interchange/test_import_bulk_shortcuts.py`` holds the texts to
``audit.picture_json`` of the picture, and ``tests/services/test_bulk_records.py`` the entries to
``create_record``'s.
"""

from __future__ import annotations

import datetime as dt
import operator
from collections.abc import Callable, Iterable, Mapping, Sequence
from decimal import Decimal
from itertools import chain, repeat
from typing import TYPE_CHECKING, Any

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services.audit import hashing
from cpe_desktop.services.audit import trail as audit

if TYPE_CHECKING:
    from cpe_desktop.services.bulk_records import NewRecord

# How the pictures' encoder writes a text (``ensure_ascii``, its default): quoted, escaped.
_ascii_text = hashing.ascii_text
_TEXT_PLAN = "text plan"  # shared's key part for a record's picture text plan
_NO_PLAN = object()
_LINES_TEXTS = ("credits texts",)  # shared's key of the credit lines' texts, by lines
_LINE_TEXTS = ("credit line texts",)  # shared's key of one credit line's texts, by line
# Pictured fields whose column has their name: a record's own values among them are put over
# the shared picture as they are.
_SAME_NAMED = frozenset(
    name
    for name, field in CpeRecord._meta.fields.items()
    if field.column_name == name and name not in ("row_version", "password_hash")
)


def picture_text(row: dict[str, Any], record: NewRecord, shared: dict[Any, Any]) -> str:
    """``audit.picture_json(picture(row, record, shared))``: :func:`record_text` of the record
    whose row (as its model instance's ``__data__`` would hold it, with its id) is ``row``."""
    return record_text(record, row["record_id"], shared, lambda: row)


def record_text(
    record: NewRecord, record_id: Any, shared: dict[Any, Any], row: Callable[[], dict[str, Any]]
) -> str:
    """``audit.picture_json(picture(row(), record, shared))``, written from a template per owner
    and per set of the record's own columns: the shared values' text made once, only the
    record's own values (text, whole numbers, None, dates as ISO text; read from
    ``record.values``), its id and its credit lines' text (once per distinct set) written per
    record, each as the encoder writes it. ``row()`` is asked for the record's whole row only
    for a template not made yet, or a picture not of that shape."""
    plan_key = (_TEXT_PLAN, record.user_id, tuple(record.values))
    plan = shared.get(plan_key, _NO_PLAN)
    if plan is _NO_PLAN:
        plan = shared[plan_key] = _text_plan(row(), record, shared)
    if plan is None or record_id.__class__ is not int:
        return audit.value_json(picture(row(), record, shared))
    template, own, places, _, _ = plan
    texts: list[str] = []
    append = texts.append
    for value in own(record.values):
        kind = value.__class__
        if kind is str:
            append(_ascii_text(value))
        elif value is None:
            append("null")
        elif kind is int:
            append(int.__repr__(value))
        elif kind is dt.date:
            append('"' + value.isoformat() + '"')
        else:  # written by the encoder: the long way
            return audit.value_json(picture(row(), record, shared))
    for at, name in places:  # in their order, so each lands where the template wants it
        texts.insert(
            at,
            int.__repr__(record_id) if name == "record_id" else _lines_text(record.credits, shared),
        )
    return template % tuple(texts)


def record_texts(
    records: Sequence[NewRecord],
    ids: Sequence[Any],
    shared: dict[Any, Any],
    row_of: Callable[[NewRecord, Any], Callable[[], dict[str, Any]]],
    columns: Mapping[str, Sequence[Any]] | None = None,
) -> list[str]:
    """``[record_text(record, id, shared, row_of(record, id)) ...]`` of ``records`` and their
    ids, written column by column when the records share one owner and one set of own columns,
    their ids are whole numbers and their own values and credit amounts of the kinds
    :func:`record_text` writes itself: each column's texts made at C speed (a text column's by
    the encoder's own function; a column of other values, a text once per distinct value), then
    each record's text joined from the template's pieces and its column texts. Else record by
    record. ``columns``: the records' own values by name, each column in the records' order,
    when the caller has read them so (only when every record has these columns, in this order;
    then they are not read again)."""
    if not records:
        return []
    first = records[0]
    values = None if columns is not None else list(map(_VALUES_OF, records))
    plan_key = (_TEXT_PLAN, first.user_id, tuple(first.values))
    plan = shared.get(plan_key, _NO_PLAN)
    if plan is _NO_PLAN:  # made from the first record, as record_text makes it
        plan = shared[plan_key] = _text_plan(row_of(first, ids[0])(), first, shared)
    credits = list(map(_CREDITS_OF, records))
    if (
        plan is None
        or len(ids) != len(records)
        or len(set(map(_OWNER_OF, records))) != 1
        or (values is not None and len(set(map(tuple, values))) != 1)  # one set, one order
        or set(map(type, ids)) != {int}
        or set(map(type, map(_AMOUNT_OF, chain.from_iterable(credits)))) != {Decimal}
    ):
        return _one_by_one(records, ids, shared, row_of)
    _, _, _, variables, pieces = plan
    if columns is None:
        own = [name for name in variables if name not in _NOT_VALUES]
        # itemgetter of one name gives the value itself, of several a tuple: always a tuple.
        read = operator.itemgetter(*own, own[0])
        columns = dict(zip(own, zip(*map(read, values or ()), strict=True), strict=False))
    parts: list[Iterable[str]] = []
    before = pieces[0]  # the text before the next value
    for name, piece in zip(variables, pieces[1:], strict=True):
        if name == "record_id":
            made: Sequence[str] | None = list(map(int.__repr__, ids))
        elif name == "credits":
            made = _lines_texts(credits, shared)
        elif set(map(type, columns[name])) == {dt.date}:  # ISO texts, their quotes around
            parts += (repeat(before + '"'), list(map(dt.date.isoformat, columns[name])))
            before = '"' + piece
            continue
        else:
            made = _texts(columns[name])
        if made is None:  # a value written by the encoder: the long way, record by record
            return _one_by_one(records, ids, shared, row_of)
        parts += (repeat(before), made)
        before = piece
    parts.append(repeat(before))
    return list(map("".join, zip(*parts, strict=False)))  # as long as the (equally long) columns


def _one_by_one(
    records: Sequence[NewRecord],
    ids: Sequence[Any],
    shared: dict[Any, Any],
    row_of: Callable[[NewRecord, Any], Callable[[], dict[str, Any]]],
) -> list[str]:
    return [
        record_text(record, record_id, shared, row_of(record, record_id))
        for record, record_id in zip(records, ids, strict=True)
    ]


_VALUES_OF = operator.attrgetter("values")
_CREDITS_OF = operator.attrgetter("credits")
_OWNER_OF = operator.attrgetter("user_id")
_AMOUNT_OF = operator.itemgetter(1)
# Kinds of own values record_text writes itself; no value of one equals a value of another.
_PLAIN_KINDS = frozenset({str, type(None), int, dt.date})


def _texts(column: Sequence[Any]) -> Sequence[str] | None:
    """Each value of ``column`` as the encoder writes it in a picture (None: a value of a kind
    :func:`record_text` leaves to the encoder): texts by the encoder's own function, values of
    other plain kinds once per distinct value (equal ones of these kinds write alike)."""
    kinds = set(map(type, column))
    if kinds == {str}:
        return list(map(_ascii_text, column))
    if not kinds <= _PLAIN_KINDS:
        return None
    written = {value: _plain_text(value) for value in set(column)}
    return list(map(written.__getitem__, column))


def _plain_text(value: Any) -> str:
    """A text, None, whole number or date (exactly these kinds) as the encoder writes it in a
    picture (a date as its ISO text)."""
    text = hashing.plain_json(value)
    return text if text is not None else '"' + value.isoformat() + '"'


def _lines_texts(
    credits: Sequence[tuple[tuple[str, Decimal], ...]], shared: dict[Any, Any]
) -> Sequence[str]:
    """:func:`_lines_text` of each record's credit lines (amounts all decimals, exactly): each
    distinct set's text made once (each distinct line's once, when its amount is positive), all
    kept when their amounts are all positive, as :func:`_lines_text` keeps them; else record by
    record."""
    kept = shared.get(_LINES_TEXTS)
    if kept is None:
        kept = shared[_LINES_TEXTS] = {}
    line_texts = shared.get(_LINE_TEXTS)
    if line_texts is None:
        line_texts = shared[_LINE_TEXTS] = {}
    for lines in set(credits).difference(kept):
        text = _lines_json(lines, line_texts)
        if all(amount > 0 for _, amount in lines):
            kept[lines] = text
    if kept.keys() >= set(credits):
        return list(map(kept.__getitem__, credits))
    return [_lines_text(lines, shared) for lines in credits]


_TextPlan = tuple[
    str,
    Callable[[Mapping[str, Any]], tuple[Any, ...]],
    tuple[tuple[int, str], ...],
    tuple[str, ...],
    tuple[str, ...],
]


def _text_plan(row: dict[str, Any], record: NewRecord, shared: dict[Any, Any]) -> _TextPlan | None:
    """The picture's text with a ``%s`` for each value a record gives (its own columns, its id,
    its credit lines), in the encoder's order (sorted keys); what reads the record's own column
    values (in that order) from its values, as a tuple; where its id and its credit lines' text
    go among them (in order); all of them by name, in the template's order; and the text
    around them (the template's pieces as they are, one more than the names). None: the
    picture is not of that shape (written the long way)."""
    pictured = picture(row, record, shared)
    own = {*record.values, "record_id", "credits"}
    if not own <= set(pictured) or not record.values:
        return None
    pieces: list[str] = []
    variables: list[str] = []
    text = "{"
    for index, key in enumerate(sorted(pictured)):
        text += (", " if index else "") + _ascii_text(key) + ": "
        if key in own:
            pieces.append(text)
            variables.append(key)
            text = ""
        else:
            text += audit.value_json(pictured[key])
    pieces.append(text + "}")
    places = tuple((at, name) for at, name in enumerate(variables) if name in _NOT_VALUES)
    names = [name for name in variables if name not in _NOT_VALUES]
    # itemgetter of one name gives the value itself, of several a tuple: always a tuple here.
    getter = operator.itemgetter(*names, names[0])

    def read(values: Mapping[str, Any]) -> tuple[Any, ...]:
        return getter(values)[:-1]

    template = "%s".join(piece.replace("%", "%%") for piece in pieces)
    return template, read, places, tuple(variables), tuple(pieces)


_NOT_VALUES = frozenset({"record_id", "credits"})  # in a picture, not in a record's values


def _lines_text(credits: tuple[tuple[str, Decimal], ...], shared: dict[Any, Any]) -> str:
    """The credit lines' picture as JSON text, once per distinct set of lines (only positive
    amounts, which read alike whenever they are equal: zero has a sign; and only decimals: a
    whole number equal to one is written otherwise)."""
    if not all(amount.__class__ is Decimal for _, amount in credits):
        return _lines_json(credits)
    texts = shared.get(_LINES_TEXTS)
    if texts is None:
        texts = shared[_LINES_TEXTS] = {}
    found = texts.get(credits)
    if found is not None:
        return str(found)
    text = _lines_json(credits)
    if all(amount > 0 for _, amount in credits):
        texts[credits] = text
    return text


def _lines_json(
    credits: tuple[tuple[str, Decimal], ...], line_texts: dict[Any, str] | None = None
) -> str:
    """``audit.value_json(_plain(credits))``, written here when the fields are texts and the
    amounts decimals (exactly these kinds): each line as the encoder writes its dict (sorted
    keys, ``", "`` and ``": "`` between), the amount as ``audit.json_value`` makes it.
    ``line_texts``: lines' texts made before (only lines with a positive amount, which read alike
    whenever they are equal), where each new one is kept; only for amounts all decimals."""
    parts = []
    for line in sorted(credits, key=_FIELD_OF):
        text = None if line_texts is None else line_texts.get(line)
        if text is None:
            field, amount = line
            if field.__class__ is not str or amount.__class__ is not Decimal:
                return audit.value_json(_plain(credits))
            amount_text = _ascii_text(format(amount.normalize(), "f"))
            text = '{"credits": ' + amount_text + ', "field": ' + _ascii_text(field) + "}"
            if line_texts is not None and amount > 0:
                line_texts[line] = text
        parts.append(text)
    return "[" + ", ".join(parts) + "]"


_FIELD_OF = operator.itemgetter(0)


def picture(row: dict[str, Any], record: NewRecord, shared: dict[Any, Any]) -> dict[str, Any]:
    """``audit.snapshot_of(CpeRecord, row, credits=...)``: the picture every new record of its
    owner shares (made once, in ``shared``) with the record's own values over it."""
    if not _SAME_NAMED.issuperset(record.values):
        return audit.snapshot_of(CpeRecord, row, credits=_plain(record.credits))
    base = shared.get(record.user_id)
    if base is None:
        common = {name: value for name, value in row.items() if name not in record.values}
        base = shared[record.user_id] = audit.snapshot_of(CpeRecord, common)
    made = dict(base)
    for name, value in record.values.items():  # their columns have their names
        plain = value is None or value.__class__ is str or value.__class__ is int
        made[name] = value if plain else audit.json_value(value)
    made["record_id"] = row["record_id"]
    made["credits"] = _plain_lines(record.credits, shared)
    return made


def _plain_lines(credits: tuple[tuple[str, Decimal], ...], shared: dict[Any, Any]) -> Any:
    """:func:`_plain`, once per distinct set of lines (an import repeats a few dozen); only
    positive amounts, which read alike whenever they are equal (zero has a sign)."""
    if not all(amount > 0 for _, amount in credits):
        return _plain(credits)
    key = ("credits", credits)
    found = shared.get(key)
    if found is None:
        found = shared[key] = _plain(credits)
    return found


def _plain(credits: Iterable[tuple[str, Decimal]]) -> list[dict[str, Any]]:
    """The credit lines as ``records.credits_of`` reads them back, for the audit entry."""
    return [
        {"field": field, "credits": audit.json_value(amount)}
        for field, amount in sorted(credits, key=lambda line: line[0])
    ]
