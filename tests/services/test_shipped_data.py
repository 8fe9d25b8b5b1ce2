"""The shipped requirement data reaches the database complete, once, without trampling edits."""

from __future__ import annotations

import csv
import datetime as dt
import json
from decimal import Decimal

from cpe_desktop import paths
from cpe_desktop.db.models import AppMeta, AuditLog, Credential, StateRequirement
from cpe_desktop.rules.component_facts import component_from_dict
from cpe_desktop.services import requirements
from cpe_desktop.services.requirements import PERIOD_KEYS
from cpe_desktop.services.shipped_data import (
    DIGEST_KEY,
    data_file,
    load_shipped_requirements,
    seed_key,
)


def _csv_rows():
    path = paths.resource("requirements", "requirements-sources.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_first_load_brings_every_researched_row_with_its_source(db, system):
    result = load_shipped_requirements(system)
    assert result.rules_added == len(_csv_rows()) == 65
    assert StateRequirement.select().count() == 65
    assert {c.code for c in Credential.select()} >= {
        "CPA",
        "EA",
        "CIA",
        "CISA",
        "CMA",
        "CFP",
        "CFE",
        "CGMA",
        "AICPA",
    }
    assert list(StateRequirement.select().where(StateRequirement.source.is_null())) == []
    # Checked against its source: only the rows the December 2026 source check covered (the
    # others say so by an empty date, never by a transcription date).
    checked = {r.verified_on for r in StateRequirement.select()}
    assert checked == {None, dt.date(2026, 12, 5)}
    # each row's source starts with its research cell (periods-research sources follow it)
    shipped = sorted(r.source for r in StateRequirement.select())
    for cell in {row["source"] for row in _csv_rows()}:
        assert any(source.startswith(cell) for source in shipped), cell
    assert all(r.origin == "shipped" and not r.user_edited for r in StateRequirement.select())


def test_numbers_land_in_number_columns(seeded):
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")
    assert texas.credential.code == "CPA"
    assert (texas.total_credits_required, texas.reporting_period_years) == (120, 3)
    assert texas.ethics_credits_required == 4 and texas.ethics_period_years == 2
    assert texas.annual_min_hours == Decimal(20)
    alabama = StateRequirement.get(StateRequirement.state_name == "Alabama")
    assert (alabama.period_basis, alabama.period_start_month) == ("fiscal", 10)
    ea = StateRequirement.get(StateRequirement.state_name == "IRS")
    assert (ea.credential.code, ea.total_credits_required, ea.annual_min_hours) == (
        "EA",
        72,
        Decimal(16),
    )
    cgma = StateRequirement.get(StateRequirement.state_name == "AICPA & CIMA")
    assert cgma.total_credits_required is None


def test_reloading_never_duplicates(seeded, system):
    audit_before = AuditLog.select().count()
    again = load_shipped_requirements(system)
    assert (again.rules_added, again.rules_updated, again.credentials_added) == (0, 0, 0)
    assert StateRequirement.select().count() == 65
    assert AuditLog.select().count() == audit_before  # nothing changed, nothing logged


def test_reloading_keeps_a_users_edit_but_refreshes_untouched_rows(seeded, system, tmp_path):
    ohio = StateRequirement.get(StateRequirement.state_name == "Ohio")
    requirements.update_requirement(system, ohio.state_id, {"total_hours": 100})
    # A newer program ships changed numbers for Ohio and Texas.
    document = json.loads(data_file().read_text(encoding="utf-8"))
    for rule in document["requirements"]:
        if rule["jurisdiction"] in ("Ohio", "Texas"):
            rule["total_hours"] = 150
    newer = tmp_path / "requirements.json"
    newer.write_text(json.dumps(document), encoding="utf-8")

    result = load_shipped_requirements(system, newer)

    assert (result.rules_updated, result.rules_kept_user_edits, result.rules_added) == (1, 1, 0)
    assert StateRequirement.get_by_id(ohio.state_id).total_credits_required == 100
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")
    assert texas.total_credits_required == 150
    assert StateRequirement.select().count() == 65


def test_an_already_loaded_file_is_skipped_so_deletions_stay_deleted(seeded, system):
    from cpe_desktop.services import requirements

    ohio = StateRequirement.get(StateRequirement.state_name == "Ohio")
    requirements.delete_requirement(system, ohio.state_id)
    again = load_shipped_requirements(system)
    assert (again.rules_added, again.rules_updated) == (0, 0)
    assert StateRequirement.select().count() == 64


def test_period_keys_land_in_their_columns(seeded):
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")
    assert (texas.cycle_anchor, texas.first_period) == ("birth_month", "ramp")
    assert json.loads(texas.first_period_table) == [0, 0, 20, 60, 100]  # 22 TAC 523.112(c)
    assert texas.first_period_ethics == Decimal(0) and texas.reciprocity == "home_state"
    kentucky = StateRequirement.get(StateRequirement.state_name == "Kentucky")
    assert (kentucky.cycle_anchor, kentucky.cycle_parity_offset) == ("license_number_parity", 1)
    oregon = StateRequirement.get(StateRequirement.state_name == "Oregon")
    assert (oregon.first_period_hours_per_unit, oregon.first_period_unit_months) == (Decimal(3), 1)
    assert oregon.first_period_counts_issue_month is True
    michigan = StateRequirement.get(StateRequirement.state_name == "Michigan")
    assert michigan.carryover_scope == "next_year"
    florida = StateRequirement.get(StateRequirement.state_name == "Florida")
    assert florida.reciprocity == "home_state_plus_ethics"
    # every shipped row names its anchor, first period and reciprocity
    for row in StateRequirement.select():
        assert row.cycle_anchor and row.first_period and row.reciprocity, row.state_name


def test_a_database_loaded_before_the_period_keys_gets_them(seeded, system):
    """An existing database (rows from the older file, no period keys) is brought up to date on
    the next start, because the data file's digest changed; a person's edit is still kept."""
    blank = {name: None for name in PERIOD_KEYS}
    StateRequirement.update(**blank).execute()
    StateRequirement.update(period_basis="fiscal", period_start_month=7).where(
        StateRequirement.state_name == "New Hampshire"
    ).execute()
    ohio = StateRequirement.get(StateRequirement.state_name == "Ohio")
    requirements.update_requirement(system, ohio.state_id, {"total_hours": 100})
    AppMeta.update(value="digest of the older file").where(AppMeta.key == DIGEST_KEY).execute()

    result = load_shipped_requirements(system)

    assert (result.rules_updated, result.rules_kept_user_edits) == (64, 1)
    assert result.rules_given_period_keys == 1
    ohio = StateRequirement.get_by_id(ohio.state_id)
    assert ohio.total_credits_required == 100  # the edit survives
    assert (ohio.cycle_anchor, ohio.first_period) == ("holder_supplied", "ramp")
    nh = StateRequirement.get(StateRequirement.state_name == "New Hampshire")
    assert (nh.period_basis, nh.period_start_month, nh.cycle_anchor) == (
        "license_date",
        None,
        "holder_supplied",
    )
    entry = AuditLog.select().order_by(AuditLog.log_id.desc()).first()
    assert json.loads(entry.after_json)["rules_given_period_keys"] == 1


def test_an_edited_rows_own_period_keys_are_never_replaced(seeded, system, tmp_path):
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")
    requirements.update_requirement(system, texas.state_id, {"first_period": "full"})
    document = json.loads(data_file().read_text(encoding="utf-8"))
    document["dataset"]["title"] += " (newer)"
    newer = tmp_path / "requirements.json"
    newer.write_text(json.dumps(document), encoding="utf-8")

    result = load_shipped_requirements(system, newer)

    assert result.rules_given_period_keys == 0
    assert StateRequirement.get_by_id(texas.state_id).first_period == "full"


def test_a_bad_period_key_in_the_data_file_is_refused_naming_it(db, system, tmp_path):
    document = json.loads(data_file().read_text(encoding="utf-8"))
    document["requirements"][0]["first_period"] = "prorate"  # without its parameters
    bad = tmp_path / "requirements.json"
    bad.write_text(json.dumps(document), encoding="utf-8")
    try:
        load_shipped_requirements(system, bad)
    except ValueError as exc:
        assert "shipped requirement 0" in str(exc)
        assert "first_period_hours_per_unit" in str(exc)
    else:
        raise AssertionError("a prorated first period without hours was accepted")
    assert StateRequirement.select().count() == 0


def test_shipped_components_land_with_their_rows(seeded):
    """Every shipped row's components (ARCHITECTURE.md §4) are stored in order as the file gives
    them;
    a row without the key has none."""
    document = json.loads(data_file().read_text(encoding="utf-8"))
    stored = {row.seed_key: row for row in StateRequirement.select()}
    for rule in document["requirements"]:
        row = stored[seed_key(rule)]
        expected = [component_from_dict(part).as_dict() for part in rule.get("components") or []]
        assert requirements.list_components(row.state_id) == expected, seed_key(rule)


def test_reloading_refreshes_untouched_components_and_keeps_edited_ones(seeded, system, tmp_path):
    ohio = StateRequirement.get(StateRequirement.state_name == "Ohio")
    mine = [{"kind": "min", "hours": 3, "fields": ["Taxes"], "label": "Our reading"}]
    requirements.set_components(system, ohio.state_id, mine)
    texas = StateRequirement.get(StateRequirement.state_name == "Texas")
    shipped = [
        {"kind": "max", "pct": 50, "delivery": ["Nano Learning"], "source": "22 TAC 523.130"}
    ]
    document = json.loads(data_file().read_text(encoding="utf-8"))
    for rule in document["requirements"]:
        if rule["jurisdiction"] in ("Ohio", "Texas") and rule["credential"] == "CPA":
            rule["components"] = shipped
    newer = tmp_path / "requirements.json"
    newer.write_text(json.dumps(document), encoding="utf-8")

    result = load_shipped_requirements(system, newer)

    assert result.rules_updated == 1 and result.rules_kept_user_edits == 1
    assert requirements.list_components(ohio.state_id) == mine
    assert requirements.list_components(texas.state_id) == shipped
    # The next file drops Texas's components again: an untouched row follows it.
    for rule in document["requirements"]:
        if rule["jurisdiction"] == "Texas":
            rule.pop("components", None)
    newer.write_text(json.dumps(document, indent=1), encoding="utf-8")
    load_shipped_requirements(system, newer)
    assert requirements.list_components(texas.state_id) == []
    assert requirements.list_components(ohio.state_id) == mine
