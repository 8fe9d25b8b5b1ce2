"""The shipped requirement data reaches the database complete, once, without trampling edits."""

from __future__ import annotations

import csv
import json
from decimal import Decimal

from cpe_desktop import paths
from cpe_desktop.db.models import AuditLog, Credential, StateRequirement
from cpe_desktop.services import requirements
from cpe_desktop.services.shipped_data import data_file, load_shipped_requirements


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
    missing = StateRequirement.select().where(
        StateRequirement.source.is_null() | StateRequirement.verified_on.is_null()
    )
    assert list(missing) == []
    sources = {row["source"] for row in _csv_rows()}
    assert {r.source for r in StateRequirement.select()} == sources
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
