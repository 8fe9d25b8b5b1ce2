"""Fields administrators add to people, credentials, licenses and records, with typed values.

Values are stored as text in ``custom_field_values`` and checked against the field's type on the
way in, so what comes out always parses.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from cpe_desktop.db.models import (
    CpeRecord,
    Credential,
    CustomField,
    CustomFieldValue,
    License,
    User,
    database,
)
from cpe_desktop.services.changes import AUDIT, CUSTOM_FIELDS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import Conflict, NotFound, ValidationError
from cpe_desktop.services.validation import (
    MISSING,
    Validator,
    parse_bounded_decimal,
    parse_date,
    parse_whole_number,
    present,
)

ENTITIES = {"user": User, "credential": Credential, "license": License, "record": CpeRecord}
FIELD_TYPES = ("text", "integer", "decimal", "date", "boolean", "choice")
# What a field can be added to, in words (one, several); the stored names are for the program.
ENTITY_WORDS = {
    "user": ("Person", "people"),
    "credential": ("Credential type", "credential types"),
    "license": ("License", "licenses"),
    "record": ("CPE record", "CPE records"),
}
# Each type in the words a person chooses it by (the stored names are for the program).
FIELD_TYPE_LABELS = {
    "text": "Text",
    "integer": "Whole number",
    "decimal": "Number (decimals allowed)",
    "date": "Date",
    "boolean": "Yes/No",
    "choice": "One of a list",
}
FIELDS = ("entity", "field_name", "field_type", "options", "required")


def choices_text(options: str | None) -> str:
    """A choice field's choices as people read them: ``Basic, Advanced`` (stored as a JSON
    list); a value damaged outside the program is shown as stored."""
    try:
        values = json.loads(options or "[]")
    except ValueError:
        return str(options)
    if not isinstance(values, list):
        return str(options)
    return ", ".join(str(value) for value in values)


CHANGED = Changes.of(CUSTOM_FIELDS, AUDIT)
_KIND_OF_ENTITY = {
    "user": "users",
    "credential": "credentials",
    "license": "licenses",
    "record": "records",
}


def _validate(data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values = {
        "entity": v.choice("entity", ENTITIES, required=True),
        "field_name": v.text("field_name", required=True, max_length=100),
        "field_type": v.choice("field_type", FIELD_TYPES, required=True),
        "required": v.boolean("required") if v.has("required") else MISSING,
        "options": MISSING,
    }
    if v.has("options"):
        options = data["options"]
        if options is None:
            values["options"] = None
        elif (
            isinstance(options, list)
            and options
            and all(isinstance(o, str) and o.strip() for o in options)
        ):
            values["options"] = json.dumps([o.strip() for o in options])
        else:
            v.error("options", "must be a list of choices (text)")
    if values["field_type"] == "choice" and values["options"] in (MISSING, None) and not partial:
        v.error("options", "a choice field needs its list of choices")
    v.done()
    values = present(values)
    if values.get("required") is None:
        values.pop("required", None)
    return values


def parse_value(field: CustomField, value: Any) -> Any:
    """``value`` as the field's type; ValueError with a plain message when it does not fit."""
    if field.field_type == "text":
        text = str(value).strip()
        if len(text) > 2000:
            raise ValueError("must be at most 2000 characters")
        if any(ord(ch) < 32 and ch not in "\t\n\r" for ch in text):
            raise ValueError("contains control characters")
        return text
    if field.field_type == "integer":
        return parse_whole_number(value)
    if field.field_type == "decimal":
        return parse_bounded_decimal(value)
    if field.field_type == "date":
        return parse_date(value)
    if field.field_type == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "yes", "1"):
            return True
        if text in ("false", "no", "0"):
            return False
        raise ValueError("must be yes or no")
    if field.field_type == "choice":
        options = json.loads(field.options or "[]")
        text = str(value).strip()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text
    raise ValueError(f"unknown field type {field.field_type}")


