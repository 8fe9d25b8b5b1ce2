"""Notifications shown to a person: created by reminders and deadline checks, read and dismissed
by their owner."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from cpe_desktop.db.models import CpeRecord, License, Notification, database
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.changes import AUDIT, NOTIFICATIONS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import Validator, present

NOTIFICATION_KINDS = ("reminder", "deadline", "status", "system")
CHANGED = Changes.of(NOTIFICATIONS, AUDIT)


def create_notification(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[Notification | None]:
    """Add a notification; with a ``dedupe_key`` already used, nothing is added (value None)."""
    v = Validator(data, ("user_id", "message", "kind", "license_id", "record_id", "dedupe_key"))
    values = present(
        {
            "user": v.integer("user_id", required=True, minimum=1),
            "message": v.text("message", required=True, max_length=2000),
            "kind": v.choice("kind", NOTIFICATION_KINDS) if v.has("kind") else "reminder",
            "license": v.integer("license_id", minimum=1),
            "record": v.integer("record_id", minimum=1),
            "dedupe_key": v.text("dedupe_key", max_length=200),
        }
    )
    v.done()
    with database.atomic():
        ctx.require_owner(values["user"], "add notifications")
        # What a notification points at must be its person's own: a member may not hang a
        # notification (and so a link, in the window and in email) on someone else's data.
        _check_belongs(values.get("license"), License, "license_id", "license", values["user"])
        _check_belongs(values.get("record"), CpeRecord, "record_id", "record", values["user"])
        key = values.get("dedupe_key")
        if key and Notification.select().where(Notification.dedupe_key == key).exists():
            return Outcome(None, Changes())
        values.setdefault("status", "pending")
        values["created_at"] = ctx.now()
        if key:
            note = _create_once(ctx, values, key)
            if note is None:
                return Outcome(None, Changes())
        else:
            note = rows.create(ctx, Notification, values, "notification")
    return Outcome(note, CHANGED)


def _create_once(ctx: ServiceContext, values: dict[str, Any], key: str) -> Notification | None:
    """Insert a notification unless one with ``key`` exists, by now, on any desk (None then).

    Another desk may insert the same key between the check above and this insert. A plain
    insert would then fail, and on PostgreSQL a failed statement aborts the caller's whole
    transaction (a daily deadline check makes several warnings in one). ``INSERT … ON CONFLICT
    DO NOTHING`` (``INSERT OR IGNORE`` on SQLite) makes it a no-op instead: on PostgreSQL it
    waits for the other desk's commit and then inserts nothing. The row count says who won.
    """
    inserted = Notification.insert(values).on_conflict_ignore().as_rowcount().execute()
    if inserted != 1:
        return None
    note = Notification.get(Notification.dedupe_key == key)
    audit.write(ctx, "create", "notification", note.notification_id, None, audit.snapshot(note))
    return note


def _check_belongs(key: int | None, model, field: str, label: str, user_id: int) -> None:
    if key is None:
        return
    owner = model.select(model.user).where(model._meta.primary_key == key).scalar()
    if owner is None:
        raise ValidationError(field, f"there is no {label} with id {key}")
    if owner != user_id:
        raise ValidationError(field, "belongs to another person")


def _owned(ctx: ServiceContext, ids: Sequence[int], what: str) -> list[Notification]:
    found = []
    for note_id in dict.fromkeys(ids):
        note = rows.get_or_missing(Notification, note_id, "notification")
        ctx.require_owner(note.user_id, what)
        found.append(note)
    return found


def mark_read(ctx: ServiceContext, ids: Sequence[int], read: bool = True) -> Outcome[int]:
    with database.atomic():
        notes = _owned(ctx, ids, "change the notifications")
        changed = 0
        for note in notes:
            if (note.read_at is not None) != read:
                rows.update(ctx, note, {"read_at": ctx.now() if read else None}, "notification")
                changed += 1
    return Outcome(changed, CHANGED if changed else Changes())


def mark_all_read(ctx: ServiceContext, user_id: int) -> Outcome[int]:
    ctx.require_owner(user_id, "change the notifications")
    unread = Notification.select(Notification.notification_id).where(
        (Notification.user == user_id) & Notification.read_at.is_null()
    )
    return mark_read(ctx, [n.notification_id for n in unread])


def delete_notifications(ctx: ServiceContext, ids: Sequence[int]) -> Outcome[int]:
    with database.atomic():
        notes = _owned(ctx, ids, "remove the notifications")
        for note in notes:
            rows.delete(ctx, note, "notification")
    return Outcome(len(notes), CHANGED)


def unread_count(ctx: ServiceContext, user_id: int) -> int:
    ctx.require_owner(user_id, "see the notifications")
    return (
        Notification.select()
        .where((Notification.user == user_id) & Notification.read_at.is_null())
        .count()
    )


DELIVERY_STATUSES = ("shown", "emailed", "failed")


def mark_delivered(ctx: ServiceContext, note_id: int, how: str) -> Outcome[Notification]:
    """Record that a notification reached its person: ``shown`` on screen, ``emailed``, or
    ``failed``; ``sent_at`` is the first time it was delivered."""
    if how not in DELIVERY_STATUSES:
        raise ValidationError("status", f"must be one of {', '.join(DELIVERY_STATUSES)}")
    with database.atomic():
        (note,) = _owned(ctx, [note_id], "change the notifications")
        values: dict[str, Any] = {"status": how}
        if note.sent_at is None and how != "failed":
            values["sent_at"] = ctx.now()
        rows.update(ctx, note, values, "notification")
    return Outcome(note, CHANGED)


def get_notification(ctx: ServiceContext, note_id: int) -> Notification:
    (note,) = _owned(ctx, [note_id], "see the notifications")
    return note
