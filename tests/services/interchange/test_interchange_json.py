"""The cpe-tracker/1 JSON import and export: round trips, paths in errors, all-or-nothing."""

from __future__ import annotations

import copy
import datetime as dt
import json

import pytest
from hypothesis import HealthCheck, given, settings

from cpe_desktop.db.models import ActivityLog, Attachment, CpeRecord, User
from cpe_desktop.services import records, requirements, users
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.errors import Conflict, PermissionDenied, ServiceError, ValidationError
from cpe_desktop.services.interchange import (
    export_document,
    export_file,
    import_document,
    import_file,
    json_format,
)
from tests.helpers.interchange_documents import (
    REQUIREMENT,
    json_documents,
    mutated_documents,
    one_person_document,
    other_database,
    table_counts,
    two_people_document,
)

pytestmark = pytest.mark.usefixtures("seeded")


def _rejected(ctx, document, **kwargs) -> ValidationError:
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_document(ctx, document, **kwargs)
    assert table_counts() == before
    return caught.value


# --- reproducing data -----------------------------------------------------------------------------


def test_hand_written_document_is_reproduced_by_export(system):
    document = two_people_document()

    summary = import_document(system, document)

    assert (summary.people_added, summary.licenses_added, summary.records_added) == (2, 3, 20)
    assert summary.requirements_added == 1
    assert summary.describe().splitlines()[0] == (
        "Imported 2 people, 3 licenses, 20 records and 1 requirement rule; "
        "0 records already present were skipped."
    )
    assert export_document(system) == document
    assert User.get(User.email == "bob@example.com").role == "member"


def test_export_import_export_gives_an_identical_document(system, db, tmp_path):
    # The first person by email is a member and the administrator comes later: the import must
    # still keep both roles (the first account of an empty database is always an administrator).
    users.create_user(system, {"name": "Zed Admin", "email": "zed@example.com", "role": "admin"})
    aaron = users.create_user(
        system,
        {"name": "Aaron", "email": "aaron@example.com", "role": "member", "active": False},
    ).value
    for index in range(5):
        records.create_record(
            system,
            {
                "user_id": aaron.user_id,
                "title": f"Course {index}",
                "completed_on": dt.date(2025, 1, 1 + index),
                "delivery_method": "Webinar",
                "credits": [{"field": "Tax", "credits": "1.50"}, {"field": "IT", "credits": 1}],
                "notes": 'Ünïcode ✓ and "quotes"' if index == 2 else None,
            },
        )
    texas = next(r for r in requirements.list_requirements() if r.state_name == "Texas")
    requirements.update_requirement(system, texas.state_id, {"annual_min_hours": 25})
    requirements.upsert_requirement(system, REQUIREMENT)
    first = export_document(system)
    assert len(first["requirements"]) == 2  # the edited shipped rule and the imported one
    assert [person["email"] for person in first["users"]] == [
        "aaron@example.com",
        "zed@example.com",
    ]

    with other_database(tmp_path / "other.db", db):
        import_document(system, json.loads(json.dumps(first)))
        second = export_document(system)

    assert json.dumps(second, indent=2) == json.dumps(first, indent=2)
    assert second["users"][0]["role"] == "member" and second["users"][0]["active"] is False


def test_certificate_is_exported_only_for_attached_records_and_warned_about_on_import(system):
    document = two_people_document()
    document["users"][0]["records"][0]["certificate"] = "tax-update.pdf"
    summary = import_document(system, document)
    assert any("attach them" in warning for warning in summary.warnings)
    assert CpeRecord.get(CpeRecord.title == "Tax update 2024").notes is None

    alice = User.get(User.email == "alice@example.com")
    attachment = Attachment.create(
        user=alice,
        original_name="texas-ethics.pdf",
        sha256="0" * 64,
        size=10,
        media_type="application/pdf",
        created_at=dt.datetime(2026, 1, 1),
    )
    CpeRecord.update(attachment=attachment).where(CpeRecord.title == "Texas ethics").execute()
    exported = export_document(system)["users"][0]["records"]
    assert [r.get("certificate") for r in exported if "certificate" in r] == ["texas-ethics.pdf"]


# --- matching and skipping ------------------------------------------------------------------------