def _dump(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def list_fields(entity: str | None = None) -> list[CustomField]:
    query = CustomField.select().order_by(CustomField.entity, CustomField.field_name)
    if entity is not None:
        query = query.where(CustomField.entity == entity)
    return list(query)


def define_field(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[CustomField]:
    with database.atomic():
        ctx.require_admin("add custom fields")
        values = _validate(data, partial=False)
        if (
            CustomField.select()
            .where(
                (CustomField.entity == values["entity"])
                & (CustomField.field_name == values["field_name"])
            )
            .exists()
        ):
            raise ValidationError("field_name", f"{values['field_name']!r} already exists")
        field = rows.create(ctx, CustomField, values, "custom_field")
    return Outcome(field, CHANGED)


def update_field(
    ctx: ServiceContext, custom_field_id: int, data: dict[str, Any]
) -> Outcome[CustomField]:
    with database.atomic():
        ctx.require_admin("change custom fields")
        field = rows.get_or_missing(CustomField, custom_field_id, "custom field")
        values = _validate(data, partial=True)
        if "entity" in values and values["entity"] != field.entity and field.values.count():
            raise Conflict("This field already has values; it cannot move to another kind of item.")
        changed_type = {k: values[k] for k in ("field_type", "options") if k in values}
        if changed_type:
            probe = CustomField(field_type=field.field_type, options=field.options)
            for key, value in changed_type.items():
                setattr(probe, key, value)
            # Name the key the person changed: the type if they changed it, else the options.
            blame = "field_type" if "field_type" in changed_type else "options"
            if probe.field_type == "choice" and not json.loads(probe.options or "[]"):
                raise ValidationError("options", "a choice field needs its list of choices")
            for stored in field.values:
                try:
                    parse_value(probe, stored.value)
                except ValueError:
                    raise ValidationError(
                        blame,
                        f"the stored value {stored.value!r} would not fit; change it first",
                    ) from None
        rows.update(ctx, field, values, "custom_field")
    return Outcome(field, CHANGED)


def delete_field(ctx: ServiceContext, custom_field_id: int) -> Outcome[None]:
    with database.atomic():
        ctx.require_admin("remove custom fields")
        field = rows.get_or_missing(CustomField, custom_field_id, "custom field")
        rows.delete(ctx, field, "custom_field", values_removed=field.values.count())
    return Outcome(None, CHANGED)


def _owner_of(entity: str, entity_id: int) -> int | None:
    """The person an item belongs to; None for shared catalogue items (credentials)."""
    model = ENTITIES[entity]
    item: Any = model.get_or_none(model._meta.primary_key == entity_id)  # each has a user_id
    if item is None:
        raise NotFound(f"There is no {entity} with id {entity_id}.")
    if entity == "user":
        return item.user_id
    if entity == "credential":
        return None
    return item.user_id


def set_value(
    ctx: ServiceContext, custom_field_id: int, entity_id: int, value: Any
) -> Outcome[Any]:
    """Set (or, with None/empty, clear) one field's value on one item."""
    with database.atomic():
        field = rows.get_or_missing(CustomField, custom_field_id, "custom field")
        owner = _owner_of(field.entity, entity_id)
        if owner is None:
            ctx.require_admin("change credential types")
        else:
            ctx.require_owner(owner, f"change the {field.entity} details")
        stored = CustomFieldValue.get_or_none(
            (CustomFieldValue.custom_field == field) & (CustomFieldValue.entity_id == entity_id)
        )
        empty = value is None or (isinstance(value, str) and not value.strip())
        if empty:
            if field.required:
                raise ValidationError(field.field_name, "is required")
            if stored is not None:
                rows.delete(ctx, stored, "custom_field_value")
            return Outcome(None, CHANGED | _entity_change(field.entity))
        try:
            typed = parse_value(field, value)
        except ValueError as exc:
            raise ValidationError(field.field_name, str(exc)) from None
        text = _dump(typed)
        if stored is None:
            rows.create(
                ctx,
                CustomFieldValue,
                {"custom_field": field, "entity_id": entity_id, "value": text},
                "custom_field_value",
            )
        elif stored.value != text:
            rows.update(ctx, stored, {"value": text}, "custom_field_value")
    return Outcome(typed, CHANGED | _entity_change(field.entity))


def _entity_change(entity: str) -> Changes:
    return Changes.of(_KIND_OF_ENTITY[entity])


def remove_values_for(entity: str, entity_ids: list[int]) -> int:
    """Delete the custom values of items being deleted (call inside their transaction)."""
    if not entity_ids:
        return 0
    fields = CustomField.select(CustomField.custom_field_id).where(CustomField.entity == entity)
    return (
        CustomFieldValue.delete()
        .where(
            CustomFieldValue.custom_field.in_(fields) & CustomFieldValue.entity_id.in_(entity_ids)
        )
        .execute()
    )


def values_for(entity: str, entity_id: int) -> dict[str, Any]:
    """``{field_name: typed value}`` for one item."""
    out: dict[str, Any] = {}
    query = (
        CustomFieldValue.select(CustomFieldValue, CustomField)
        .join(CustomField)
        .where((CustomField.entity == entity) & (CustomFieldValue.entity_id == entity_id))
    )
    for stored in query:
        try:
            out[stored.custom_field.field_name] = parse_value(stored.custom_field, stored.value)
        except ValueError:
            out[stored.custom_field.field_name] = stored.value
    return out
