"""Compliance read from the database: the right licenses for the right person, rules in force,
records with their credit lines, most urgent first — on SQLite and PostgreSQL alike."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from cpe_desktop.db.models import StateRequirement
from cpe_desktop.services import compliance, licenses, records, requirements
from cpe_desktop.services.errors import PermissionDenied
from tests.helpers.atlantis_rule import add_atlantis_rule


def _course(ctx, day, field, credits, method="Group Live", **extra):
    return records.create_record(
        ctx,
        {
            "title": f"{field} {day}",
            "completed_on": day,
            "delivery_method": method,
            "credits": [{"field": field, "credits": credits}],
            **extra,
        },
    ).value


@pytest.fixture
def firm(people):
    add_atlantis_rule(people)
    licenses.create_license(
        people.as_ann, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2026-01-01"}
    )
    licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2026-01-01"}
    )
    licenses.create_license(people.as_bob, {"credential": "CPA", "jurisdiction": "Nowhere"})
    # Ann: 16 + 2 ethics + 4 = 22 ≥ 20 with the 2 ethics → complete.
    _course(people.as_ann, "2026-02-01", "Taxes", 16)
    _course(people.as_ann, "2026-03-01", "Regulatory Ethics", 2)
    _course(people.as_ann, "2026-04-01", "Auditing", "4.5")
    # Bob: 3 hours of 20 by mid-June → behind the pace → at risk.
    _course(people.as_bob, "2026-05-01", "Taxes", 3)
    return people


def test_admin_sees_everyone_most_urgent_first(firm, clock):
    items = compliance.evaluate_licenses(firm.as_admin)
    summary = [(i.user.email, i.license.jurisdiction, i.status) for i in items]
    assert summary == [
        ("bob@example.com", "Atlantis", "at_risk"),
        ("bob@example.com", "Nowhere", "no_rule"),
        ("ann@example.com", "Atlantis", "complete"),
    ]
    ann = items[2].evaluation
    assert ann.counted_total == Decimal("22.5") and ann.counted_ethics == Decimal(2)
    assert (ann.period_start, ann.period_end) == (dt.date(2026, 1, 1), dt.date(2026, 12, 31))
    assert len(ann.counted_records) == 3


def test_member_sees_only_their_own(firm):
    items = compliance.evaluate_licenses(firm.as_ann)
    assert [i.user.email for i in items] == ["ann@example.com"]
    with pytest.raises(PermissionDenied):
        compliance.evaluate_licenses(firm.as_ann, firm.bob.user_id)


def test_as_of_date_and_json_document(firm):
    march = dt.date(2026, 3, 15)
    items = compliance.evaluate_licenses(firm.as_admin, firm.ann.user_id, march)
    (ann,) = items
    assert ann.evaluation.counted_total == Decimal(18)  # the April course is not yet done
    document = compliance.status_document(items, march)
    lic = document["users"][0]["licenses"][0]
    assert (lic["counted_total"], lic["shortfall_total"], lic["status"]) == (18, 2, "on_track")
    assert document["as_of"] == "2026-03-15"


def test_json_for_a_license_without_rule(firm):
    items = compliance.evaluate_licenses(firm.as_admin, firm.bob.user_id)
    document = compliance.status_document(items, dt.date(2026, 6, 15))
    nowhere = [lic for lic in document["users"][0]["licenses"] if lic["jurisdiction"] == "Nowhere"]
    assert nowhere[0]["status"] == "no_rule" and nowhere[0]["counted_total"] is None


def test_cached_records_never_hide_a_change(firm):
    """Same clock, same count: only the delivery method changes, which the self-study cap
    cares about. The judged numbers must follow."""
    requirements.update_requirement(
        firm.as_admin,
        requirements.find(
            licenses.list_licenses(firm.as_ann)[0].credential_id, "Atlantis", dt.date(2026, 6, 15)
        ).state_id,
        {"max_self_study_hours": 0},
    )
    before = compliance.evaluate_licenses(firm.as_ann)[0].evaluation.counted_total
    taxes = records.list_records(firm.as_ann)[0]
    records.update_record(firm.as_ann, taxes.record_id, {"delivery_method": "QAS Self Study"})
    after = compliance.evaluate_licenses(firm.as_ann)[0].evaluation.counted_total
    assert (before, after) == (Decimal("22.5"), Decimal("6.5"))  # 16 self-study hours now capped


def test_nothing_changed_reuses_each_evaluation(firm):
    """The dashboard judges again after every change: a license whose facts, rule and records
    are the same keeps its evaluation; a record added is seen at once."""
    first = {
        i.license.license_id: i.evaluation for i in compliance.evaluate_licenses(firm.as_admin)
    }
    again = {
        i.license.license_id: i.evaluation for i in compliance.evaluate_licenses(firm.as_admin)
    }
    assert all(again[key] is first[key] for key in first if first[key] is not None)
    _course(firm.as_bob, "2026-05-02", "Taxes", 17)
    bob = [i for i in compliance.evaluate_licenses(firm.as_admin, firm.bob.user_id) if i.evaluation]
    assert bob[0].evaluation.counted_total == Decimal(20)


def test_an_outcome_drops_the_records_read(firm):
    """A change reported through services/changes.py is seen even when the records' version
    in the database did not move (same clock, same count, same ids)."""
    from cpe_desktop.db.models import CpeRecord
    from cpe_desktop.services.changes import RECORDS, Changes, note

    before = compliance.evaluate_licenses(firm.as_ann)[0].evaluation.counted_total
    CpeRecord.update(completed_on=dt.date(2025, 2, 1)).where(
        CpeRecord.title == "Taxes 2026-02-01"
    ).execute()
    note(Changes.of(RECORDS))
    after = compliance.evaluate_licenses(firm.as_ann)[0].evaluation.counted_total
    assert (before, after) == (Decimal("22.5"), Decimal("6.5"))


def test_kept_records_reach_back_as_far_as_each_evaluation_looks(firm):
    """Records are read from the first day the periods look at; judging an earlier day later
    reads further back, and gives what a first evaluation of that day gives."""
    _course(firm.as_ann, "2024-06-01", "Taxes", 5)
    _course(firm.as_ann, "2023-06-01", "Taxes", 7)
    days = (dt.date(2026, 6, 15), dt.date(2024, 12, 15), dt.date(2023, 12, 15))
    kept = [compliance.evaluate_licenses(firm.as_ann, as_of=day)[0].evaluation for day in days]
    fresh = []
    for day in days:
        compliance.forget_cached_records()
        fresh.append(compliance.evaluate_licenses(firm.as_ann, as_of=day)[0].evaluation)
    assert kept == fresh
    assert [e.counted_total for e in kept] == [Decimal("22.5"), 5, 7]


def test_rule_of_reads_every_schema_4_column_and_their_defaults(firm):
    """NULL columns read as ARCHITECTURE.md §4's defaults; set ones reach the engine as typed."""
    row = requirements.find(
        licenses.list_licenses(firm.as_ann)[0].credential_id, "Atlantis", dt.date(2026, 6, 15)
    )
    plain = compliance.rule_of(row)
    assert (
        plain.cycle_anchor,
        plain.cycle_parity_offset,
        plain.first_period,
        plain.first_period_table,
        plain.carryover_scope,
        plain.reciprocity,
    ) == (None, 0, "full", (), "period", "none")
    row.cycle_anchor = "license_number_parity"
    row.cycle_parity_offset = 1
    row.first_period = "ramp"
    row.first_period_table = "[10, 20.5, 40]"
    row.first_period_hours_per_unit = Decimal("3")
    row.first_period_unit_months = 1
    row.first_period_counts_issue_month = True
    row.first_period_ethics = Decimal("1")
    row.carryover_scope = "next_year"
    row.reciprocity = "home_state_plus_ethics"
    row.save()
    rule = compliance.rule_of(StateRequirement.get_by_id(row.state_id))
    assert (rule.cycle_anchor, rule.cycle_parity_offset, rule.first_period) == (
        "license_number_parity",
        1,
        "ramp",
    )
    assert rule.first_period_table == (Decimal(10), Decimal("20.5"), Decimal(40))
    assert (
        rule.first_period_hours_per_unit,
        rule.first_period_unit_months,
        rule.first_period_counts_issue_month,
        rule.first_period_ethics,
    ) == (Decimal(3), 1, True, Decimal(1))
    assert (rule.carryover_scope, rule.reciprocity) == ("next_year", "home_state_plus_ethics")