def test_existing_person_is_matched_by_email_not_duplicated(system):
    alice = users.create_user(system, {"name": "Alice Original", "email": "alice@example.com"})
    document = two_people_document()
    document["users"][0]["email"] = "Alice@Example.COM"

    summary = import_document(system, document)

    assert (summary.people_added, summary.people_matched) == (1, 1)
    assert User.select().count() == 2
    assert User.get(User.email == "alice@example.com").name == "Alice Original"
    assert CpeRecord.select().where(CpeRecord.user == alice.value.user_id).count() == 12


def test_importing_twice_changes_nothing(system):
    import_document(system, two_people_document())
    before = table_counts()

    summary = import_document(system, two_people_document())

    assert (summary.people_added, summary.licenses_added, summary.records_added) == (0, 0, 0)
    assert (summary.records_skipped, summary.licenses_skipped, summary.people_matched) == (20, 3, 2)
    assert (summary.requirements_added, summary.requirements_skipped) == (0, 1)
    assert "20 records, 3 licenses and 1 requirement rule already present were skipped" in (
        summary.describe()
    )
    assert table_counts() == before  # audit_logs included: nothing was rewritten
    assert not summary.changes


def test_a_record_repeated_in_the_file_is_imported_once(system):
    document = two_people_document()
    document["users"][1]["records"].append(copy.deepcopy(document["users"][1]["records"][0]))
    summary = import_document(system, document)
    assert (summary.records_added, summary.records_skipped) == (20, 1)


# --- --user -----------------------------------------------------------------------------------


def test_user_filter_imports_only_that_person(system):
    summary = import_document(system, two_people_document(), user_email="BOB@example.com")

    assert [u.email for u in User.select()] == ["bob@example.com"]
    assert summary.records_added == 8 and summary.licenses_added == 1
    # Bob is a member in the file, but the first account of a database is an administrator.
    assert any("made an administrator" in warning for warning in summary.warnings)


def test_user_filter_naming_someone_absent_is_refused(system):
    error = _rejected(system, two_people_document(), user_email="nobody@example.com")
    assert error.field == "user" and "nobody@example.com" in str(error)


def test_user_filter_exports_only_that_person(system):
    import_document(system, two_people_document())
    document = export_document(system, user_email="bob@example.com")
    assert [person["email"] for person in document["users"]] == ["bob@example.com"]
    assert len(document["users"][0]["records"]) == 8


# --- refusals -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("place", "path"),
    [
        (lambda d: d, "colour"),
        (lambda d: d["users"][1], "users[1].colour"),
        (lambda d: d["users"][0]["licenses"][1], "users[0].licenses[1].colour"),
        (lambda d: d["users"][1]["records"][2], "users[1].records[2].colour"),
        (
            lambda d: d["users"][1]["records"][4]["credits"][0],
            "users[1].records[4].credits[0].colour",
        ),
        (lambda d: d["requirements"][0], "requirements[0].colour"),
        (
            lambda d: d["requirements"][0]["components"][1],
            "requirements[0].components[1].colour",
        ),
    ],
)
def test_unknown_key_is_refused_with_its_path(system, place, path):
    document = two_people_document()
    place(document)["colour"] = "red"
    error = _rejected(system, document)
    assert list(error.errors) == [path]
    assert "is not a known" in error.errors[path]


def test_components_topics_and_attributes_are_checked_by_path(system):
    document = two_people_document()
    document["requirements"][0]["components"][0]["pct"] = 150
    document["requirements"][0]["components"][2]["kind"] = "most"
    document["users"][0]["licenses"][1]["attributes"] = ["performs_attest", "juggles"]
    document["users"][0]["records"][1]["topics"] = ["Fraud", "Basket weaving"]
    document["users"][1]["records"][0]["topics"] = "not a list"
    error = _rejected(system, document)
    assert list(error.errors) == [
        "requirements[0].components[0].pct",
        "requirements[0].components[2].kind",
        "users[0].licenses[1].attributes[1]",
        "users[0].records[1].topics[1]",
        "users[1].records[0].topics",
    ]
    assert "performs_attest" in error.errors["users[0].licenses[1].attributes[1]"]


def test_a_topic_named_only_by_the_files_own_rule_is_accepted(db, system):
    """The file's rules are written before its records, so their topics may be used."""
    document = two_people_document()
    document["requirements"][0]["components"][1]["topic"] = "Atlantis Law"
    document["users"][0]["records"][1]["topics"] = ["atlantis law"]
    import_document(system, document)
    stored = CpeRecord.get(CpeRecord.title == "Texas ethics")
    assert records.topics_of(stored) == ["Atlantis Law"]
    assert "Atlantis Law" in requirements.known_topics()


