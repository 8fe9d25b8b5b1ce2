"""Create / update / delete one row with its audit entry, the pattern every service shares.

Each helper runs in a transaction (a savepoint when the caller already holds one), stamps
``created_at``/``updated_at`` where the table has them, and turns a uniqueness clash into a
:class:`Conflict` that names what clashed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

import peewee

from cpe_desktop.db.models import User, database
from cpe_desktop.db.typed import primary_key
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import Conflict, NotFound
from cpe_desktop.services.validation import Validator

M = TypeVar("M", bound=peewee.Model)


@contextmanager
def integrity_as_conflict(what: str) -> Iterator[None]:
    try:
        yield
    except peewee.IntegrityError as exc:
        raise Conflict(f"{what} clashes with existing data ({_short(exc)}).") from exc


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


def read_owner(v: Validator, ctx: ServiceContext, values: dict[str, Any], *, partial: bool) -> None:
    """Put the owning person in ``values["user"]``: ``user_id`` when given (it must exist), else
    the actor on create. Permission to act for that person is checked by the caller."""
    if v.has("user_id"):
        user_id = v.integer("user_id", required=True, minimum=1)
        if isinstance(user_id, int) and not User.select().where(User.user_id == user_id).exists():
            v.error("user_id", f"there is no person with id {user_id}")
        values["user"] = user_id
    elif not partial:
        values["user"] = ctx.actor.user_id
        if ctx.actor.user_id is None:
            v.error("user_id", "is required")


def get_or_missing(model: type[M], key: Any, label: str) -> M:
    instance = model.get_or_none(model._meta.primary_key == key)
    if instance is None:
        raise NotFound(f"There is no {label} with id {key}.")
    return instance


def create(ctx: ServiceContext, model: type[M], values: dict[str, Any], entity: str, **extra) -> M:
    now = ctx.now()
    fields = model._meta.fields
    if "created_at" in fields:
        values.setdefault("created_at", now)
    if "updated_at" in fields:
        values.setdefault("updated_at", now)
    with ctx_atomic(), integrity_as_conflict(f"This {entity.replace('_', ' ')}"):
        instance = model.create(**values)
        audit.write(ctx, "create", entity, _pk(instance), None, audit.snapshot(instance, **extra))
    return instance


def update(
    ctx: ServiceContext,
    instance: M,
    values: dict[str, Any],
    entity: str,
    *,
    before_extra: dict[str, Any] | None = None,
    after_extra: dict[str, Any] | None = None,
) -> M:
    before = audit.snapshot(instance, **(before_extra or {}))
    for name, value in values.items():
        setattr(instance, name, value)
    if "updated_at" in instance._meta.fields:
        instance.updated_at = ctx.now()  # type: ignore[attr-defined]  # checked on the line above
    with ctx_atomic(), integrity_as_conflict(f"This {entity.replace('_', ' ')}"):
        save_row(instance, entity)
        audit.write(
            ctx,
            "update",
            entity,
            _pk(instance),
            before,
            audit.snapshot(instance, **(after_extra or {})),
        )
    return instance


VERSION = "row_version"  # schema 8: on every row a form edits


def save_row(instance: peewee.Model, entity: str) -> None:
    """Write a changed row back (the caller's transaction and audit entry around it).

    A row with a version (schema 8) is written only where it still has the version
    ``instance`` was read with, and the version is bumped: a row another desk saved meanwhile
    is refused (:class:`Conflict`), never overwritten. Other rows are saved as they are."""
    if VERSION not in instance._meta.fields:
        instance.save()
        return
    row: Any = instance  # a model with a version (checked above); no common class declares it
    model = type(row)
    read: int = row.row_version
    pk = primary_key(model)
    columns = {
        field: instance.__data__.get(name)
        for name, field in model._meta.fields.items()
        if field is not pk and name != VERSION and name in instance.__data__  # as save() does
    }
    written = (
        model.update({**columns, model.row_version: read + 1})
        .where((pk == instance.get_id()) & (model.row_version == read))
        .execute()
    )
    if written != 1:
        raise Conflict(
            f"This {entity.replace('_', ' ')} was changed or deleted by someone else while it was "
            "being saved; nothing was written. Open it again to see it as it is now."
        )
    row.row_version = read + 1


def delete(ctx: ServiceContext, instance: peewee.Model, entity: str, **extra) -> None:
    before = audit.snapshot(instance, **extra)
    with ctx_atomic(), integrity_as_conflict(f"Deleting this {entity.replace('_', ' ')}"):
        instance.delete_instance()
        audit.write(ctx, "delete", entity, _pk(instance), before, None)


def _pk(instance: peewee.Model) -> Any:
    pk = primary_key(type(instance))
    if isinstance(pk, peewee.CompositeKey):
        return "/".join(str(instance.__data__.get(name)) for name in pk.field_names)
    return instance.__data__.get(pk.name)


def ctx_atomic():
    """The transaction (or savepoint) a mutation runs in."""
    return database.atomic()
