"""Every reference a member can set points at their own data (ARCHITECTURE.md §3, Permission).

One case per foreign key reachable from a service's input: Ann (a member) names Bob's row (or
Bob himself) and is refused, and nothing is written. Keys to another person's row inside the
same item (a notification for Ann about Bob's record) are refused for an administrator too: the
item would be inconsistent whoever wrote it.
"""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from cpe_desktop.db.models import (
    ALL_MODELS,
    Attachment,
    CpeRecord,
    License,
    Notification,
    Reminder,
)
from cpe_desktop.services import (
    compliance,
    custom_fields,
    licenses,
    notifications,
    preferences,
    records,
    reminders,
    users,
)
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.reporting import audit_pack, reports

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RECORD = {
    "title": "Ethics for CPAs",
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Regulatory Ethics", "credits": 4}],
}
REMINDER = {"message": "Log the webinars", "frequency": "weekly", "next_reminder": "2026-07-01"}


def _license(ctx, number: str) -> License:
    data = {"credential": "CPA", "jurisdiction": "Texas", "license_number": number}
    return licenses.create_license(ctx, data).value


def _certificate(ctx, user_id: int, folder, name: str) -> Attachment:
    source = folder / f"{name}.pdf"
    source.write_bytes(PDF + name.encode())
    return attachments.store_certificate(ctx, user_id, source).value


@pytest.fixture
def rows(people, tmp_path):
    """Ann's and Bob's license, record, certificate and notification."""
    ann, bob = people.as_ann, people.as_bob
    return SimpleNamespace(
        ann_license=_license(ann, "A-1"),
        bob_license=_license(bob, "B-1"),
        ann_record=records.create_record(ann, RECORD).value,
        bob_record=records.create_record(bob, RECORD).value,
        ann_certificate=_certificate(ann, people.ann.user_id, tmp_path, "ann"),
        bob_certificate=_certificate(bob, people.bob.user_id, tmp_path, "bob"),
        bob_note=notifications.create_notification(
            bob, {"user_id": people.bob.user_id, "message": "Bob's"}
        ).value,
        ann_reminder=reminders.create_reminder(ann, REMINDER).value,
        record_field=custom_fields.define_field(
            people.as_admin, {"entity": "record", "field_name": "Room", "field_type": "text"}
        ).value,
    )


def _counts() -> dict[str, int]:
    return {model.__name__: model.select().count() for model in ALL_MODELS}


def _refusals(people, rows, tmp_path) -> dict[str, tuple[type[Exception], object]]:
    """foreign key -> (the refusal expected, Ann's attempt to point it at Bob's data)."""
    ann, ann_id, bob_id = people.as_ann, people.ann.user_id, people.bob.user_id
    mine = {"user_id": ann_id, "message": "About Bob's"}
    bobs_pdf = tmp_path / "for-bob.pdf"
    bobs_pdf.write_bytes(PDF + b"for bob")
    return {
        "notifications.user_id": (
            PermissionDenied,
            lambda: notifications.create_notification(ann, {**mine, "user_id": bob_id}),
        ),
        "notifications.license_id": (
            ValidationError,
            lambda: notifications.create_notification(
                ann, {**mine, "license_id": rows.bob_license.license_id}
            ),
        ),
        "notifications.record_id": (
            ValidationError,
            lambda: notifications.create_notification(
                ann, {**mine, "record_id": rows.bob_record.record_id}
            ),
        ),
        "reminders.user_id": (
            PermissionDenied,
            lambda: reminders.create_reminder(ann, {**REMINDER, "user_id": bob_id}),
        ),
        "reminders.license_id": (
            ValidationError,
            lambda: reminders.create_reminder(
                ann, {**REMINDER, "license_id": rows.bob_license.license_id}
            ),
        ),
        "reminders.user_id (moving one)": (
            PermissionDenied,
            lambda: reminders.update_reminder(
                ann, rows.ann_reminder.reminder_id, {"user_id": bob_id}
            ),
        ),
        "licenses.user_id": (
            PermissionDenied,
            lambda: licenses.create_license(
                ann, {"user_id": bob_id, "credential": "CPA", "jurisdiction": "Ohio"}
            ),
        ),
        "licenses.user_id (moving one)": (
            PermissionDenied,
            lambda: licenses.update_license(ann, rows.ann_license.license_id, {"user_id": bob_id}),
        ),
        "cpe_records.user_id": (
            PermissionDenied,
            lambda: records.create_record(ann, {**RECORD, "user_id": bob_id}),
        ),
        "cpe_records.user_id (moving one)": (
            PermissionDenied,
            lambda: records.update_record(ann, rows.ann_record.record_id, {"user_id": bob_id}),
        ),
        "cpe_records.attachment_id": (
            ValidationError,
            lambda: records.create_record(
                ann, {**RECORD, "attachment_id": rows.bob_certificate.attachment_id}
            ),
        ),
        "cpe_records.attachment_id (changing one)": (
            ValidationError,
            lambda: records.update_record(
                ann,
                rows.ann_record.record_id,
                {"attachment_id": rows.bob_certificate.attachment_id},
            ),
        ),
        "attachments.user_id": (
            PermissionDenied,
            lambda: attachments.store_certificate(ann, bob_id, bobs_pdf),
        ),
        "custom_field_values.entity_id": (
            PermissionDenied,
            lambda: custom_fields.set_value(
                ann, rows.record_field.custom_field_id, rows.bob_record.record_id, "12"
            ),
        ),
        "preferences.user_id": (
            PermissionDenied,
            lambda: preferences.set_preferences(ann, bob_id, {"theme": "dark"}),
        ),
        "reports.user_id": (
            PermissionDenied,
            lambda: reports.save_report(ann, "progress", bob_id, {"title": "Bob's"}),
        ),
        "emails.user_id": (
            PermissionDenied,
            lambda: mail.queue_email(ann, bob_id, "Hello", "Body"),
        ),
        "emails from a notification": (
            PermissionDenied,
            lambda: mail.queue_notification_email(ann, rows.bob_note.notification_id),
        ),
        "an audit pack's license": (
            PermissionDenied,
            lambda: audit_pack.pack_periods(ann, rows.bob_license.license_id),
        ),
        "compliance of a person": (
            PermissionDenied,
            lambda: compliance.evaluate_licenses(ann, bob_id),
        ),
        "a person by email": (
            PermissionDenied,
            lambda: users.find_by_email(ann, "bob@example.com"),
        ),
    }


