"""Custom fields: administrators define typed fields for people, credentials, licenses and
records; values are checked against the field's type (errors name the field), members set values
only on their own items, and every mutation writes exactly one audit entry."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from types import SimpleNamespace

import pytest

from cpe_desktop.db.models import AuditLog, CustomField, CustomFieldValue
from cpe_desktop.services import credentials, custom_fields, licenses, records, users
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.errors import (
    Conflict,
    NotFound,
    PermissionDenied,
    ServiceError,
    ValidationError,
)

ENTITIES = ("user", "credential", "license", "record")
TYPES = ("text", "integer", "decimal", "date", "boolean", "choice")
RECORD = {
    "title": "Ethics for CPAs",
    "completed_on": "2026-03-02",
    "delivery_method": "Group Live",
    "credits": [{"field": "Regulatory Ethics", "credits": 4}],
}


@pytest.fixture
def team(db, system, clock):
    """An administrator, two members, and for each member a license and a record."""
    admin = users.create_user(system, {"name": "Ada Admin", "email": "ada@example.com"}).value
    ann = users.create_user(
        system, {"name": "Ann Member", "email": "ann@example.com", "role": "member"}
    ).value
    bob = users.create_user(
        system, {"name": "Bob Member", "email": "bob@example.com", "role": "member"}
    ).value
    cpa = credentials.create_credential(system, {"code": "CPA", "name": "CPA"}).value

    def as_(user):
        return ServiceContext(actor=Actor.for_user(user), clock=clock)

    team = SimpleNamespace(
        admin=admin,
        ann=ann,
        bob=bob,
        cpa=cpa,
        as_admin=as_(admin),
        as_ann=as_(ann),
        as_bob=as_(bob),
    )
    for name in ("ann", "bob"):
        ctx = getattr(team, f"as_{name}")
        lic = licenses.create_license(ctx, {"credential": "CPA", "jurisdiction": "Texas"}).value
        rec = records.create_record(ctx, RECORD).value
        setattr(team, f"{name}_license", lic)
        setattr(team, f"{name}_record", rec)
    return team


def _audits() -> int:
    return AuditLog.select().count()


def _define(ctx, entity, name, field_type, **more) -> CustomField:
    data = {"entity": entity, "field_name": name, "field_type": field_type, **more}
    return custom_fields.define_field(ctx, data).value


def _choice(ctx, entity="user", name="Tier") -> CustomField:
    return _define(ctx, entity, name, "choice", options=["Gold", " Silver "])


# --- defining fields ---------------------------------------------------------------------------


def test_every_type_can_be_defined_for_every_kind_of_item(team):
    before = _audits()
    for entity in ENTITIES:
        for field_type in TYPES:
            more = {"options": ["A", "B"]} if field_type == "choice" else {}
            outcome = custom_fields.define_field(
                team.as_admin,
                {"entity": entity, "field_name": f"{field_type} field", "field_type": field_type}
                | more,
            )
            assert "custom_fields" in outcome.changes and "audit" in outcome.changes
    assert _audits() == before + len(ENTITIES) * len(TYPES)
    for entity in ENTITIES:
        fields = custom_fields.list_fields(entity)
        assert sorted(f.field_type for f in fields) == sorted(TYPES)
        assert all(f.entity == entity and not f.required for f in fields)
    choice = CustomField.get(
        (CustomField.entity == "record") & (CustomField.field_type == "choice")
    )
    assert json.loads(choice.options) == ["A", "B"]


def test_field_name_is_trimmed_and_required_flag_kept(team):
    field = _define(team.as_admin, "license", "  Board ID  ", "text", required="yes")
    stored = CustomField.get_by_id(field.custom_field_id)
    assert (stored.field_name, stored.required) == ("Board ID", True)


def test_duplicate_name_is_refused_naming_field_name(team):
    _define(team.as_admin, "user", "Badge", "text")
    before = _audits()
    with pytest.raises(ValidationError) as err:
        _define(team.as_admin, "user", " Badge ", "integer")
    assert set(err.value.errors) == {"field_name"}
    assert "Badge" in err.value.errors["field_name"]
    assert _audits() == before
    # the same name on another kind of item is a different field
    _define(team.as_admin, "license", "Badge", "text")
    assert CustomField.select().where(CustomField.field_name == "Badge").count() == 2


@pytest.mark.parametrize(
    "options",
    [{}, {"options": None}, {"options": []}, {"options": ["Gold", ""]}, {"options": "Gold,Silver"}],
)
def test_choice_field_needs_its_options(team, options):
    before = _audits()
    with pytest.raises(ValidationError) as err:
        _define(team.as_admin, "user", "Tier", "choice", **options)
    assert set(err.value.errors) == {"options"}
    assert CustomField.select().count() == 0
    assert _audits() == before


def test_bad_definitions_name_every_wrong_key(team):
    with pytest.raises(ValidationError) as err:
        custom_fields.define_field(
            team.as_admin,
            {"entity": "invoice", "field_name": " ", "field_type": "money", "colour": "red"},
        )
    assert set(err.value.errors) == {"entity", "field_name", "field_type", "colour"}


def test_only_administrators_manage_fields(team):
    field = _define(team.as_admin, "user", "Badge", "text")
    before = _audits()
    with pytest.raises(PermissionDenied):
        _define(team.as_ann, "user", "Nickname", "text")
    with pytest.raises(PermissionDenied):
        custom_fields.update_field(team.as_ann, field.custom_field_id, {"field_name": "B"})
    with pytest.raises(PermissionDenied):
        custom_fields.delete_field(team.as_ann, field.custom_field_id)
    assert [f.field_name for f in custom_fields.list_fields()] == ["Badge"]
    assert _audits() == before


# --- values --------------------------------------------------------------------------------------

TYPED = [
    ("text", "  Room 12 ", "Room 12", "Room 12"),
    ("text", 42, "42", "42"),
    ("integer", "42", 42, "42"),
    ("integer", " -7 ", -7, "-7"),
    ("integer", 3, 3, "3"),
    ("integer", "5.00", 5, "5"),
    ("decimal", "1.25", Decimal("1.25"), "1.25"),
    ("decimal", 2, Decimal(2), "2"),
    ("date", "2026-01-31", dt.date(2026, 1, 31), "2026-01-31"),
    ("date", dt.date(2024, 2, 29), dt.date(2024, 2, 29), "2024-02-29"),
    ("boolean", "Yes", True, "true"),
    ("boolean", False, False, "false"),
    ("boolean", "0", False, "false"),
    ("choice", " Silver ", "Silver", "Silver"),
]


@pytest.mark.parametrize(("field_type", "given", "typed", "text"), TYPED)
def test_value_is_stored_as_its_type(team, field_type, given, typed, text):
    field = _define(
        team.as_admin, "user", "Extra", field_type, options=["Gold", "Silver"]
    )  # options are kept but only matter for choice fields
    before = _audits()
    outcome = custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, given)
    assert outcome.value == typed
    assert "users" in outcome.changes and "custom_fields" in outcome.changes
    assert custom_fields.values_for("user", team.ann.user_id) == {"Extra": typed}
    assert CustomFieldValue.get().value == text
    assert _audits() == before + 1


BAD_VALUES = [
    ("text", "x" * 2001),
    ("integer", "4.5"),
    ("integer", "forty"),
    ("integer", True),
    ("integer", "1,000"),
    ("integer", "1e5000"),
    ("decimal", "1,5"),
    ("decimal", "NaN"),
    ("decimal", float("inf")),
    ("decimal", [1]),
    ("date", "31/01/2026"),
    ("date", "2026-02-30"),
    ("date", 20260131),
    ("boolean", "maybe"),
    ("boolean", 2),
    ("choice", "Platinum"),
    ("choice", "gold"),
]


@pytest.mark.parametrize(("field_type", "given"), BAD_VALUES)
def test_value_of_the_wrong_type_is_refused_naming_the_field(team, field_type, given):
    field = _define(team.as_admin, "record", "Seat number", field_type, options=["Gold"])
    before = _audits()
    with pytest.raises(ValidationError) as err:
        custom_fields.set_value(
            team.as_ann, field.custom_field_id, team.ann_record.record_id, given
        )
    assert set(err.value.errors) == {"Seat number"}
    assert CustomFieldValue.select().count() == 0
    assert _audits() == before


def test_text_value_with_control_characters_is_refused(team):
    """Like every other text field; PostgreSQL cannot even store a NUL character."""
    field = _define(team.as_admin, "user", "Badge", "text")
    with pytest.raises(ValidationError) as err:
        custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, "A\x00B")
    assert set(err.value.errors) == {"Badge"}
    assert CustomFieldValue.select().count() == 0


def test_changing_and_clearing_a_value(team):
    field = _define(team.as_admin, "license", "Renewal fee", "decimal")
    lic = team.ann_license.license_id
    fid = field.custom_field_id
    before = _audits()
    custom_fields.set_value(team.as_ann, fid, lic, "150")
    custom_fields.set_value(team.as_ann, fid, lic, "175.50")
    assert custom_fields.values_for("license", lic) == {"Renewal fee": Decimal("175.50")}
    assert _audits() == before + 2
    custom_fields.set_value(team.as_ann, fid, lic, "175.50")  # unchanged: nothing to record
    assert _audits() == before + 2
    outcome = custom_fields.set_value(team.as_ann, fid, lic, "   ")
    assert outcome.value is None
    assert custom_fields.values_for("license", lic) == {}
    assert CustomFieldValue.select().count() == 0
    assert _audits() == before + 3
    latest = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert latest.action == "delete custom_field_value"
    custom_fields.set_value(team.as_ann, fid, lic, None)  # nothing stored: nothing to clear
    assert _audits() == before + 3


def test_required_value_cannot_be_cleared(team):
    field = _define(team.as_admin, "user", "Employee number", "integer", required=True)
    custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, 1234)
    before = _audits()
    for empty in (None, "", "  "):
        with pytest.raises(ValidationError) as err:
            custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, empty)
        assert set(err.value.errors) == {"Employee number"}
    assert custom_fields.values_for("user", team.ann.user_id) == {"Employee number": 1234}
    assert _audits() == before


def test_values_belong_to_one_item(team):
    field = _define(team.as_admin, "record", "Room", "text")
    custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann_record.record_id, "A")
    custom_fields.set_value(team.as_bob, field.custom_field_id, team.bob_record.record_id, "B")
    assert custom_fields.values_for("record", team.ann_record.record_id) == {"Room": "A"}
    assert custom_fields.values_for("record", team.bob_record.record_id) == {"Room": "B"}
    # a user with the same id as a record does not see the record's values
    assert custom_fields.values_for("user", team.ann_record.record_id) == {}


def test_value_for_a_missing_item_or_field_is_refused(team):
    field = _define(team.as_admin, "license", "Board ID", "text")
    with pytest.raises(NotFound):
        custom_fields.set_value(team.as_admin, field.custom_field_id, 9999, "x")
    with pytest.raises(NotFound):
        custom_fields.set_value(team.as_admin, 9999, team.ann_license.license_id, "x")
    assert CustomFieldValue.select().count() == 0


# --- changing the type ---------------------------------------------------------------------------


def test_type_change_refused_when_stored_values_would_not_fit(team):
    field = _define(team.as_admin, "user", "Badge", "text")
    custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, "42")
    custom_fields.set_value(team.as_bob, field.custom_field_id, team.bob.user_id, "B-7")
    before = _audits()
    with pytest.raises(ValidationError) as err:
        custom_fields.update_field(team.as_admin, field.custom_field_id, {"field_type": "integer"})
    assert set(err.value.errors) == {"field_type"}
    assert "B-7" in err.value.errors["field_type"]
    assert CustomField.get_by_id(field.custom_field_id).field_type == "text"
    assert _audits() == before
    # once the odd value is fixed, the change goes through and values read as the new type
    custom_fields.set_value(team.as_bob, field.custom_field_id, team.bob.user_id, "7")
    custom_fields.update_field(team.as_admin, field.custom_field_id, {"field_type": "integer"})
    assert custom_fields.values_for("user", team.bob.user_id) == {"Badge": 7}
    assert custom_fields.values_for("user", team.ann.user_id) == {"Badge": 42}


def test_choice_options_cannot_drop_a_choice_in_use(team):
    field = _choice(team.as_admin)
    custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, "Silver")
    with pytest.raises(ValidationError) as err:
        custom_fields.update_field(team.as_admin, field.custom_field_id, {"options": ["Gold"]})
    assert set(err.value.errors) == {"options"}  # the key that was changed
    assert "Silver" in err.value.errors["options"]
    assert json.loads(CustomField.get_by_id(field.custom_field_id).options) == ["Gold", "Silver"]
    custom_fields.update_field(
        team.as_admin, field.custom_field_id, {"options": ["Gold", "Silver", "Bronze"]}
    )
    custom_fields.set_value(team.as_bob, field.custom_field_id, team.bob.user_id, "Bronze")


def test_type_change_without_values_is_allowed(team):
    field = _define(team.as_admin, "record", "Room", "text")
    custom_fields.update_field(team.as_admin, field.custom_field_id, {"field_type": "date"})
    with pytest.raises(ValidationError):
        custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann_record.record_id, "A")


@pytest.mark.parametrize("change", [{"field_type": "choice"}, {"options": None}])
def test_update_cannot_leave_a_choice_field_without_options(team, change):
    """A choice field without choices could never hold a value."""
    field = (
        _define(team.as_admin, "user", "Tier", "text")
        if change.get("field_type") == "choice"
        else _choice(team.as_admin)
    )
    before = _audits()
    with pytest.raises(ValidationError) as err:
        custom_fields.update_field(team.as_admin, field.custom_field_id, change)
    assert set(err.value.errors) == {"options"}
    assert _audits() == before


def test_field_with_values_cannot_move_to_another_kind_of_item(team):
    field = _define(team.as_admin, "user", "Badge", "text")
    custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, "A")
    with pytest.raises(Conflict):
        custom_fields.update_field(team.as_admin, field.custom_field_id, {"entity": "license"})
    assert CustomField.get_by_id(field.custom_field_id).entity == "user"


# --- who may set values --------------------------------------------------------------------------


@pytest.mark.parametrize("entity", ["user", "license", "record"])
def test_member_sets_values_only_on_their_own_items(team, entity):
    field = _define(team.as_admin, entity, "Note", "text")
    own = {"user": team.ann, "license": team.ann_license, "record": team.ann_record}[entity]
    other = {"user": team.bob, "license": team.bob_license, "record": team.bob_record}[entity]
    own_id, other_id = own.get_id(), other.get_id()
    custom_fields.set_value(team.as_ann, field.custom_field_id, own_id, "mine")
    before = _audits()
    with pytest.raises(PermissionDenied):
        custom_fields.set_value(team.as_ann, field.custom_field_id, other_id, "not mine")
    assert custom_fields.values_for(entity, other_id) == {}
    assert _audits() == before
    # an administrator may set anyone's
    custom_fields.set_value(team.as_admin, field.custom_field_id, other_id, "set by admin")
    assert custom_fields.values_for(entity, other_id) == {"Note": "set by admin"}
    with pytest.raises(PermissionDenied):  # nor clear it
        custom_fields.set_value(team.as_ann, field.custom_field_id, other_id, None)
    assert custom_fields.values_for(entity, own_id) == {"Note": "mine"}


def test_member_never_sets_values_on_credentials(team):
    field = _define(team.as_admin, "credential", "Body website", "text")
    cpa = team.cpa.credential_id
    before = _audits()
    with pytest.raises(PermissionDenied):
        custom_fields.set_value(team.as_ann, field.custom_field_id, cpa, "https://example.com")
    assert _audits() == before
    custom_fields.set_value(team.as_admin, field.custom_field_id, cpa, "https://example.com")
    with pytest.raises(PermissionDenied):
        custom_fields.set_value(team.as_ann, field.custom_field_id, cpa, None)
    assert custom_fields.values_for("credential", cpa) == {"Body website": "https://example.com"}


# --- deleting ------------------------------------------------------------------------------------


def test_deleting_a_field_removes_its_values(team):
    field = _define(team.as_admin, "user", "Badge", "text")
    keep = _define(team.as_admin, "user", "Desk", "text")
    for person, ctx in ((team.ann, team.as_ann), (team.bob, team.as_bob)):
        custom_fields.set_value(ctx, field.custom_field_id, person.user_id, "B")
        custom_fields.set_value(ctx, keep.custom_field_id, person.user_id, "D")
    before = _audits()
    outcome = custom_fields.delete_field(team.as_admin, field.custom_field_id)
    assert "custom_fields" in outcome.changes
    assert _audits() == before + 1
    entry = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert entry.action == "delete custom_field"
    assert json.loads(entry.before_json)["values_removed"] == 2
    assert (
        CustomFieldValue.select()
        .where(CustomFieldValue.custom_field == field.custom_field_id)
        .count()
        == 0
    )
    assert custom_fields.values_for("user", team.ann.user_id) == {"Desk": "D"}
    with pytest.raises(NotFound):
        custom_fields.delete_field(team.as_admin, field.custom_field_id)


def test_deleting_an_item_removes_its_values(team):
    """Values are keyed by a bare id: a deleted license's values must not outlive it (on SQLite
    the next license can even reuse the id and inherit them)."""
    field = _define(team.as_admin, "license", "Board ID", "text")
    lic = team.ann_license.license_id
    custom_fields.set_value(team.as_ann, field.custom_field_id, lic, "TX-1")
    licenses.delete_license(team.as_ann, lic)
    assert CustomFieldValue.select().where(CustomFieldValue.entity_id == lic).count() == 0
    newer = licenses.create_license(team.as_ann, {"credential": "CPA", "jurisdiction": "Ohio"})
    assert custom_fields.values_for("license", newer.value.license_id) == {}


# --- audit ---------------------------------------------------------------------------------------


def test_each_mutation_writes_exactly_one_audit_entry(team):
    state: dict = {}
    steps = [
        (
            "create custom_field",
            lambda: state.update(f=_define(team.as_admin, "record", "Room", "text")),
        ),
        (
            "update custom_field",
            lambda: custom_fields.update_field(
                team.as_admin, state["f"].custom_field_id, {"field_name": "Room no."}
            ),
        ),
        (
            "create custom_field_value",
            lambda: custom_fields.set_value(
                team.as_ann, state["f"].custom_field_id, team.ann_record.record_id, "12"
            ),
        ),
        (
            "update custom_field_value",
            lambda: custom_fields.set_value(
                team.as_ann, state["f"].custom_field_id, team.ann_record.record_id, "14"
            ),
        ),
        (
            "delete custom_field_value",
            lambda: custom_fields.set_value(
                team.as_ann, state["f"].custom_field_id, team.ann_record.record_id, None
            ),
        ),
        (
            "delete custom_field",
            lambda: custom_fields.delete_field(team.as_admin, state["f"].custom_field_id),
        ),
    ]
    for action, step in steps:
        before = AuditLog.select().order_by(AuditLog.log_id.desc()).first().log_id
        step()
        new = list(AuditLog.select().where(AuditLog.log_id > before))
        assert [e.action for e in new] == [action]
        expected_user = (team.ann if "value" in action else team.admin).user_id
        assert new[0].user_id == expected_user


def test_refused_calls_raise_service_errors_and_write_nothing(team):
    field = _define(team.as_admin, "user", "Badge", "integer")
    before = _audits()
    calls = [
        lambda: custom_fields.set_value(team.as_ann, field.custom_field_id, team.ann.user_id, "x"),
        lambda: custom_fields.update_field(team.as_admin, field.custom_field_id, {"bogus": 1}),
        lambda: custom_fields.update_field(team.as_admin, 9999, {"field_name": "x"}),
        lambda: _define(team.as_admin, "user", "Badge", "text"),
    ]
    for call in calls:
        with pytest.raises(ServiceError):
            call()
    assert _audits() == before
