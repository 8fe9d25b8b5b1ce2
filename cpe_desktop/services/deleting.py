"""Deleting several rows of one table at once, all or none, with words for the confirmation.

The table views ask :func:`question` (or :func:`describe`) what the user is about to lose, in
words, confirm, then call
:func:`delete_many`, which runs every row's own service delete (its checks and audit entry) inside
one transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import peewee

from cpe_desktop.db import models
from cpe_desktop.db.models import database
from cpe_desktop.db.typed import primary_key
from cpe_desktop.rules.wording import day_text
from cpe_desktop.services import (
    credentials,
    custom_fields,
    licenses,
    notifications,
    records,
    requirements,
    users,
)
from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ServiceError


def _reminder_delete(ctx: ServiceContext, pk: int) -> Outcome:
    from cpe_desktop.services import reminders

    return reminders.delete_reminder(ctx, pk)


_DELETE: dict[str, Callable[[ServiceContext, int], Outcome]] = {
    "users": users.delete_user,
    "credentials": credentials.delete_credential,
    "licenses": licenses.delete_license,
    "records": records.delete_record,
    "requirements": requirements.delete_requirement,
    "custom_fields": custom_fields.delete_field,
    "notifications": lambda ctx, pk: notifications.delete_notifications(ctx, [pk]),
    "reminders": _reminder_delete,
}


def _record(record: models.CpeRecord) -> str:
    return f"“{record.title}” ({day_text(record.completed_on)})"


def _license(lic: models.License) -> str:
    number = f" (no. {lic.license_number})" if lic.license_number else ""
    return f"{lic.credential.code} in {lic.jurisdiction}{number}"


# What each table's rows are called (one, several) and how one is named in a sentence.
# (Each label takes its own model, hence Any.)
_MODEL_AND_LABEL: dict[str, tuple[type[peewee.Model], Callable[[Any], str]]] = {
    "users": (models.User, lambda u: f"{u.name} <{u.email}> and all of their data"),
    "credentials": (models.Credential, lambda c: f"{c.code} and its requirement rules"),
    "licenses": (models.License, _license),
    "records": (models.CpeRecord, _record),
    "requirements": (
        models.StateRequirement,
        lambda s: f"{s.credential.code} in {s.state_name}",
    ),
    "custom_fields": (
        models.CustomField,
        lambda f: (
            f"“{f.field_name}” of "
            f"{custom_fields.ENTITY_WORDS.get(f.entity, (f.entity, f.entity + 's'))[1]}"
            " and all its values"
        ),
    ),
    "notifications": (models.Notification, lambda n: f"“{n.message[:60]}”"),
    "reminders": (models.Reminder, lambda r: f"“{r.message[:60]}”"),
}
_NOUNS: dict[str, tuple[str, str]] = {
    "users": ("person", "people"),
    "credentials": ("credential type", "credential types"),
    "licenses": ("license", "licenses"),
    "records": ("record", "records"),
    "requirements": ("requirement rule", "requirement rules"),
    "custom_fields": ("custom field", "custom fields"),
    "notifications": ("notification", "notifications"),
    "reminders": ("reminder", "reminders"),
}

DELETABLE = frozenset(_DELETE)


def describe(table: str, pks: Sequence[int], limit: int = 5) -> list[str]:
    """Plain descriptions of the first ``limit`` rows, plus "… and N more"."""
    model, label = _MODEL_AND_LABEL[table]
    unique = list(dict.fromkeys(pks))
    found = model.select().where(primary_key(model).in_(unique[:limit]))
    lines = [label(item) for item in found]
    if len(unique) > limit:
        lines.append(f"… and {len(unique) - limit} more")
    return lines


def question(table: str, pks: Sequence[int], limit: int = 5) -> str:
    """The confirmation's question in words: "Delete the record “Tax update” (3/2/2026)?", or
    "Delete these 3 records?" with a line for each (the first ``limit``)."""
    one, several = _NOUNS[table]
    lines = describe(table, pks, limit)
    count = len(dict.fromkeys(pks))
    if count == 1 and lines:
        return f"Delete the {one} {lines[0]}?"
    return f"Delete these {count} {several}?\n\n• " + "\n• ".join(lines)


def delete_many(ctx: ServiceContext, table: str, pks: Sequence[int]) -> Outcome[int]:
    """Delete every row in ``pks`` or none of them."""
    if table not in _DELETE:
        raise ServiceError(f"Rows of {table} cannot be deleted here.")
    changes = Changes()
    unique = list(dict.fromkeys(pks))
    with database.atomic():
        for pk in unique:
            changes |= _DELETE[table](ctx, pk).changes
    return Outcome(len(unique), changes)
