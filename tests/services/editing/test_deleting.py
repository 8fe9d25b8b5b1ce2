"""Deleting several rows: described in plain words first, then all or none."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, License
from cpe_desktop.services import licenses, records
from cpe_desktop.services.editing import deleting
from cpe_desktop.services.errors import PermissionDenied, ServiceError

RECORD = {
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 2}],
}


def test_describe_names_what_will_go(people):
    ids = [
        records.create_record(people.as_ann, {**RECORD, "title": f"Course {i}"}).value.record_id
        for i in range(7)
    ]
    lines = deleting.describe("records", ids)
    assert lines[0] == "“Course 0” (1 Feb 2026)"
    assert len(lines) == 6 and lines[-1] == "… and 2 more"
    lic = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "license_number": "77"}
    ).value
    assert deleting.describe("licenses", [lic.license_id]) == ["CPA in Texas (no. 77)"]


def test_the_question_says_in_words_what_will_be_deleted(people):
    """Issue 15, item 13: not "Delete this row from CPE Records?"."""
    one = records.create_record(people.as_ann, {**RECORD, "title": "Tax update"}).value
    assert deleting.question("records", [one.record_id]) == (
        "Delete the record “Tax update” (1 Feb 2026)?"
    )
    two = records.create_record(people.as_ann, {**RECORD, "title": "Ethics"}).value
    assert deleting.question("records", [one.record_id, two.record_id]) == (
        "Delete these 2 records?\n\n• “Tax update” (1 Feb 2026)\n• “Ethics” (1 Feb 2026)"
    )
    lic = licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Texas", "license_number": "77"}
    ).value
    assert deleting.question("licenses", [lic.license_id]) == (
        "Delete the license CPA in Texas (no. 77)?"
    )
    assert deleting.question("users", [people.bob.user_id]).startswith(
        "Delete the person Bob Member <bob@example.com> and all of their data?"
    )


def test_delete_many_is_all_or_nothing(people):
    mine = records.create_record(people.as_ann, {**RECORD, "title": "Mine"}).value
    theirs = records.create_record(people.as_bob, {**RECORD, "title": "Theirs"}).value
    audit_before = AuditLog.select().count()
    with pytest.raises(PermissionDenied):
        deleting.delete_many(people.as_ann, "records", [mine.record_id, theirs.record_id])
    assert CpeRecord.select().count() == 2
    assert AuditLog.select().count() == audit_before
    outcome = deleting.delete_many(people.as_ann, "records", [mine.record_id, mine.record_id])
    assert outcome.value == 1 and "records" in outcome.changes
    assert AuditLog.select().count() == audit_before + 1


def test_licenses_and_unknown_tables(people):
    ids = [
        licenses.create_license(
            people.as_ann, {"credential": "CPA", "jurisdiction": j}
        ).value.license_id
        for j in ("Ohio", "Texas")
    ]
    assert deleting.delete_many(people.as_ann, "licenses", ids).value == 2
    assert License.select().count() == 0
    with pytest.raises(ServiceError):
        deleting.delete_many(people.as_admin, "audit_logs", [1])