def test_odd_unknown_key_is_quoted_in_the_path(system):
    document = two_people_document()
    document["users"][0]["records"][1]["bad\nkey"] = 1
    error = _rejected(system, document)
    assert list(error.errors) == ['users[0].records[1]["bad\\nkey"]']
    assert "\n" not in str(error)


def test_bad_value_deep_inside_is_refused_naming_its_path_and_nothing_is_written(system):
    users.create_user(system, {"name": "Already Here", "email": "here@example.com"})
    import_document(system, one_person_document())  # some data, and an activity/audit trail
    document = two_people_document()
    document["users"][1]["records"][4]["credits"][0]["credits"] = -2

    error = _rejected(system, document)

    path = "users[1].records[4].credits[0].credits"
    assert error.field == path
    assert str(error).startswith(f"{path}: ") and "negative" in str(error)


def test_every_problem_is_reported_at_once_in_document_order(system):
    document = two_people_document()
    document["users"][0]["email"] = "not an email"
    document["users"][0]["licenses"][0]["credential"] = "XYZ"
    document["users"][1]["records"][0]["completed_on"] = "2099-01-01"
    document["users"][1]["records"][1]["delivery_method"] = "Carrier pigeon"
    document["users"][1]["records"][2]["credits"] = []
    document["requirements"][0]["period_basis"] = "lunar"

    error = _rejected(system, document)

    assert list(error.errors) == [
        "requirements[0].period_basis",
        "users[0].email",
        "users[0].licenses[0].credential",
        "users[1].records[0].completed_on",
        "users[1].records[1].delivery_method",
        "users[1].records[2].credits",
    ]


def test_an_email_too_long_once_lower_cased_is_refused(system):
    document = two_people_document()
    document["users"][0]["email"] = "a@" + "İ" * 130 + ".com"  # "i̇" is two characters
    document["users"][1]["records"][0]["completed_on"] = "2099-01-01"
    error = _rejected(system, document)
    # Both found before writing (the service would only catch the email while writing).
    assert list(error.errors) == ["users[0].email", "users[1].records[0].completed_on"]


def test_same_email_twice_in_the_file_is_refused(system):
    document = two_people_document()
    document["users"][1]["email"] = "ALICE@example.com"
    error = _rejected(system, document)
    assert "users[1].email" in error.errors and "users[0]" in error.errors["users[1].email"]


@pytest.mark.parametrize(
    ("document", "field"),
    [
        ([], "document"),
        ({"users": []}, "format"),
        ({"format": "cpe-tracker/2", "users": []}, "format"),
        ({"format": "cpe-tracker/1"}, "users"),
        ({"format": "cpe-tracker/1", "users": {}}, "users"),
        ({"format": "cpe-tracker/1", "users": [3]}, "users[0]"),
    ],
)
def test_malformed_documents_are_refused(system, document, field):
    error = _rejected(system, document)
    assert error.field == field


def test_an_error_while_writing_rolls_everything_back(system, monkeypatch):
    import_document(system, one_person_document())
    real = json_format.bulk_records.insert
    calls = []

    def failing(ctx, new, progress=None):
        calls.append(len(new))
        if len(calls) == 2:  # the second person's records, after the first person's
            raise Conflict("simulated clash")
        return real(ctx, new, progress)

    monkeypatch.setattr(json_format.bulk_records, "insert", failing)
    before = table_counts()
    with pytest.raises(Conflict):
        import_document(system, two_people_document())
    assert len(calls) == 2 and calls[0] > 0
    assert table_counts() == before


def test_a_member_cannot_import_other_people(system):
    import_document(system, one_person_document("boss@example.com"))
    member = users.create_user(
        system, {"name": "Bob Member", "email": "bob@example.com", "role": "member"}
    ).value
    ctx = ServiceContext(Actor.for_user(member), system.clock)
    document = two_people_document()
    document["requirements"] = []
    for person in document["users"]:  # without the file's rule its topic is unknown
        for item in person["records"]:
            item["topics"] = []
    document["users"].reverse()  # Bob (themselves) first: their records go in before Alice fails
    before = table_counts()
    with pytest.raises(PermissionDenied):
        import_document(ctx, document)
    assert table_counts() == before


