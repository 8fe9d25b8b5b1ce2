"""A plain table, declared once: a person's rows of a few fields and no rules of their own.

Most tables a firm might add (planned courses, memberships, study notes …) are a person's
rows of plain fields: text, a day, hours, a choice from a list, a yes/no, one of the person's
licenses. For such a table the whole program follows from one :class:`PlainTable` in a module
of ``db/plain_tables/`` (ARCHITECTURE.md §5, "Add a plain table"):

- its model (:func:`build_model`, put in ``db.models.ALL_MODELS``): a key, the owner
  (``user_id``, removed with the person), a column per field, ``row_version``, ``created_at``
  and ``updated_at``;
- its kind of change (``services.changes.TABLE_KINDS``: the table's name);
- its service (``services/plain_rows.py``: create, update, delete and get, each field checked
  by its kind, the owner's permission, an audit entry);
- its tab (``services/tables/specs.PRIMARY_SPECS``), its add/edit form
  (``services/editing/forms.plain_form``) and its delete confirmation
  (``services/editing/entities.ENTITIES``);
- its rows in the demo firm (``demo``) and, unless ``moves_with_account`` is False, its section
  of a person's export and import (``services/interchange/sections.SECTIONS``).

A table with rules across its fields, jobs acting on its rows or rows shared by everyone
follows the full checklist instead. Only its migration step is written apart, by hand: a
step freezes the table as it was created, whatever the declaration says later.

Nothing here imports the rest of the program: ``db.models`` builds the models from these
declarations, and the services read them.
"""

from __future__ import annotations

import decimal
from dataclasses import dataclass
from typing import Any

import peewee

# What a field may hold. Each kind has its column, its form input, its table column and its
# check (services/plain_rows.py): the names are the form's kinds where they are the same.
FIELD_KINDS = ("text", "multiline", "date", "integer", "decimal", "choice", "bool", "license")
TEXT_KINDS = ("text", "multiline", "choice")


@dataclass(frozen=True)
class PlainField:
    """One field: its column (``key``; a license's column is ``license_id``), its label in the
    form and the tab, and what it may hold."""

    key: str
    label: str
    kind: str = "text"
    required: bool = False
    help: str = ""  # the form's hint: shown greyed in an empty input, and as its tooltip
    choices: tuple[str, ...] = ()  # kind "choice": the values, shown as they are
    max_length: int = 200  # kind "text" ("multiline": 4,000 unless said)
    minimum: decimal.Decimal | int | None = None  # kinds "integer" and "decimal"
    maximum: decimal.Decimal | int | None = None
    default: Any = None  # kind "bool": True or False (None: False)
    in_table: bool = True  # a column of the tab

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"field {self.key!r}: unknown kind {self.kind!r} ({FIELD_KINDS})")
        if (self.kind == "choice") != bool(self.choices):
            raise ValueError(f"field {self.key!r}: choices are for (and needed by) kind choice")
        if self.kind == "license" and self.key != "license":
            raise ValueError(f"field {self.key!r}: a license field's key is 'license'")
        if self.key in _TAKEN:
            raise ValueError(f"field {self.key!r}: every plain table has that column already")

    @property
    def column(self) -> str:
        """Its column in the table, and its key in the service's data ("license_id")."""
        return "license_id" if self.kind == "license" else self.key

    @property
    def longest(self) -> int:
        return 4000 if self.kind == "multiline" and self.max_length == 200 else self.max_length


# Every plain table's own columns (and the owner's key the services take).
_TAKEN = frozenset({"user", "user_id", "row_version", "created_at", "updated_at"})


