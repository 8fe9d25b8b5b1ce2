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

from cpe_desktop.db.models import database
from cpe_desktop.db.typed import primary_key
from cpe_desktop.services.changes import Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import entities
from cpe_desktop.services.errors import ServiceError

# Derived from the entity registry (services/editing/entities.py), by table view name.
_DELETE: dict[str, entities.Delete] = {e.table: e.delete for e in entities.ENTITIES}
# What each table's rows are called (one, several) and how one is named in a sentence.
_MODEL_AND_LABEL: dict[str, tuple[type[peewee.Model], Callable[[Any], str]]] = {
    e.table: (e.model, e.describe) for e in entities.ENTITIES
}
_NOUNS: dict[str, tuple[str, str]] = {e.table: (e.one, e.several) for e in entities.ENTITIES}

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