# --- files ----------------------------------------------------------------------------------------


def test_import_file_and_export_file_log_activity_and_write_the_document(system, tmp_path):
    source = tmp_path / "in.json"
    source.write_text(json.dumps(two_people_document()), encoding="utf-8-sig")
    summary = import_file(system, source)
    assert summary.records_added == 20 and "activity" in summary.changes

    target = tmp_path / "out.json"
    exported = export_file(system, target, "json")

    assert json.loads(target.read_text(encoding="utf-8")) == two_people_document()
    assert (exported.people, exported.licenses, exported.records) == (2, 3, 20)
    assert exported.describe().startswith("Exported 2 people, 3 licenses, 20 records")
    actions = [entry.action for entry in ActivityLog.select().order_by(ActivityLog.activity_log_id)]
    assert actions == ["imported in.json", "exported json"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("people.xls", b"\xd0\xcf\x11\xe0", ".json, .csv and .xlsx"),
        ("people", b"{}", ".json, .csv and .xlsx"),
        ("bad.json", b'{"format": "cpe-tracker/1", "users": [', "is not valid JSON"),
        ("twice.json", b'{"format": "cpe-tracker/1", "users": [], "users": []}', "twice"),
        ("latin.json", '{"format": "é"}'.encode("latin-1"), "UTF-8"),
    ],
)
def test_import_file_refuses_files_it_cannot_read(system, tmp_path, name, content, expected):
    path = tmp_path / name
    path.write_bytes(content)
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_file(system, path)
    assert caught.value.field == str(path) and expected in str(caught.value)
    assert table_counts() == before


def test_export_file_refuses_unknown_formats_and_unwritable_places(system, tmp_path):
    import_document(system, two_people_document())
    folder = tmp_path / "exports"
    folder.mkdir()
    with pytest.raises(ValidationError) as caught:
        export_file(system, folder / "out.pdf", "pdf")
    assert caught.value.field == "format"
    with pytest.raises(ValidationError, match="does not exist"):
        export_file(system, folder / "absent" / "out.json", "json")
    with pytest.raises(ValidationError, match="is a folder"):
        export_file(system, folder, "json")
    assert ActivityLog.select().count() == 0
    assert list(folder.iterdir()) == []  # no file, not even a temporary one


def test_import_file_refuses_a_missing_file(system, tmp_path):
    with pytest.raises(ValidationError, match="no such file"):
        import_file(system, tmp_path / "absent.json")


# --- Hypothesis -----------------------------------------------------------------------------------

_SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _import_never_crashes(ctx, document) -> None:
    before = table_counts()
    try:
        import_document(ctx, document)
    except ValidationError as exc:
        assert exc.errors and all(isinstance(name, str) and name for name in exc.errors)
        assert table_counts() == before
    except ServiceError:
        assert table_counts() == before


@_SETTINGS
@given(document=json_documents())
def test_arbitrary_documents_are_refused_cleanly(system, document):
    _import_never_crashes(system, document)


@_SETTINGS
@given(document=mutated_documents())
def test_mutated_valid_documents_are_imported_or_refused_cleanly(system, document):
    _import_never_crashes(system, document)


# --- schema 4 keys (ARCHITECTURE.md §4 and section 5)
# ------------------------------------------------

ATLANTIS_RULE = {
    "credential": "CPA",
    "jurisdiction": "Atlantis",
    "total_hours": 20,
    "period_years": 1,
    "period_basis": "calendar",
}


def _person(email, licenses, records_=()):
    return {
        "name": email.split("@")[0].title(),
        "email": email,
        "licenses": licenses,
        "records": list(records_),
    }


def _course(title, completed_on, **extra):
    return {
        "title": title,
        "completed_on": completed_on,
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 8}],
        **extra,
    }


