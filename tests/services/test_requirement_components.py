"""Requirement components in the database (ARCHITECTURE.md §4): stored with their rule in one
transaction and audit entry, read back in order for the engine (one query for every rule in force),
with license attributes and record topics reaching the engine's facts — SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import (
    AuditLog,
    CpeRecord,
    Credential,
    License,
    RequirementComponent,
    StateRequirement,
    database,
)
from cpe_desktop.db.rule_columns import component_columns, rule_from_columns
from cpe_desktop.rules.component_facts import ATTRIBUTE_LABELS, COMPONENT_KEYS, Component
from cpe_desktop.services import compliance, licenses, records, requirements
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from tests.helpers.atlantis_rule import ATLANTIS_RULE, atlantis_license
from tests.helpers.interchange_documents import json_values

TOPIC = "Atlantis Law and Rules"
# The component keys, some values that make sense for them, and a stranger.
KEYS = [*COMPONENT_KEYS, "colour"]
# Mostly sensible components (a kind, hours, names), now and then with a wrong value.
PART = st.fixed_dictionaries(
    {"kind": st.sampled_from(["min", "max", "course", "ethics_state_specific"])},
    optional={
        "hours": st.sampled_from([1, 2.5, "4", -1, 1001, 0.001]),
        "pct": st.sampled_from([10, 50, 150]),
        "fields": st.sampled_from([["technical"], ["Taxes", "Auditing"], ["Astrology"], "Taxes"]),
        "delivery": st.sampled_from([["live"], ["QAS Self Study"], []]),
        "scope": st.sampled_from(["period", "year", "cycle", "decade"]),
        "cycle_years": st.sampled_from([3, 0, True]),
        "topic": st.sampled_from(["Atlantis Law", "", 7]),
        "applies_if": st.sampled_from(["performs_attest", "Bad name"]),
        "label": st.text(max_size=5),
    },
)
VALUES = (
    json_values
    | st.sampled_from(
        ["min", "max", "course", "credit_factor", "cycle", "year", "Taxes", 2, 0.5, 3.333, 150]
    )
    | st.just(["technical", "live"])
)
ANY_PART = st.dictionaries(st.sampled_from(KEYS), VALUES)
PARTS = [
    {"kind": "min", "hours": 4, "fields": ["accounting_auditing"], "label": "4 h A&A"},
    {"kind": "course", "hours": 1, "topic": TOPIC, "scope": "cycle", "cycle_years": 3},
    {
        "kind": "min",
        "hours": 6,
        "fields": ["Auditing"],
        "delivery": ["live"],
        "applies_if": "performs_attest",
        "source": "Atlantis rule 9",
        "notes": "Only for attest work",
    },
]


def _rule(people, components=PARTS):
    return requirements.create_requirement(
        people.as_admin, {**ATLANTIS_RULE, "components": components}
    ).value


def _course(ctx, day, field, credits, **extra):
    return records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": "Group Live",
            "credits": [{"field": field, "credits": credits}],
            **extra,
        },
    ).value


def row_credential() -> int:
    return Credential.get(Credential.code == "CPA").credential_id


def _last_audit():
    return AuditLog.select().order_by(AuditLog.log_id.desc()).first()


# --- rule_columns -------------------------------------------------------------------------------


def test_component_rows_become_the_rules_components_in_position_order():
    row = {"reporting_period_years": 1, "total_credits_required": 20}
    parts = [
        {"position": 1, "kind": "max", "hours": Decimal(10), "delivery": '["Nano Learning"]'},
        {
            "position": 0,
            "kind": "min",
            "hours": Decimal("8.5"),
            "fields": '["accounting_auditing", "Taxes"]',
            "scope": None,
            "label": None,
        },
    ]
    rule = rule_from_columns(row, parts)
    assert [c.kind for c in rule.components] == ["min", "max"]
    first, second = rule.components
    assert first.fields == ("accounting_auditing", "Taxes") and first.hours == Decimal("8.5")
    assert (first.scope, first.label, first.delivery) == ("period", "", ())
    assert second.delivery == ("Nano Learning",)
    assert rule_from_columns(row).components == ()


def test_component_columns_store_what_component_from_columns_reads():
    part = Component(
        kind="min", hours=Decimal(12), fields=("technical",), scope="year", label="12 a year"
    )
    columns = component_columns(part)
    assert columns["fields"] == '["technical"]' and columns["delivery"] is None
    assert columns["source"] is None
    rule = rule_from_columns({"reporting_period_years": 2}, [columns | {"position": 0}])
    assert rule.components == (part,)


# --- requirements service ---------------------------------------------------------------------


def test_a_rule_is_created_with_its_components_in_one_audited_step(people):
    row = _rule(people)
    assert requirements.list_components(row.state_id) == PARTS
    stored = list(
        RequirementComponent.select()
        .where(RequirementComponent.requirement == row.state_id)
        .order_by(RequirementComponent.position)
    )
    assert [(p.position, p.kind) for p in stored] == [(0, "min"), (1, "course"), (2, "min")]
    assert json.loads(stored[2].delivery) == ["live"] and stored[1].cycle_years == 3
    entry = _last_audit()
    assert entry.action == "create requirement"
    assert json.loads(entry.after_json)["components"] == PARTS
    assert requirements.to_interchange(row)["components"] == PARTS


def test_component_errors_name_their_place_and_key(people):
    bad = [
        {"kind": "min", "hours": 2},
        {"kind": "min", "hours": -1},
        {"kind": "course", "hours": 1},
        {"kind": "min", "hours": 1, "colour": "red"},
        {"kind": "max", "pct": 150},
        {"kind": "min", "hours": "1.005"},
        "min 4",
        {"kind": "min", "hours": 1, "fields": ["Astrology"]},
        {"kind": "min", "hours": 1, "applies_if": "Performs attest!"},
    ]
    with pytest.raises(ValidationError) as caught:
        requirements.create_requirement(people.as_admin, {**ATLANTIS_RULE, "components": bad})
    errors = caught.value.errors
    assert set(errors) == {
        "components[1].hours",
        "components[2].topic",
        "components[3].colour",
        "components[4].pct",
        "components[5].hours",
        "components[6]",
        "components[7].fields",
        "components[8].applies_if",
    }
    assert "Astrology" in errors["components[7].fields"]
    assert "decimal places" in errors["components[5].hours"]
    with pytest.raises(ValidationError) as caught:
        requirements.create_requirement(people.as_admin, {**ATLANTIS_RULE, "components": "x"})
    assert set(caught.value.errors) == {"components"}
    assert not requirements.same_rule(row_credential(), "Atlantis", None)


def test_update_replaces_components_only_when_given(people):
    row = _rule(people)
    requirements.update_requirement(people.as_admin, row.state_id, {"total_hours": 24})
    assert requirements.list_components(row.state_id) == PARTS
    entry = _last_audit()
    assert json.loads(entry.before_json)["components"] == PARTS
    assert json.loads(entry.after_json)["components"] == PARTS
    requirements.update_requirement(people.as_admin, row.state_id, {"components": [PARTS[1]]})
    assert requirements.list_components(row.state_id) == [PARTS[1]]
    entry = _last_audit()
    assert json.loads(entry.before_json)["components"] == PARTS
    assert json.loads(entry.after_json)["components"] == [PARTS[1]]
    requirements.update_requirement(people.as_admin, row.state_id, {"components": None})
    assert requirements.list_components(row.state_id) == []


def test_a_rejected_update_leaves_the_components_alone(people):
    row = _rule(people)
    before = AuditLog.select().count()
    with pytest.raises(ValidationError):
        requirements.update_requirement(
            people.as_admin, row.state_id, {"total_hours": -3, "components": [PARTS[0]]}
        )
    assert requirements.list_components(row.state_id) == PARTS
    assert AuditLog.select().count() == before


def test_set_components_replaces_all_audited_and_marks_the_rule_edited(people):
    row = _rule(people, [])
    outcome = requirements.set_components(people.as_admin, row.state_id, PARTS[:2])
    assert outcome.changes and requirements.list_components(row.state_id) == PARTS[:2]
    entry = _last_audit()
    assert entry.action == "update requirement"
    assert json.loads(entry.before_json)["components"] == []
    assert json.loads(entry.after_json)["components"] == PARTS[:2]
    assert StateRequirement.get_by_id(row.state_id).user_edited
    again = requirements.set_components(people.as_admin, row.state_id, PARTS[:2])
    assert not again.changes  # nothing changed, nothing logged
    with pytest.raises(ValidationError) as caught:
        requirements.set_components(people.as_admin, row.state_id, [{"kind": "min"}])
    assert set(caught.value.errors) == {"components[0].hours"}
    with pytest.raises(PermissionDenied):
        requirements.set_components(people.as_ann, row.state_id, [])
    assert requirements.list_components(row.state_id) == PARTS[:2]


def test_upsert_compares_components_and_delete_removes_them(people):
    rule = {**ATLANTIS_RULE, "components": PARTS}
    requirements.upsert_requirement(people.as_admin, rule)
    same = requirements.upsert_requirement(people.as_admin, rule)
    assert not same.changes
    changed = requirements.upsert_requirement(people.as_admin, {**rule, "components": PARTS[:1]})
    assert changed.changes
    assert requirements.list_components(changed.value.state_id) == PARTS[:1]
    without = requirements.upsert_requirement(people.as_admin, dict(ATLANTIS_RULE))
    assert requirements.list_components(without.value.state_id) == []  # the file says it all
    requirements.set_components(people.as_admin, without.value.state_id, PARTS)
    requirements.delete_requirement(people.as_admin, without.value.state_id)
    gone = RequirementComponent.select().where(
        RequirementComponent.requirement == without.value.state_id
    )
    assert not gone.exists()
    assert json.loads(_last_audit().before_json)["components"] == PARTS


def test_known_topics_and_attributes_come_from_the_rules(people):
    before = requirements.known_topics()
    assert TOPIC not in before
    row = _rule(people, [*PARTS, {"kind": "min", "hours": 1, "applies_if": "sits_on_boards"}])
    assert requirements.known_topics() == sorted({*before, TOPIC})
    mine = requirements.known_attributes(row.state_id)
    assert mine == {
        "performs_attest": ATTRIBUTE_LABELS["performs_attest"],
        "sits_on_boards": "Sits on boards",
    }
    assert set(requirements.attribute_choices()) == {*ATTRIBUTE_LABELS, "sits_on_boards"}


# --- records and licenses ---------------------------------------------------------------------


def test_record_topics_are_chosen_from_the_rules_topics(people):
    _rule(people)
    record = _course(people.as_ann, "2026-02-01", "Regulatory Ethics", 1, topics=[TOPIC.lower()])
    assert records.topics_of(record) == [TOPIC]  # stored as the rule spells it
    assert json.loads(CpeRecord.get_by_id(record.record_id).topics) == [TOPIC]
    assert json.loads(_last_audit().after_json)["topics"] == json.dumps([TOPIC])
    with pytest.raises(ValidationError) as caught:
        _course(people.as_ann, "2026-02-02", "Taxes", 1, topics=[TOPIC, "Basket weaving"])
    assert set(caught.value.errors) == {"topics[1]"}
    assert TOPIC in caught.value.errors["topics[1]"]  # the choices are listed
    with pytest.raises(ValidationError) as caught:
        _course(people.as_ann, "2026-02-02", "Taxes", 1, topics="Basket weaving")
    assert set(caught.value.errors) == {"topics"}
    records.update_record(people.as_ann, record.record_id, {"topics": f"{TOPIC}; {TOPIC}"})
    assert records.topics_of(CpeRecord.get_by_id(record.record_id)) == [TOPIC]
    records.update_record(people.as_ann, record.record_id, {"topics": []})
    assert CpeRecord.get_by_id(record.record_id).topics is None


def test_a_record_keeps_a_topic_the_rules_no_longer_name(people):
    row = _rule(people)
    record = _course(people.as_ann, "2026-02-01", "Taxes", 1, topics=[TOPIC])
    requirements.set_components(people.as_admin, row.state_id, [])
    records.update_record(people.as_ann, record.record_id, {"topics": [TOPIC], "title": "Renamed"})
    assert records.topics_of(CpeRecord.get_by_id(record.record_id)) == [TOPIC]


def test_license_attributes_are_checked_names(people):
    license_ = atlantis_license(people.as_ann, attributes=["performs_attest"])
    assert licenses.attributes_of(license_) == ["performs_attest"]
    assert json.loads(_last_audit().after_json)["attributes"] == '["performs_attest"]'
    with pytest.raises(ValidationError) as caught:
        licenses.update_license(people.as_ann, license_.license_id, {"attributes": ["juggles"]})
    assert set(caught.value.errors) == {"attributes[0]"}
    assert "performs_attest" in caught.value.errors["attributes[0]"]
    licenses.update_license(
        people.as_ann, license_.license_id, {"attributes": ["TAX_PRACTICE", "performs_attest"]}
    )
    stored = License.get_by_id(license_.license_id)
    assert licenses.attributes_of(stored) == ["tax_practice", "performs_attest"]


# --- compliance -------------------------------------------------------------------------------


def test_attributes_and_topics_reach_the_engine(people):
    """Atlantis, 2026: 4 h A&A (Auditing 5 counts), the 1 h course (tagged record), and 6 h of
    live auditing only for attest work: Ann ticks it and has 5, Bob does not and is not asked."""
    _rule(people)
    atlantis_license(people.as_ann, attributes=["performs_attest"])
    atlantis_license(people.as_bob)
    for ctx in (people.as_ann, people.as_bob):
        _course(ctx, "2026-02-01", "Auditing", 5)
        _course(ctx, "2026-03-01", "Regulatory Ethics", 2, topics=[TOPIC])
    by_holder = {
        item.user.email: item.evaluation
        for item in compliance.evaluate_licenses(people.as_admin, as_of=dt.date(2026, 6, 15))
    }
    ann = {c.label: c for c in by_holder["ann@example.com"].components}
    bob = {c.label: c for c in by_holder["bob@example.com"].components}
    assert ann["4 h A&A"].counted == Decimal(5) and ann["4 h A&A"].met is True
    course = next(c for c in ann.values() if c.kind == "course")
    assert (course.counted, course.met) == (Decimal(2), True)
    attest = [c for c in ann.values() if c.required == Decimal(6)]
    assert [(c.counted, c.met) for c in attest] == [(Decimal(5), None)]
    assert not [c for c in bob.values() if c.required == Decimal(6)]


def test_components_are_read_in_one_query_for_every_rule_in_force(people, monkeypatch):
    _rule(people)
    requirements.create_requirement(
        people.as_admin,
        {**ATLANTIS_RULE, "jurisdiction": "Lemuria", "components": PARTS[:1]},
    )
    atlantis_license(people.as_ann)
    atlantis_license(people.as_bob)
    licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Lemuria"})
    seen: list[str] = []
    real = database.obj.execute_sql

    def counting(sql, params=None, *args, **kwargs):
        seen.append(sql)
        return real(sql, params, *args, **kwargs)

    monkeypatch.setattr(database.obj, "execute_sql", counting)
    items = compliance.evaluate_licenses(people.as_admin)
    assert len([sql for sql in seen if "requirement_components" in sql]) == 1
    lemuria = next(i for i in items if i.license.jurisdiction == "Lemuria")
    assert [c.label for c in lemuria.evaluation.components if c.label == "4 h A&A"] == ["4 h A&A"]


def test_rule_of_one_row_reads_its_components(people):
    row = _rule(people)
    rule = compliance.rule_of(StateRequirement.get_by_id(row.state_id))
    assert [c.as_dict() for c in rule.components] == PARTS


def test_removing_a_credential_type_removes_its_rules_components(people):
    from cpe_desktop.services import credentials

    code = credentials.create_credential(people.as_admin, {"code": "XYZ", "name": "X"}).value
    row = requirements.create_requirement(
        people.as_admin, {**ATLANTIS_RULE, "credential": "XYZ", "components": PARTS}
    ).value
    credentials.delete_credential(people.as_admin, code.credential_id)
    left = RequirementComponent.select().where(RequirementComponent.requirement == row.state_id)
    assert not left.exists()


@settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    items=json_values | st.lists(PART | st.dictionaries(st.sampled_from(KEYS), VALUES), max_size=4)
)
def test_any_components_value_is_accepted_or_refused_naming_a_path(items):
    """Whatever a file or a form holds, checking it ends in Components or in a ValidationError
    whose every field is ``components`` or under it; never another exception."""
    try:
        found = requirements.validate_components(items)
    except ValidationError as exc:
        assert all(name.startswith("components") for name in exc.errors)
    else:
        assert all(isinstance(part, Component) for part in found)
        assert requirements.validate_components([p.as_dict() for p in found]) == found
