"""The service of every plain table (``db/plain.py``): create, update, delete and get a row.

Each field is checked by its kind, as the declaration says (required, length, bounds, one of
the choices, a license of the same person); every problem is reported at once under the
field's key. Members act only on their own rows, administrators on anyone's. Each change is
one transaction with its audit entry (``editing/rows.py``), named by the table's ``one``, and
reports the table's kind of change (its name) with the audit log's.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from cpe_desktop.db.models import PLAIN_MODELS, License, database
from cpe_desktop.db.plain import PlainField, PlainTable
from cpe_desktop.services.changes import AUDIT, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, present

MAX_ID = 2**31 - 1  # ids beyond a database integer are refused, not sent to the database


def model_of(table: PlainTable) -> Any:
    """The table's model (``db.models.PLAIN_MODELS``)."""
    return PLAIN_MODELS[table.name]


def changed(table: PlainTable) -> Changes:
    return Changes.of(table.name, AUDIT)


def keys(table: PlainTable) -> tuple[str, ...]:
    """The keys the service takes: the owner's and each field's column."""
    return ("user_id", *(item.column for item in table.fields))


def create(table: PlainTable, ctx: ServiceContext, data: dict[str, Any]) -> Outcome[Any]:
    with database.atomic():
        values = _validate(ctx, table, data, partial=False)
        ctx.require_owner(values["user"], f"add {table.several_words}")
        _check_license(table, values["user"], values)
        row = rows.create(ctx, model_of(table), values, table.one)
    return Outcome(row, changed(table))


def update(table: PlainTable, ctx: ServiceContext, pk: int, data: dict[str, Any]) -> Outcome[Any]:
    with database.atomic():
        row = get(table, ctx, pk, f"change the {table.several_words}")
        values = _validate(ctx, table, data, partial=True)
        if "user" in values and values["user"] != row.user_id:
            ctx.require_owner(values["user"], f"move {table.several_words}")
        _check_license(table, values.get("user", row.user_id), values)
        rows.update(ctx, row, values, table.one)
    return Outcome(row, changed(table))


def delete(table: PlainTable, ctx: ServiceContext, pk: int) -> Outcome[None]:
    with database.atomic():
        row = get(table, ctx, pk, f"remove the {table.several_words}")
        rows.delete(ctx, row, table.one)
    return Outcome(None, changed(table))


def get(table: PlainTable, ctx: ServiceContext, pk: int, what: str = "") -> Any:
    row = rows.get_or_missing(model_of(table), pk, table.one_words)
    ctx.require_owner(row.user_id, what or f"see the {table.several_words}")
    return row


def _validate(
    ctx: ServiceContext, table: PlainTable, data: dict[str, Any], *, partial: bool
) -> dict[str, Any]:
    v = Validator(data, keys(table), partial=partial)
    values: dict[str, Any] = {item.key: read(v, item) for item in table.fields}
    rows.read_owner(v, ctx, values, partial=partial)
    v.done()
    return present(values)


def read(v: Validator, item: PlainField) -> Any:
    """One field's value as its kind says (MISSING when absent on update, or wrong)."""
    name, required = item.column, item.required
    if item.kind in ("text", "multiline"):
        return v.text(name, required=required, max_length=item.longest)
    if item.kind == "choice":
        return v.choice(name, item.choices, required=required)
    if item.kind == "date":
        return v.date(name, required=required)
    if item.kind == "integer":
        return v.integer(name, required=required, minimum=item.minimum, maximum=item.maximum)  # type: ignore[arg-type]
    if item.kind == "decimal":
        return v.decimal(name, required=required, minimum=item.minimum, maximum=item.maximum)
    if item.kind == "bool":
        value = v.boolean(name)
        return bool(item.default) if value is None else value
    value = v.integer(name, minimum=1, maximum=MAX_ID)  # "license"
    if isinstance(value, int) and not License.select().where(License.license_id == value).exists():
        v.error(name, f"there is no license with id {value}")
        return MISSING
    return value


def _check_license(table: PlainTable, owner: int, values: dict[str, Any]) -> None:
    """A row's license is one of its own person's."""
    license_id = values.get("license")
    if license_id is None:
        return
    holder = License.select(License.user).where(License.license_id == license_id).scalar()
    if holder != owner:
        raise ValidationError("license_id", "must be a license of the same person")


def demo_values(
    table: PlainTable, row: dict[str, Any], day: dt.date, license_id: int | None
) -> dict[str, Any]:
    """A declared demo row as the service takes it: a whole number for a day is that many days
    from ``day``; ``True`` for a license is ``license_id`` (left out when None)."""
    data: dict[str, Any] = {}
    for key, value in row.items():
        item = table.field(key)
        if item.kind == "date" and isinstance(value, int):
            value = (day + dt.timedelta(days=value)).isoformat()
        if item.kind == "license":
            if license_id is None:
                continue
            value = license_id if value is True else value
        data[item.column] = value
    return data