def test_the_status_document_carries_tracking_and_the_plain_sentence(firm):
    ann_license = licenses.list_licenses(firm.as_ann)[0]
    licenses.update_license(
        firm.as_ann,
        ann_license.license_id,
        {"tracked_from": "2025-01-01", "home_jurisdiction": "Lemuria"},
    )
    items = compliance.evaluate_licenses(firm.as_admin)
    document = compliance.status_document(items, dt.date(2026, 6, 15))
    by_email = {person["email"]: person["licenses"] for person in document["users"]}
    (ann,) = by_email["ann@example.com"]
    assert ann["tracked_from"] == "2025-01-01"
    assert (ann["first_period"], ann["met_through"]) == (None, None)
    ann_item = next(i for i in items if i.user.email == "ann@example.com")
    # the README's Command line section: one entry per judged component, in the engine's order
    # (most missing first).
    assert [(c["kind"], c["label"]) for c in ann["components"]] == [
        (r.kind, r.label) for r in ann_item.evaluation.components
    ]
    for entry in ann["components"]:
        assert set(entry) == {
            "kind",
            "label",
            "required",
            "counted",
            "dropped",
            "met",
            "alternative",
            "chosen",
            "headline",
        }
    assert ann["headline"] == ann_item.evaluation.headline()
    nowhere = next(lic for lic in by_email["bob@example.com"] if lic["status"] == "no_rule")
    assert nowhere["headline"] == (
        "No requirement rule for CPA in Nowhere: add one to see what is needed."
    )
    assert nowhere["tracked_from"] == "2026-06-15"  # no rule: entered today, tracked from today


