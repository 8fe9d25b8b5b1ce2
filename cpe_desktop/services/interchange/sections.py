"""A person's owned sections of the ``cpe-tracker/1`` document, each declared once.

A :class:`Section` is a table whose rows belong to one person and move with the account
(``reminders``, ``notifications``, ``reports``): the key it has in the person's object, its model,
and its :class:`Field`\\ s in the order they are written. From the declaration this module
writes the section (:func:`write`, sorted by the declared columns, then the id), checks it
(:func:`check`: every problem at its path, ``users[0].reminders[2].next_reminder``, unknown keys
refused) and imports an item (:func:`import_item`: skipped when the person already has one with
the same ``match`` columns, or any row has its ``unique`` value). A field that points at one of
the person's licenses or records (:data:`LICENSE`, :data:`RECORD`) is written as that row's key
fields and must name one in the same file; the import puts the row's id in its place.

Adding a table to the account is one declaration in :data:`SECTIONS` (ARCHITECTURE.md §5, Add a
table, step 9): the document's key, its checks, the import, the summary's counts and sentence
and the views refreshed (its ``kind``) follow. The declarations live here, not on
``editing/entities.Entity``: a stored report is no entity (no form edits one), how a row is
written in a file is the format's business, and ``entities`` imports every service and form,
which the interchange does not need.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import peewee

from cpe_desktop.db.models import (
    PLAIN_MODELS,
    PLAIN_TABLES,
    CpeRecord,
    License,
    Notification,
    Reminder,
    Report,
)
from cpe_desktop.services import notifications as notifications_service
from cpe_desktop.services import reminders as reminders_service
from cpe_desktop.services.changes import NOTIFICATIONS, REMINDERS, REPORTS
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.interchange.common import ImportSummary, json_number
from cpe_desktop.services.interchange.json_parts import (
    collect,
    guarded,
    list_at,
    moment_text,
    object_at,
    read_moment,
    validator,
)
from cpe_desktop.services.reporting import reports as reports_service
from cpe_desktop.services.validation import MISSING, Validator

if TYPE_CHECKING:
    from cpe_desktop.db.plain import PlainField, PlainTable

# What references may name: in checking, the keys of the person's licenses and records in the
# file ({"license": {key, ...}}); in importing, the stored rows' ids ({"license": {key: id}}).
Found = Mapping[str, Collection[tuple[Any, ...]]]
Targets = Mapping[str, Mapping[tuple[Any, ...], int]]
Reader = Callable[[Validator, Mapping[str, Any], Found], Any]


@dataclass
class Item:
    """One checked item: where it is in the document and its cleaned values."""

    path: str
    values: dict[str, Any]
    # Keys the item's own checks do not read: custom values, a record's certificate checksum.
    extra: dict[str, Any] = field(default_factory=dict)


# --- references to a license or a record ----------------------------------------------------------


def _plain(value: Any) -> Any:
    """A value as a part of a key: lists and objects (never a key's part) as their text."""
    return value if isinstance(value, (str, int, float, bool, type(None))) else repr(value)


def _trimmed(value: Any) -> Any:
    return value.strip() if isinstance(value, str) else _plain(value)


def license_ref_key(code: Any, jurisdiction: Any, number: Any) -> tuple[Any, ...]:
    """A license as a reference names it, read the way the license checks read its fields (the
    code in capitals, text trimmed, an empty number as none), so both sides of a reference
    meet: the file's own, and the stored rows' at writing."""
    code = code.strip().upper() if isinstance(code, str) else _plain(code)
    return (code, _trimmed(jurisdiction), _trimmed(number) or None)


def record_ref_key(title: Any, day: dt.date | None, sponsor: Any) -> tuple[Any, ...]:
    """A record as a reference names it (``bulk_records.record_key``'s fields, read alike)."""
    return (_trimmed(title), day, _trimmed(sponsor) or None)


def _record_key_of(raw: Mapping[str, Any]) -> tuple[Any, ...]:
    try:
        day = dt.date.fromisoformat(str(raw.get("completed_on")))
    except ValueError:
        day = None
    return record_ref_key(raw.get("title"), day, raw.get("sponsor"))


@dataclass(frozen=True)
class Reference:
    """How a row of the person's is named in a file: by its key fields, never by its id."""

    what: str  # "license": also the key of Found and Targets
    keys: tuple[str, ...]
    write: Callable[[Any], dict[str, Any]]  # the row, as the file names it
    key_of: Callable[[Mapping[str, Any]], tuple[Any, ...]]  # the file's object, as a key


def _license_key_of(raw: Mapping[str, Any]) -> tuple[Any, ...]:
    return license_ref_key(*(raw.get(name) for name in LICENSE.keys))


def _license_written(row: License) -> dict[str, Any]:
    return {
        "credential": row.credential.code,
        "jurisdiction": row.jurisdiction,
        "license_number": row.license_number,
    }


def _record_written(row: CpeRecord) -> dict[str, Any]:
    completed = row.completed_on
    return {
        "title": row.title,
        "completed_on": None if completed is None else completed.isoformat(),
        "sponsor": row.sponsor,
    }


LICENSE = Reference(
    "license", ("credential", "jurisdiction", "license_number"), _license_written, _license_key_of
)
RECORD = Reference("record", ("title", "completed_on", "sponsor"), _record_written, _record_key_of)


def _reference(raw: Any, ref: Reference, step: str, v: Validator, found: Found) -> Any:
    """A reference to one of the person's licenses or records in the file: its key, or None."""
    if raw is None:
        return None
    if not isinstance(raw, Mapping) or set(raw) - set(ref.keys):
        keys = ", ".join(ref.keys)
        v.error(step, f"must be an object of {keys} naming one of the person's {ref.what}s")
        return None
    key = ref.key_of(raw)
    if key not in found[ref.what]:
        v.error(step, f"names no {ref.what} of this person in the file")
        return None
    return key


# --- fields ---------------------------------------------------------------------------------------


def _as_is(value: Any) -> Any:
    return value


@dataclass(frozen=True)
class Field:
    """One key of a section's item: how it is checked (``read``) and written (``write``, from
    the row's ``column``, the key's name unless given)."""

    key: str
    read: Reader
    write: Callable[[Any], Any] = _as_is
    column: str = ""
    refers_to: Reference | None = None  # a license or record: its id is stored, its keys written

    @property
    def attribute(self) -> str:
        return self.column or self.key


def text(key: str, *, max_length: int, required: bool = False) -> Field:
    return Field(key, lambda v, raw, _: v.text(key, required=required, max_length=max_length))


def choice(key: str, options: Collection[str], *, required: bool = False) -> Field:
    return Field(key, lambda v, raw, _: v.choice(key, options, required=required))


def integer(key: str, *, minimum: int, maximum: int) -> Field:
    return Field(key, lambda v, raw, _: v.integer(key, minimum=minimum, maximum=maximum))


def decimal(key: str, *, minimum: int = 0, maximum: int = 10_000, required: bool = False) -> Field:
    """A number of hours or credits: written as a JSON number (4, 1.5), read to two places."""
    return Field(
        key,
        lambda v, raw, _: v.decimal(key, required=required, minimum=minimum, maximum=maximum),
        lambda value: None if value is None else json_number(value),
    )


def day(key: str, *, required: bool = False) -> Field:
    return Field(
        key,
        lambda v, raw, _: v.date(key, required=required),
        lambda value: value and value.isoformat(),
    )


def moment(key: str, *, required: bool = False) -> Field:
    return Field(key, lambda v, raw, _: read_moment(v, raw, key, required=required), moment_text)


def switch_on_unless_false(key: str) -> Field:
    """true/false; absent or null reads as on (as a reminder is when made)."""
    return Field(key, lambda v, raw, _: v.boolean(key) is not False, bool)


def json_text(key: str, message: str) -> Field:
    """Text holding JSON, kept as it was written."""

    def read(v: Validator, raw: Mapping[str, Any], _: Found) -> Any:
        value = raw.get(key)
        if value is not None:
            try:
                if not isinstance(value, str):
                    raise ValueError
                json.loads(value)
            except ValueError:
                v.error(key, message)
        return value

    return Field(key, read)


def refers(key: str, ref: Reference) -> Field:
    return Field(
        key,
        lambda v, raw, found: _reference(raw.get(key), ref, key, v, found),
        lambda row: None if row is None else ref.write(row),
        refers_to=ref,
    )


# --- sections -------------------------------------------------------------------------------------

# Writes an item that is not already there: (ctx, section, user id, values by column, path).
Create = Callable[[ServiceContext, "Section", int, dict[str, Any], str], None]


def insert_owned(
    ctx: ServiceContext, section: Section, user_id: int, values: dict[str, Any], path: str
) -> None:
    """The row as the person's, as it was (its times kept), with its audit entry."""
    ctx.require_owner(user_id, section.verb)
    guarded(path, rows.create, ctx, section.model, {**values, "user": user_id}, section.one)


@dataclass(frozen=True)
class Section:
    """One table of a person's rows in the document. Its fields are its keys, written in their
    order; ``match`` and ``unique`` say when the import skips an item as already there;
    ``create`` writes one that is not (by default as it was, with an audit entry)."""

    name: str  # the key in the person's object, and the table's plural ("reminders")
    model: type[peewee.Model]  # has a ``user`` foreign key
    one: str  # one item: its audit entity name and, unless ``noun``, the summary's word
    kind: str  # the services.changes kind an import of some refreshes
    fields: tuple[Field, ...]  # the keys, in the order they are written
    order: tuple[str, ...]  # the export's order (columns, as text), then the id
    match: tuple[str, ...]  # the person has one already: the same values in these columns
    unique: str | None = None  # a column whose value (when set) no two rows anywhere share
    check: Callable[[Validator, dict[str, Any]], None] | None = None  # across the fields
    verb: str = ""  # for insert_owned: what the import does ("add notifications")
    create: Create = insert_owned
    noun: str = ""  # the import summary's word, when not ``one``

    @property
    def keys(self) -> tuple[str, ...]:
        return tuple(f.key for f in self.fields)

    @property
    def summary_noun(self) -> str:
        return self.noun or self.one.replace("_", " ")

    @property
    def one_in_words(self) -> str:
        """One item as the import's messages say it: "a reminder", "an example item"."""
        words = self.one.replace("_", " ")
        return ("an " if words[:1] in ("a", "e", "i", "o", "u") else "a ") + words


def _create_reminder(
    ctx: ServiceContext, section: Section, user_id: int, values: dict[str, Any], path: str
) -> None:
    """Through the reminder service (its own checks), then the file's day of the month."""
    data = {"user_id": user_id, **{k: values[k] for k in ("message", "frequency", "next_reminder")}}
    data["active"] = values["active"]
    if values["interval_days"] is not None:
        data["interval_days"] = values["interval_days"]
    if values["license"] is not None:
        data["license_id"] = values["license"]
    reminder = guarded(path, reminders_service.create_reminder, ctx, data).value
    anchor = values["anchor_day"]
    if anchor is not None and anchor != reminder.anchor_day:
        # A monthly series set on the 31st, now sitting on the 28th, keeps its 31st.
        rows.update(ctx, reminder, {"anchor_day": anchor}, section.one)


def _interval_needed(v: Validator, values: dict[str, Any]) -> None:
    every = reminders_service.EVERY_N_DAYS
    if values["frequency"] == every and values["interval_days"] in (None, MISSING):
        v.error("interval_days", "is required when the reminder repeats every N days")


SECTIONS: tuple[Section, ...] = (
    Section(
        "reminders",
        Reminder,
        "reminder",
        REMINDERS,
        (
            text("message", required=True, max_length=reminders_service.MAX_MESSAGE),
            choice("frequency", reminders_service.FREQUENCIES, required=True),
            integer("interval_days", minimum=1, maximum=reminders_service.MAX_INTERVAL_DAYS),
            moment("next_reminder", required=True),
            switch_on_unless_false("active"),
            integer("anchor_day", minimum=1, maximum=31),
            refers("license", LICENSE),
        ),
        order=("next_reminder", "message"),
        match=("message", "frequency", "next_reminder"),
        check=_interval_needed,
        create=_create_reminder,
    ),
    Section(
        "notifications",
        Notification,
        "notification",
        NOTIFICATIONS,
        (
            text("message", required=True, max_length=2000),
            choice("kind", notifications_service.NOTIFICATION_KINDS, required=True),
            text("status", required=True, max_length=50),
            moment("created_at", required=True),
            moment("sent_at"),
            moment("read_at"),
            text("dedupe_key", max_length=200),
            refers("license", LICENSE),
            refers("record", RECORD),
        ),
        order=("created_at",),
        match=("message", "created_at"),
        unique="dedupe_key",
        verb="add notifications",
    ),
    # Stored reports: what a board or a manager was shown, kept as it was (its data as text).
    Section(
        "reports",
        Report,
        "report",
        REPORTS,
        (
            choice("report_type", reports_service.REPORT_TYPES, required=True),
            text("title", max_length=300),
            day("as_of"),
            moment("created_at", required=True),
            json_text("data", "must be the report's data as JSON text"),
        ),
        order=("created_at",),
        match=("report_type", "created_at"),
        verb="make reports",
        noun="stored report",
    ),
)


# --- a plain table's section (db/plain.py), from its declaration ----------------------------------


def _plain_field(item: PlainField) -> Field:
    """A plain field in the file: checked as its service checks it, a day as ``YYYY-MM-DD``,
    hours as a number, a license by its key fields."""
    from cpe_desktop.services import plain_rows  # (read only where there is a plain table)

    if item.kind == "license":
        return refers("license", LICENSE)
    write: Callable[[Any], Any] = _as_is
    if item.kind == "date":
        write = day(item.key).write
    elif item.kind == "decimal":
        write = decimal(item.key).write
    return Field(item.key, lambda v, raw, _: plain_rows.read(v, item), write)


def plain_section(table: PlainTable) -> Section:
    return Section(
        table.name,
        PLAIN_MODELS[table.name],
        table.one,
        table.name,
        tuple(_plain_field(item) for item in table.fields),
        order=("created_at",),
        match=table.matched_on,
        verb=f"add {table.several_words}",
    )


SECTIONS += tuple(plain_section(table) for table in PLAIN_TABLES if table.moves_with_account)


# --- the codec ------------------------------------------------------------------------------------


def write(section: Section, user_id: int) -> list[dict[str, Any]]:
    """The person's rows of the section, as the file holds them."""
    model = section.model
    found = model.select().where(model.user == user_id)  # type: ignore[attr-defined]

    def order(row: peewee.Model) -> tuple[Any, ...]:
        return (*(moment_text(getattr(row, name)) for name in section.order), row.get_id())

    return [
        {f.key: f.write(getattr(row, f.attribute)) for f in section.fields}
        for row in sorted(found, key=order)
    ]


def check(
    section: Section, value: Any, path: str, errors: dict[str, str], found: Found
) -> list[Item]:
    """The person's items of the section (at ``path``), each checked; problems into ``errors``."""
    items: list[Item] = []
    where = f"{path}.{section.name}"
    for index, raw in enumerate(list_at(value, where, section.name, errors)):
        item_path = f"{where}[{index}]"
        if not object_at(raw, item_path, section.one_in_words, errors):
            continue
        v = validator(raw, section.keys)
        values = {f.attribute: f.read(v, raw, found) for f in section.fields}
        if section.check is not None:
            section.check(v, values)
        collect(v, item_path, errors)
        if not v.errors:
            given = {name: None if value is MISSING else value for name, value in values.items()}
            items.append(Item(item_path, given))
    return items


def import_item(
    ctx: ServiceContext,
    section: Section,
    user_id: int,
    item: Item,
    targets: Targets,
    summary: ImportSummary,
) -> None:
    """Write the item unless the person has it already (counted as added or skipped)."""
    values = dict(item.values)
    for f in section.fields:
        if f.refers_to is not None and values[f.attribute] is not None:
            values[f.attribute] = targets[f.refers_to.what][values[f.attribute]]
    count = summary.section(section.name, section.summary_noun)
    if _already_there(section, user_id, values):
        count.skipped += 1
        return
    section.create(ctx, section, user_id, values, item.path)
    count.added += 1


def _already_there(section: Section, user_id: int, values: dict[str, Any]) -> bool:
    model = section.model
    same = [getattr(model, name) == values[name] for name in section.match]
    if model.select().where(model.user == user_id, *same).exists():  # type: ignore[attr-defined]
        return True
    if section.unique is None or not values.get(section.unique):
        return False
    column = getattr(model, section.unique)
    return model.select().where(column == values[section.unique]).exists()


__all__ = [
    "LICENSE",
    "RECORD",
    "SECTIONS",
    "Field",
    "Item",
    "Reference",
    "Section",
    "check",
    "import_item",
    "write",
]
