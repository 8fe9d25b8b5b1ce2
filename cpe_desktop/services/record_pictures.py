"""A new record's audit picture for bulk writes (``bulk_records``), without a model instance.

What ``records.create_record`` writes in its audit entry (``audit.snapshot`` of the record with
its credit lines) for values checked by the record service's own reader: as a picture
(:func:`picture`: what every new record of its owner shares, made once, with the record's own
values over it) and as the entry's JSON text (:func:`picture_text`: the shared values' text made
once per owner and set of columns, each record's own values written into it as the pictures'
encoder writes them). ``tests/services/interchange/test_import_bulk_shortcuts.py`` holds the
text to ``audit.picture_json`` of the picture, and ``tests/services/test_bulk_records.py`` the
entries to ``create_record``'s.
"""

from __future__ import annotations

import datetime as dt
import json
import operator
from collections.abc import Callable, Iterable, Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services.audit import trail as audit

if TYPE_CHECKING:
    from cpe_desktop.services.bulk_records import NewRecord

# How the pictures' encoder writes a text (``ensure_ascii``, its default): quoted, escaped.
_ascii_text = json.encoder.encode_basestring_ascii
_TEXT_PLAN = "text plan"  # shared's key part for a record's picture text plan
_NO_PLAN = object()
_LINES_TEXTS = ("credits texts",)  # shared's key of the credit lines' texts, by lines
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
    template, own, places = plan
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


def _text_plan(
    row: dict[str, Any], record: NewRecord, shared: dict[Any, Any]
) -> tuple[str, Callable[[Mapping[str, Any]], tuple[Any, ...]], tuple[tuple[int, str], ...]] | None:
    """The picture's text with a ``%s`` for each value a record gives (its own columns, its id,
    its credit lines), in the encoder's order (sorted keys); what reads the record's own column
    values (in that order) from its values, as a tuple; where its id and its credit lines' text
    go among them (in order). None: the picture is not of that shape (written the long way)."""
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
            pieces.append(text.replace("%", "%%"))
            variables.append(key)
            text = ""
        else:
            text += audit.value_json(pictured[key])
    pieces.append(text.replace("%", "%%") + "}")
    places = tuple((at, name) for at, name in enumerate(variables) if name in _NOT_VALUES)
    names = [name for name in variables if name not in _NOT_VALUES]
    # itemgetter of one name gives the value itself, of several a tuple: always a tuple here.
    getter = operator.itemgetter(*names, names[0])

    def read(values: Mapping[str, Any]) -> tuple[Any, ...]:
        return getter(values)[:-1]

    return "%s".join(pieces), read, places


_NOT_VALUES = frozenset({"record_id", "credits"})  # in a picture, not in a record's values


def _lines_text(credits: tuple[tuple[str, Decimal], ...], shared: dict[Any, Any]) -> str:
    """The credit lines' picture as JSON text, once per distinct set of lines (only positive
    amounts, which read alike whenever they are equal: zero has a sign)."""
    texts = shared.get(_LINES_TEXTS)
    if texts is None:
        texts = shared[_LINES_TEXTS] = {}
    found = texts.get(credits)
    if found is not None:
        return str(found)
    text = audit.value_json(_plain(credits))
    if all(amount > 0 for _, amount in credits):
        texts[credits] = text
    return text


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
