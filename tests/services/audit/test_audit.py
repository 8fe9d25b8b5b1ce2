"""Every create/update/delete writes exactly one audit entry in the same transaction, saying who
acted and what the row looked like before and after."""

from __future__ import annotations

import json

import pytest

from cpe_desktop.db.models import AuditLog, Credential, StateRequirement
from cpe_desktop.services import (
    credentials,
    custom_fields,
    licenses,
    preferences,
    records,
    requirements,
    users,
)
from cpe_desktop.services.errors import ValidationError

RECORD = {
    "title": "Audit update",
    "completed_on": "2026-02-01",
    "delivery_method": "QAS Self Study",
    "credits": [{"field": "Auditing", "credits": 2}],
}


def _latest() -> AuditLog:
    return AuditLog.select().order_by(AuditLog.log_id.desc()).first()


def test_each_mutation_writes_exactly_one_entry(people):
    admin, ann = people.as_admin, people.as_ann
    state: dict = {}
    rule = StateRequirement.get(StateRequirement.state_name == "Ohio")
    steps = [
        (
            "create user",
            lambda: state.update(
                u=users.create_user(admin, {"name": "Cy", "email": "cy@example.com"}).value
            ),
        ),
        ("update user", lambda: users.update_user(admin, state["u"].user_id, {"name": "Cyd"})),
        (
            "create credential",
            lambda: state.update(
                c=credentials.create_credential(admin, {"code": "CITP", "name": "CITP"}).value
            ),
        ),
        (
            "update credential",
            lambda: credentials.update_credential(
                admin, state["c"].credential_id, {"issuing_body": "AICPA"}
            ),
        ),
        (
            "create license",
            lambda: state.update(
                l=licenses.create_license(ann, {"credential": "CPA", "jurisdiction": "Ohio"}).value
            ),
        ),
        (
            "update license",
            lambda: licenses.update_license(ann, state["l"].license_id, {"license_number": "OH-1"}),
        ),
        ("create record", lambda: state.update(r=records.create_record(ann, RECORD).value)),
        (
            "update record",
            lambda: records.update_record(
                ann, state["r"].record_id, {"credits": [{"field": "Auditing", "credits": 3}]}
            ),
        ),
        (
            "update requirement",
            lambda: requirements.update_requirement(admin, rule.state_id, {"total_hours": 121}),
        ),
        (
            "create preference",
            lambda: preferences.set_preferences(ann, people.ann.user_id, {"theme": "dark"}),
        ),
        (
            "update preference",
            lambda: preferences.set_preferences(ann, people.ann.user_id, {"theme": "light"}),
        ),
        (
            "create custom_field",
            lambda: state.update(
                f=custom_fields.define_field(
                    admin, {"entity": "record", "field_name": "Course code", "field_type": "text"}
                ).value
            ),
        ),
        (
            "create custom_field_value",
            lambda: custom_fields.set_value(
                ann, state["f"].custom_field_id, state["r"].record_id, "T-100"
            ),
        ),
        ("delete record", lambda: records.delete_record(ann, state["r"].record_id)),
        ("delete license", lambda: licenses.delete_license(ann, state["l"].license_id)),
        (
            "delete credential",
            lambda: credentials.delete_credential(admin, state["c"].credential_id),
        ),
        ("delete user", lambda: users.delete_user(admin, state["u"].user_id)),
    ]
    for action, step in steps:
        before = AuditLog.select().count()
        step()
        assert AuditLog.select().count() == before + 1, action
        assert _latest().action == action


def test_entry_records_who_and_before_after(people):
    record = records.create_record(people.as_ann, RECORD).value
    records.update_record(people.as_ann, record.record_id, {"title": "Renamed"})
    entry = _latest()
    assert entry.user_id == people.ann.user_id
    assert (entry.entity, entry.entity_id) == ("record", str(record.record_id))
    before, after = json.loads(entry.before_json), json.loads(entry.after_json)
    assert before["title"] == "Audit update" and after["title"] == "Renamed"
    assert after["credits"] == [{"field": "Auditing", "credits": "2"}]
    records.delete_record(people.as_ann, record.record_id)
    assert _latest().after_json is None and json.loads(_latest().before_json)["title"] == "Renamed"


def test_refused_mutation_leaves_no_entry(people):
    before = AuditLog.select().count()
    with pytest.raises(ValidationError):
        records.create_record(people.as_ann, {**RECORD, "completed_on": "yesterday"})
    assert AuditLog.select().count() == before


def test_system_actions_say_who(seeded, system):
    credentials.create_credential(system, {"code": "CITP", "name": "CITP"})
    entry = _latest()
    assert entry.user_id is None and entry.details == "by system"
    assert Credential.get(Credential.code == "CITP").name == "CITP"