def test_a_change_behind_the_services_moves_the_records_version(firm):
    """With no Outcome to say so, the records' version (count, newest id, newest edit) still
    drops what was read: an edit stamped later, a record removed, a record added."""
    from cpe_desktop.db.models import CpeRecord

    def ann_total():
        return compliance.evaluate_licenses(firm.as_ann)[0].evaluation.counted_total

    assert ann_total() == Decimal("22.5")
    CpeRecord.update(
        completed_on=dt.date(2025, 2, 1), updated_at=dt.datetime(2026, 6, 16, 9)
    ).where(CpeRecord.title == "Taxes 2026-02-01").execute()
    assert ann_total() == Decimal("6.5")
    CpeRecord.delete().where(CpeRecord.title == "Auditing 2026-04-01").execute()
    assert ann_total() == Decimal(2)
    _course(firm.as_ann, "2026-04-02", "Taxes", 1)
    assert ann_total() == Decimal(3)


def _young() -> set[int]:
    import gc

    return {id(o) for generation in (0, 1) for o in gc.get_objects(generation)}


@pytest.mark.parametrize("enabled", [True, False])
def test_a_firm_evaluation_leaves_the_collector_as_it_found_it(firm, monkeypatch, enabled):
    """The collector is paused only when it was running, and switched on again only then; what
    the evaluation made is in the oldest generation afterwards (not walked by the next young
    pass), and a cycle made meanwhile is still collected by a full collection."""
    import gc
    import weakref

    class Node:
        pass

    made: list[weakref.ref] = []
    reading = compliance.read_records

    def read_and_make_a_cycle(*args):
        node = Node()
        node.me = node  # garbage once this returns: only the collector frees it
        made.append(weakref.ref(node))
        return reading(*args)

    monkeypatch.setattr(compliance, "read_records", read_and_make_a_cycle)
    compliance.forget_cached_records()
    was = gc.isenabled()
    (gc.enable if enabled else gc.disable)()
    try:
        items = compliance.evaluate_licenses(firm.as_admin)
        assert gc.isenabled() is enabled
        evaluation = items[0].evaluation
        assert evaluation is not None and gc.is_tracked(evaluation)
        assert id(evaluation) not in _young()
        assert made and made[0]() is not None
        gc.collect()
        assert made[0]() is None
    finally:
        (gc.enable if was else gc.disable)()


def test_objects_someone_froze_stay_frozen(firm):
    """When something else has frozen objects (``gc.freeze``), the evaluation does not move
    them: unfreezing would undo what that caller set aside."""
    import gc

    compliance.forget_cached_records()
    set_aside = [object()]
    gc.freeze()
    try:
        items = compliance.evaluate_licenses(firm.as_admin)
        tracked = {id(o) for o in gc.get_objects()}  # (frozen objects are not listed)
        assert id(set_aside) not in tracked and gc.get_freeze_count() > 0
        assert items[0].evaluation is not None and id(items[0].evaluation) in tracked
    finally:
        gc.unfreeze()
