"""The use cases the window once ran itself (issue 19, item 4), now services: the welcome
dialog's account with its first license, the record form's certificate and record, the start's
one active person, the scheduler's "is this reminder due", the lists the dialogs offer."""

from __future__ import annotations

import datetime as dt

import pytest

from cpe_desktop.db.models import Attachment, CpeRecord, License, Reminder, User
from cpe_desktop.services import reminders, requirements, users
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.errors import StaleEdit, ValidationError

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
RECORD = {
    "title": "Tax update",
    "completed_on": "2026-03-02",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": "4"}],
}
TEXAS = {"credential": "cpa", "jurisdiction": "Texas", "issued_on": "2010-05-01"}


@pytest.fixture
def nobody(seeded, clock):
    return ServiceContext(Actor(user_id=None, role="member", name="welcome"), clock)


def test_an_account_and_its_first_license_are_created_together(nobody):
    outcome = users.create_account(nobody, {"name": "Jane", "email": "jane@example.com"}, TEXAS)
    license_ = License.get(License.user == outcome.value.user_id)
    assert (outcome.value.role, license_.jurisdiction) == ("admin", "Texas")
    assert {"users", "licenses", "audit"} <= set(outcome.changes.kinds)


def test_a_bad_first_license_leaves_no_account(nobody):
    with pytest.raises(ValidationError) as refused:
        users.create_account(
            nobody, {"name": "Jane", "email": "jane@example.com"}, TEXAS | {"credential": "ZZZ"}
        )
    assert "credential" in refused.value.errors
    assert User.select().count() == 0


def test_an_account_without_a_license(nobody):
    outcome = users.create_account(nobody, {"name": "Jane", "email": "jane@example.com"})
    assert License.select().count() == 0
    assert outcome.value.email == "jane@example.com"


def test_the_sole_active_user(db, system):
    assert users.sole_active_user() is None
    ada = users.create_user(system, {"name": "Ada", "email": "ada@example.com"}).value
    assert users.sole_active_user() == ada
    bob = users.create_user(system, {"name": "Bob", "email": "bob@example.com"}).value
    assert users.sole_active_user() is None
    users.update_user(system, bob.user_id, {"active": False})
    assert users.sole_active_user() == ada


def test_certificate_and_record_are_saved_together(people, tmp_path):
    source = tmp_path / "certificate.pdf"
    source.write_bytes(PDF)
    outcome = editing.save_record_with_certificate(
        people.as_ann, None, RECORD, {}, source, owner_id=people.ann.user_id
    )
    record = CpeRecord.get_by_id(outcome.value.record_id)
    assert record.attachment.original_name == "certificate.pdf"
    assert {"records", "attachments"} <= set(outcome.changes.kinds)


def test_a_refused_record_keeps_no_certificate(people, tmp_path):
    source = tmp_path / "certificate.pdf"
    source.write_bytes(PDF)
    with pytest.raises(ValidationError) as refused:
        editing.save_record_with_certificate(
            people.as_ann, None, RECORD | {"title": ""}, {}, source, owner_id=people.ann.user_id
        )
    assert "title" in refused.value.errors
    assert Attachment.select().count() == 0


def test_a_stale_record_keeps_no_certificate(people, tmp_path):
    created = editing.save_entity(people.as_ann, "record", None, RECORD).value
    opened = editing.load_entity(people.as_ann, "record", created.record_id)
    editing.save_entity(
        people.as_ann,
        "record",
        created.record_id,
        RECORD | {"title": "Saved meanwhile"},
        expected_version=opened["row_version"],
    )
    source = tmp_path / "certificate.pdf"
    source.write_bytes(PDF)
    with pytest.raises(StaleEdit):
        editing.save_record_with_certificate(
            people.as_ann,
            created.record_id,
            RECORD,
            {},
            source,
            owner_id=people.ann.user_id,
            expected_version=opened["row_version"],
        )
    assert Attachment.select().count() == 0


def test_a_reminder_is_due_only_when_on_and_its_time_has_come(people):
    moment = dt.datetime(2026, 3, 2, 9, 0)
    reminder = reminders.create_reminder(
        people.as_ann,
        {
            "user_id": people.ann.user_id,
            "message": "Log hours",
            "frequency": "once",
            "next_reminder": moment,
        },
    ).value
    assert not reminders.is_due(reminder.reminder_id, moment - dt.timedelta(minutes=1))
    assert reminders.is_due(reminder.reminder_id, moment)
    Reminder.update(active=False).where(Reminder.reminder_id == reminder.reminder_id).execute()
    assert not reminders.is_due(reminder.reminder_id, moment)
    assert not reminders.is_due(reminder.reminder_id + 1, moment)


def test_jurisdictions_by_credential_code_and_a_rule_title(seeded):
    offered = requirements.jurisdictions_for_code("CPA")
    assert "Texas" in offered and len(offered) == len(set(offered))
    assert requirements.jurisdictions_for_code("ZZZ") == []
    assert requirements.jurisdictions_for_code(None) == []
    texas = next(r for r in requirements.list_requirements() if r.state_name == "Texas")
    assert requirements.rule_title(texas.state_id) == f"{texas.credential.code} — Texas"
    assert requirements.rule_title(999_999) == "requirement rule"
