"""Notifications: created once per dedupe key, read and removed only by their owner."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import Notification
from cpe_desktop.services import licenses, notifications
from cpe_desktop.services.errors import PermissionDenied, ValidationError


def _note(people, **extra):
    data = {"user_id": people.ann.user_id, "message": "Renew your Texas license", **extra}
    return notifications.create_notification(people.as_ann, data)


def test_create_and_dedupe(people):
    first = _note(people, kind="deadline", dedupe_key="tx-90")
    again = _note(people, kind="deadline", dedupe_key="tx-90")
    assert first.value is not None and again.value is None
    assert not again.changes
    assert Notification.select().count() == 1


def test_validation_names_fields(people):
    with pytest.raises(ValidationError) as err:
        notifications.create_notification(
            people.as_ann, {"user_id": people.ann.user_id, "message": "", "kind": "gossip"}
        )
    assert set(err.value.errors) == {"message", "kind"}
    bobs = licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Ohio"}
    ).value
    with pytest.raises(ValidationError) as err:
        _note(people, license_id=bobs.license_id)
    assert "license_id" in err.value.errors


def test_mark_read_and_all_read(people):
    ids = [_note(people, message=f"n{i}").value.notification_id for i in range(3)]
    assert notifications.unread_count(people.as_ann, people.ann.user_id) == 3
    assert notifications.mark_read(people.as_ann, ids[:1]).value == 1
    assert notifications.mark_read(people.as_ann, ids[:1]).value == 0  # already read
    assert notifications.unread_count(people.as_ann, people.ann.user_id) == 2
    assert notifications.mark_all_read(people.as_ann, people.ann.user_id).value == 2
    assert notifications.unread_count(people.as_ann, people.ann.user_id) == 0


def test_only_the_owner_touches_them(people):
    note = _note(people).value
    with pytest.raises(PermissionDenied):
        notifications.mark_read(people.as_bob, [note.notification_id])
    with pytest.raises(PermissionDenied):
        notifications.delete_notifications(people.as_bob, [note.notification_id])
    with pytest.raises(PermissionDenied):
        notifications.create_notification(
            people.as_bob, {"user_id": people.ann.user_id, "message": "spam"}
        )
    assert Notification.get_by_id(note.notification_id).read_at is None
    assert notifications.delete_notifications(people.as_ann, [note.notification_id]).value == 1
    assert Notification.select().count() == 0
