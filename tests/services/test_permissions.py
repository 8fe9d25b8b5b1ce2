"""A member reads and changes only their own data; an administrator everything."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, License, Preference
from cpe_desktop.services import licenses, preferences, records
from cpe_desktop.services.errors import PermissionDenied

RECORD = {
    "title": "Ethics for CPAs",
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Regulatory Ethics", "credits": 4}],
}


@pytest.fixture
def bobs(people):
    """Bob's license, record and preference, for Ann to try to reach."""
    license_ = licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Texas", "license_number": "B-1"}
    ).value
    record = records.create_record(people.as_bob, RECORD).value
    preferences.set_preferences(people.as_bob, people.bob.user_id, {"theme": "dark"})
    return license_, record


def _attempts(people, license_, record):
    ann, bob_id = people.as_ann, people.bob.user_id
    return {
        "get license": lambda: licenses.get_license(ann, license_.license_id),
        "list licenses": lambda: licenses.list_licenses(ann, bob_id),
        "update license": lambda: licenses.update_license(
            ann, license_.license_id, {"license_number": "X"}
        ),
        "delete license": lambda: licenses.delete_license(ann, license_.license_id),
        "create license for bob": lambda: licenses.create_license(
            ann, {"user_id": bob_id, "credential": "CPA", "jurisdiction": "Ohio"}
        ),
        "take over license": lambda: licenses.update_license(
            ann, license_.license_id, {"user_id": people.ann.user_id}
        ),
        "get record": lambda: records.get_record(ann, record.record_id),
        "list records": lambda: records.list_records(ann, bob_id),
        "update record": lambda: records.update_record(ann, record.record_id, {"title": "X"}),
        "delete record": lambda: records.delete_record(ann, record.record_id),
        "create record for bob": lambda: records.create_record(ann, {**RECORD, "user_id": bob_id}),
        "read preferences": lambda: preferences.get_preferences(ann, bob_id),
        "change preferences": lambda: preferences.set_preferences(ann, bob_id, {"theme": "light"}),
        "reset preference": lambda: preferences.reset_preference(ann, bob_id, "theme"),
    }


def test_member_cannot_reach_another_members_data(people, bobs):
    license_, record = bobs
    audit_before = AuditLog.select().count()
    for name, attempt in _attempts(people, license_, record).items():
        with pytest.raises(PermissionDenied):
            attempt()
            pytest.fail(f"{name} was allowed")
    assert License.get_by_id(license_.license_id).license_number == "B-1"
    assert CpeRecord.get_by_id(record.record_id).title == RECORD["title"]
    assert Preference.get(Preference.setting_name == "theme").setting_value == "dark"
    assert License.select().count() == 1 and CpeRecord.select().count() == 1
    assert AuditLog.select().count() == audit_before


def test_member_lists_show_only_their_own(people, bobs):
    records.create_record(people.as_ann, {**RECORD, "title": "Ann's course"})
    assert [r.title for r in records.list_records(people.as_ann)] == ["Ann's course"]
    assert licenses.list_licenses(people.as_ann) == []


def test_administrator_reaches_everyone(people, bobs):
    license_, record = bobs
    admin = people.as_admin
    assert licenses.get_license(admin, license_.license_id).license_number == "B-1"
    records.update_record(admin, record.record_id, {"title": "Fixed by admin"})
    assert preferences.get_preferences(admin, people.bob.user_id)["theme"] == "dark"
    assert len(records.list_records(admin)) == 1
    records.delete_record(admin, record.record_id)
    assert CpeRecord.select().count() == 0