def test_an_imported_license_is_tracked_from_its_holders_earliest_record(system):
    """ARCHITECTURE.md §4: without tracked_from, the start of the period (Atlantis: a calendar year)
    holding the holder's earliest record; with no records, the current period's start (the
    clock is at 15 June 2026); a tracked_from in the file is kept."""
    atlantis = {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2001-01-01"}
    document = {
        "format": "cpe-tracker/1",
        "requirements": [ATLANTIS_RULE],
        "users": [
            _person(
                "ann@example.com",
                [atlantis],
                [_course("Later", "2025-05-05"), _course("First", "2023-10-09")],
            ),
            _person("bob@example.com", [atlantis]),
            _person("cy@example.com", [{**atlantis, "tracked_from": "2019-01-01"}]),
        ],
    }
    import_document(system, document)
    tracked = {
        person["email"]: person["licenses"][0]["tracked_from"]
        for person in export_document(system)["users"]
    }
    assert tracked == {
        "ann@example.com": "2023-01-01",
        "bob@example.com": "2026-01-01",
        "cy@example.com": "2019-01-01",
    }


def test_a_program_cannot_start_after_it_ends(system):
    document = two_people_document()
    document["users"][1]["records"][2]["started_on"] = "2024-07-02"  # completed 2024-07-01
    error = _rejected(system, document)
    assert "2024-07-02 is after" in error.errors["users[1].records[2].started_on"]


@pytest.mark.parametrize(
    ("change", "key", "words"),
    [
        ({"opening_hours": -2}, "opening_hours", "at least 0"),
        ({"opening_hours": 1, "opening_ethics_hours": 2}, "opening_ethics_hours", "more than"),
        ({"home_jurisdiction": "new york"}, "home_jurisdiction", "another jurisdiction"),
        ({"tracked_from": "yesterday"}, "tracked_from", ""),
    ],
)
def test_bad_tracking_keys_are_named_by_path(system, change, key, words):
    document = two_people_document()
    document["users"][0]["licenses"][0].update(change)
    error = _rejected(system, document)
    assert words in error.errors[f"users[0].licenses[0].{key}"]


def test_every_schema_4_key_survives_export_and_import_into_an_empty_database(system, db, tmp_path):
    """ARCHITECTURE.md §2: license tracked_from, opening balance and home jurisdiction; record
    started_on;
    requirement cycle anchor, first period and its parameters, carryover scope, reciprocity."""
    rule = {
        **ATLANTIS_RULE,
        "period_years": 2,
        "ethics_hours": 4,
        "cycle_anchor": "license_number_parity",
        "cycle_parity_offset": 1,
        "first_period": "table",
        "first_period_hours_per_unit": 3,
        "first_period_unit_months": 3,
        "first_period_counts_issue_month": True,
        "first_period_ethics": 1.5,
        "first_period_table": [40, 30, 20.5, 0],
        "carryover_scope": "next_year",
        "reciprocity": "home_state_plus_ethics",
    }
    license_keys = {
        "tracked_from": "2022-01-01",
        "opening_hours": 12.5,
        "opening_ethics_hours": 2,
        "home_jurisdiction": "Lemuria",
    }
    conference = _course("Four-day conference", "2025-10-09", started_on="2025-10-06")
    conference["credits"] = [{"field": "Taxes", "credits": 30}]
    document = {
        "format": "cpe-tracker/1",
        "requirements": [rule],
        "users": [
            _person(
                "ann@example.com",
                [
                    {
                        "credential": "CPA",
                        "jurisdiction": "Atlantis",
                        "license_number": "A-17",
                        **license_keys,
                    }
                ],
                [conference],
            )
        ],
    }
    import_document(system, document)
    first = export_document(system)

    with other_database(tmp_path / "other.db", db):
        import_document(system, json.loads(json.dumps(first)))
        second = export_document(system)

    assert json.dumps(second, indent=2) == json.dumps(first, indent=2)
    (exported_rule,) = [r for r in second["requirements"] if r["jurisdiction"] == "Atlantis"]
    assert {key: exported_rule[key] for key in rule} == rule
    (license_,) = second["users"][0]["licenses"]
    assert {key: license_[key] for key in license_keys} == license_keys
    (record,) = second["users"][0]["records"]
    assert (record["started_on"], record["completed_on"]) == ("2025-10-06", "2025-10-09")


def test_unknown_keys_are_still_refused_beside_the_new_ones(system):
    document = two_people_document()
    document["users"][0]["licenses"][0]["tracked_since"] = "2020-01-01"
    document["users"][0]["records"][0]["start_date"] = "2024-01-17"
    error = _rejected(system, document)
    assert "not a known key" in error.errors["users[0].licenses[0].tracked_since"]
    assert "not a known key" in error.errors["users[0].records[0].start_date"]