@dataclass(frozen=True)
class PlainTable:
    """A person's table of plain fields. ``name`` is the table's name, its tab's and its kind
    of change ("planned_courses"); ``one`` one row's name in the audit log and in messages
    ("planned_course", read "planned course"); ``title`` the tab's ("Planned courses").
    ``describe`` is the field naming a row in a delete confirmation (default: the first text
    field); ``default_sort`` the tab's first order (default: the first field, ascending);
    ``demo`` the rows every person of the demo firm gets, the same for each (field key ->
    value, as a form would send them: a day as ``YYYY-MM-DD`` text, or a whole number of days
    from the demo's day, negative for before it; ``True`` for a license field is the person's
    first license); ``match`` the fields that make an imported row one the person has already
    (default: the required fields)."""

    name: str
    one: str
    title: str
    fields: tuple[PlainField, ...]
    empty_text: str
    describe: str = ""
    default_sort: tuple[str, bool] | None = None
    demo: tuple[dict[str, Any], ...] = ()
    moves_with_account: bool = True
    match: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.name.isidentifier() or not self.name.islower():
            raise ValueError(f"plain table {self.name!r}: the name is a lower-case identifier")
        keys = [f.key for f in self.fields]
        if not keys or len(set(keys)) != len(keys):
            raise ValueError(f"plain table {self.name!r}: fields missing or repeated")
        for key in (self.describe, (self.default_sort or ("",))[0], *self.match):
            if key and key not in keys:
                raise ValueError(f"plain table {self.name!r}: unknown field {key!r}")
        if not self.field(self.sort[0]).in_table:
            raise ValueError(f"plain table {self.name!r}: the tab sorts by a column it shows")
        for row in self.demo:
            unknown = set(row) - set(keys)
            if unknown:
                raise ValueError(f"plain table {self.name!r}: demo row names {sorted(unknown)}")

    @property
    def key(self) -> str:
        """The primary key's column ("planned_course_id")."""
        return f"{self.one}_id"

    @property
    def one_words(self) -> str:
        return self.one.replace("_", " ")

    @property
    def several_words(self) -> str:
        return self.name.replace("_", " ")

    @property
    def naming_field(self) -> PlainField:
        """The field that names a row (``describe``, else the first text field, else the first)."""
        if self.describe:
            return self.field(self.describe)
        return next((f for f in self.fields if f.kind in TEXT_KINDS), self.fields[0])

    @property
    def sort(self) -> tuple[str, bool]:
        return self.default_sort or (self.fields[0].key, False)

    @property
    def matched_on(self) -> tuple[str, ...]:
        """The fields an import compares: ``match``, else the required ones, else the first."""
        return (
            self.match or tuple(f.key for f in self.fields if f.required) or (self.fields[0].key,)
        )

    def field(self, key: str) -> PlainField:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)

    @property
    def has_license(self) -> bool:
        return any(f.kind == "license" for f in self.fields)


def build_model(
    table: PlainTable, base: type[peewee.Model], user: type[peewee.Model], license_model: Any
) -> type[peewee.Model]:
    """The table's peewee model, on ``base``: the owner removed with the person, a license
    unset when the license is removed."""
    attributes: dict[str, Any] = {
        table.key: peewee.AutoField(),
        "user": peewee.ForeignKeyField(user, column_name="user_id", on_delete="CASCADE"),
    }
    for item in table.fields:
        attributes[item.key] = _column(item, license_model)
    attributes["row_version"] = peewee.IntegerField(default=1)
    attributes["created_at"] = peewee.DateTimeField()
    attributes["updated_at"] = peewee.DateTimeField()
    attributes["Meta"] = type("Meta", (), {"table_name": table.name})
    attributes["__module__"] = __name__
    class_name = "".join(part.capitalize() for part in table.one.split("_"))
    return type(class_name, (base,), attributes)


def _column(item: PlainField, license_model: Any) -> peewee.Field:
    null: dict[str, Any] = {
        "null": not item.required
    }  # (one dict: the stubs' overloads want a literal)
    if item.kind == "license":
        return peewee.ForeignKeyField(
            license_model, column_name="license_id", null=True, on_delete="SET NULL"
        )
    if item.kind == "multiline":
        return peewee.TextField(**null)
    if item.kind in ("text", "choice"):
        return peewee.CharField(max_length=item.longest, **null)
    if item.kind == "date":
        return peewee.DateField(**null)
    if item.kind == "integer":
        return peewee.IntegerField(**null)
    if item.kind == "decimal":
        return peewee.DecimalField(max_digits=10, decimal_places=2, auto_round=True, **null)
    return peewee.BooleanField(default=bool(item.default))  # "bool"
