"""The audit trail: every create/update/delete writes one entry, inside the same transaction.

Entries say who acted, what kind of thing changed, and its state before and after as JSON.
Secrets (password hashes) never reach the log.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from typing import Any

import peewee

from cpe_desktop.db.models import AuditLog
from cpe_desktop.services.changes import AUDIT, Changes
from cpe_desktop.services.context import ServiceContext

_SECRET_COLUMNS = frozenset({"password_hash"})

AUDIT_CHANGE = Changes.of(AUDIT)


def json_value(value: Any) -> Any:
    """Dates as ISO text and decimals as plain text ("2", "1.5"), the same on every database."""
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return format(value.normalize(), "f")
    return value


def snapshot(instance: peewee.Model, **extra: Any) -> dict[str, Any]:
    """A JSON-safe picture of a row: its columns (secrets masked) plus any ``extra`` facts."""
    picture: dict[str, Any] = {}
    for name, field in instance._meta.fields.items():
        column = field.column_name
        raw = instance.__data__.get(name)
        if column in _SECRET_COLUMNS:
            picture["has_password"] = raw is not None
            continue
        picture[column] = json_value(raw)
    for key, value in extra.items():
        picture[key] = json_value(value) if not isinstance(value, (list, dict)) else value
    return picture


def write(
    ctx: ServiceContext,
    action: str,
    entity: str,
    entity_id: Any,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    details: str | None = None,
) -> AuditLog:
    """Append one audit entry; call inside the mutation's transaction."""
    if details is None and ctx.actor.user_id is None:
        details = f"by {ctx.actor.name}"
    return AuditLog.create(
        user=ctx.actor.user_id,
        action=f"{action} {entity}",
        timestamp=ctx.now(),
        details=details,
        entity=entity,
        entity_id=str(entity_id) if entity_id is not None else None,
        before_json=json.dumps(before, sort_keys=True, default=str) if before is not None else None,
        after_json=json.dumps(after, sort_keys=True, default=str) if after is not None else None,
    )