CASES = (
    "notifications.user_id",
    "notifications.license_id",
    "notifications.record_id",
    "reminders.user_id",
    "reminders.license_id",
    "reminders.user_id (moving one)",
    "licenses.user_id",
    "licenses.user_id (moving one)",
    "cpe_records.user_id",
    "cpe_records.user_id (moving one)",
    "cpe_records.attachment_id",
    "cpe_records.attachment_id (changing one)",
    "attachments.user_id",
    "custom_field_values.entity_id",
    "preferences.user_id",
    "reports.user_id",
    "emails.user_id",
    "emails from a notification",
    "an audit pack's license",
    "compliance of a person",
    "a person by email",
)


@pytest.mark.parametrize("case", CASES)
def test_a_member_cannot_point_at_another_members_data(case, people, rows, tmp_path):
    expected, attempt = _refusals(people, rows, tmp_path)[case]
    before = _counts()
    with pytest.raises(expected) as refused:
        attempt()
    assert _counts() == before
    if expected is ValidationError:
        assert "belongs to another person" in str(refused.value)


def test_every_case_is_tried(people, rows, tmp_path):
    assert set(_refusals(people, rows, tmp_path)) == set(CASES)


def test_a_notification_may_point_at_its_persons_own_record_and_license(people, rows):
    note = notifications.create_notification(
        people.as_ann,
        {
            "user_id": people.ann.user_id,
            "message": "Yours",
            "license_id": rows.ann_license.license_id,
            "record_id": rows.ann_record.record_id,
        },
    ).value
    stored = Notification.get_by_id(note.notification_id)
    assert (stored.license_id, stored.record_id) == (
        rows.ann_license.license_id,
        rows.ann_record.record_id,
    )


def test_a_notification_about_a_missing_record_says_so(people):
    with pytest.raises(ValidationError) as refused:
        notifications.create_notification(
            people.as_ann, {"user_id": people.ann.user_id, "message": "x", "record_id": 999}
        )
    assert refused.value.errors == {"record_id": "there is no record with id 999"}


def test_an_administrator_cannot_point_one_persons_item_at_anothers(people, rows):
    """Consistency, whoever acts: Ann's notification about Bob's record, Ann's reminder about
    Bob's license, Ann's record with Bob's certificate."""
    admin, ann_id = people.as_admin, people.ann.user_id
    attempts = [
        lambda: notifications.create_notification(
            admin, {"user_id": ann_id, "message": "x", "record_id": rows.bob_record.record_id}
        ),
        lambda: reminders.create_reminder(
            admin, {**REMINDER, "user_id": ann_id, "license_id": rows.bob_license.license_id}
        ),
        lambda: records.update_record(
            admin,
            rows.ann_record.record_id,
            {"attachment_id": rows.bob_certificate.attachment_id},
        ),
    ]
    for attempt in attempts:
        with pytest.raises(ValidationError, match="belongs to another person"):
            attempt()
    assert CpeRecord.get_by_id(rows.ann_record.record_id).attachment_id is None
    assert Reminder.select().count() == 1  # Ann's own, from the fixture


def test_a_record_moved_with_its_certificate_is_refused_and_without_it_allowed(people, rows):
    admin = people.as_admin
    record_id = rows.ann_record.record_id
    records.update_record(admin, record_id, {"attachment_id": rows.ann_certificate.attachment_id})

    with pytest.raises(ValidationError, match="belongs to another person"):
        records.update_record(admin, record_id, {"user_id": people.bob.user_id})
    assert CpeRecord.get_by_id(record_id).user_id == people.ann.user_id

    records.update_record(admin, record_id, {"user_id": people.bob.user_id, "attachment_id": None})
    assert CpeRecord.get_by_id(record_id).user_id == people.bob.user_id
