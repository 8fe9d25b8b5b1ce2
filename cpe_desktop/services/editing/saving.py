"""What an add/edit form does on Save and on opening, for every editable kind of item.

A form holds an item's own fields and its custom-field values; saving them must be all or
nothing, so :func:`save_entity` runs the item's create/update and every custom value in one
transaction, and reports every problem at once under the form's own keys (custom values as
``custom:<custom_field_id>``). :func:`load_entity` gives a form the item's current values.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import peewee

from cpe_desktop.db.models import (
    AuditLog,
    CustomField,
    CustomFieldValue,
    User,
    database,
)
from cpe_desktop.services import custom_fields
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import entities
from cpe_desktop.services.errors import StaleEdit, ValidationError

CUSTOM_PREFIX = "custom:"

# Derived from the entity registry (services/editing/entities.py): each editable kind's create and
# update, and its table, whose ``row_version`` says whether a form's copy is still the stored one.
SAVERS: dict[str, tuple[entities.Create, entities.Update]] = {
    e.name: (e.create, e.update)
    for e in entities.EDITABLE
    if e.create is not None and e.update is not None
}
ENTITIES = tuple(SAVERS)
MODELS: dict[str, type[peewee.Model]] = {e.name: e.model for e in entities.EDITABLE}
VERSION_KEY = "row_version"  # in ``load_entity``'s values: the version the form opened
# Kinds of item that can carry custom fields.
CUSTOMIZABLE = tuple(e.name for e in entities.ENTITIES if e.custom_fields)


def custom_key(custom_field_id: int) -> str:
    return f"{CUSTOM_PREFIX}{custom_field_id}"


def _field_id(key: int | str) -> int:
    if isinstance(key, int):
        return key
    text = key[len(CUSTOM_PREFIX) :] if key.startswith(CUSTOM_PREFIX) else key
    try:
        return int(text)
    except ValueError:
        raise ValueError(f"not a custom field key: {key!r}") from None


def _is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _precheck(entity: str, values: Mapping[int, Any]) -> dict[str, str]:
    """The errors of the custom values, found before anything is written."""
    errors: dict[str, str] = {}
    for field_id, value in values.items():
        field = CustomField.get_or_none(CustomField.custom_field_id == field_id)
        if field is None or field.entity != entity:
            errors[custom_key(field_id)] = f"is not a custom field of {entity} items"
            continue
        if _is_empty(value):
            if field.required:
                errors[custom_key(field_id)] = "is required"
            continue
        try:
            custom_fields.parse_value(field, value)
        except ValueError as exc:
            errors[custom_key(field_id)] = str(exc)
    return errors


def save_entity(
    ctx: ServiceContext,
    entity: str,
    pk: int | None,
    data: dict[str, Any],
    custom_values: Mapping[int, Any] | Mapping[str, Any] | None = None,
    *,
    expected_version: int | None = None,
) -> Outcome:
    """Create (``pk`` None) or update one item and set its custom values, all or nothing.

    ``expected_version`` is the ``row_version`` the form opened (``load_entity``'s
    ``"row_version"``): when the item has another one now, someone saved it meanwhile and
    :class:`StaleEdit` is raised with the item as it is now, nothing written. The row is locked
    while it is checked and written (PostgreSQL ``FOR UPDATE``; SQLite's write transactions
    are taken at their start), so two desks cannot both pass the check.

    ``custom_values`` maps a custom field id (or ``"custom:<id>"``) to its value; empty clears
    it. Only the values given are touched. Raises ValidationError with every problem found: the
    service's own keys plus ``custom:<id>`` for custom values; PermissionDenied, Conflict and
    NotFound pass through. The returned Outcome is the service's, with the custom values'
    changes added.
    """
    if entity not in SAVERS:
        raise ValueError(f"cannot edit {entity!r} items (known: {', '.join(ENTITIES)})")
    wanted = {_field_id(key): value for key, value in (custom_values or {}).items()}
    if wanted and entity not in CUSTOMIZABLE:
        raise ValueError(f"{entity} items have no custom fields")
    create, update = SAVERS[entity]
    with database.atomic():
        if pk is not None and expected_version is not None:
            _check_version(ctx, entity, pk, expected_version)
        custom_errors = _precheck(entity, wanted)
        try:
            outcome = create(ctx, dict(data)) if pk is None else update(ctx, pk, dict(data))
        except ValidationError as exc:
            raise ValidationError({**exc.errors, **custom_errors}) from None
        if custom_errors:
            raise ValidationError(custom_errors)
        entity_id = outcome.value.get_id()
        changes = outcome.changes
        for field_id, value in wanted.items():
            try:
                result = custom_fields.set_value(ctx, field_id, entity_id, value)
            except ValidationError as exc:
                message = next(iter(exc.errors.values()))
                raise ValidationError(custom_key(field_id), message) from None
            changes = changes | result.changes
    return Outcome(outcome.value, changes, outcome.warnings)


def save_record_with_certificate(
    ctx: ServiceContext,
    record_id: int | None,
    data: dict[str, Any],
    custom_values: Mapping[int, Any] | Mapping[str, Any] | None = None,
    certificate_path: str | os.PathLike[str] | None = None,
    *,
    owner_id: int | None = None,
    expected_version: int | None = None,
) -> Outcome:
    """The record form's Save: store the certificate file at ``certificate_path`` (when given)
    as ``owner_id``'s and save the record pointing at it (``attachment_id``), in one
    transaction, or nothing.

    The record is saved by :func:`save_entity` (``record_id`` None creates one), with the same
    ``custom_values`` and ``expected_version``: a :class:`StaleEdit` or a ValidationError rolls
    the certificate's row back too, so a certificate is only kept with a record that was saved
    (its content-addressed file may stay in the data folder, where an unreferenced file is
    harmless). ValidationError keys are the record's, ``custom:<id>``, and ``certificate`` for
    the file. The Outcome's changes include the attachment's.
    """
    with database.atomic():
        stored = None
        if certificate_path is not None:
            if owner_id is None:
                raise ValidationError("user_id", "is required")
            stored = attachments.store_certificate(ctx, owner_id, certificate_path)
            data = {**data, "attachment_id": stored.value.attachment_id}
        outcome = save_entity(
            ctx, "record", record_id, data, custom_values, expected_version=expected_version
        )
    changes = outcome.changes | (stored.changes if stored is not None else Changes())
    return Outcome(outcome.value, changes, outcome.warnings)


def _check_version(ctx: ServiceContext, entity: str, pk: int, expected: int) -> None:
    model: Any = MODELS[entity]  # each has a row_version
    query = model.select(model.row_version).where(model._meta.primary_key == pk)
    if isinstance(database.obj, peewee.PostgresqlDatabase):
        query = query.for_update()
    current = query.scalar()
    if current is None or current == expected:
        return  # unchanged, or gone (the update says it is gone)
    last = (
        AuditLog.select(AuditLog.timestamp, User.name)
        .join(User, peewee.JOIN.LEFT_OUTER)
        .where((AuditLog.entity == entity) & (AuditLog.entity_id == str(pk)))
        .order_by(AuditLog.log_id.desc())
        .tuples()
        .first()
    )
    when, who = last if last is not None else (None, None)
    raise StaleEdit(
        f"{who or 'Someone else'} saved this {entity.replace('_', ' ')} after you opened it; "
        "nothing of yours was written.",
        theirs=load_entity(ctx, entity, pk),
        version=current,
        who=who,
        when=when,
    )


def _custom_values(entity: str, entity_id: int) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if entity not in CUSTOMIZABLE:
        return out
    stored = {
        row.custom_field_id: row
        for row in CustomFieldValue.select().where(CustomFieldValue.entity_id == entity_id)
    }
    for field in custom_fields.list_fields(entity):
        row = stored.get(field.custom_field_id)
        value = None
        if row is not None and row.value is not None:
            try:
                value = custom_fields.parse_value(field, row.value)
            except ValueError:
                value = row.value
        out[custom_key(field.custom_field_id)] = value
    return out


_LOADERS = {e.name: e.loader for e in entities.ENTITIES if e.loader is not None}


def load_entity(ctx: ServiceContext, entity: str, pk: int) -> dict[str, Any]:
    """The item's current values for a form: interchange-style keys, dates as ``date`` objects,
    each custom field of the kind under ``custom:<id>`` (None when unset). Checks the actor may
    see the item (PermissionDenied / NotFound otherwise)."""
    if entity not in _LOADERS:
        raise ValueError(f"cannot edit {entity!r} items (known: {', '.join(ENTITIES)})")
    model: Any = MODELS[entity]  # each has a row_version
    version = model.select(model.row_version).where(model._meta.primary_key == pk).scalar()
    return _LOADERS[entity](ctx, pk) | _custom_values(entity, pk) | {VERSION_KEY: version}
