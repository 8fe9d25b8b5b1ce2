"""A person's owned sections of the ``cpe-tracker/1`` document (``interchange/sections``): the
declarations hold together, each section refuses a bad item at the section, the item and the
field, and a table joins the document, its checks, its import and the summary with one
declaration (ARCHITECTURE.md §5, Add a table, step 9)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import peewee
import pytest

from cpe_desktop.db.models import BaseModel, License, User
from cpe_desktop.services.changes import ALL_KINDS, REMINDERS
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import export_document, import_document, sections
from cpe_desktop.services.interchange.common import ImportSummary
from cpe_desktop.services.interchange.sections import SECTIONS, Section
from tests.helpers.interchange_documents import other_database, two_people_document

pytestmark = pytest.mark.usefixtures("seeded")


# --- the declarations -----------------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.name)
def test_each_declaration_names_its_models_columns(section: Section):
    fields = section.model._meta.fields
    assert isinstance(fields.get("user"), peewee.ForeignKeyField)
    assert section.name == section.model._meta.table_name
    for declared in section.fields:
        assert declared.attribute in fields, declared.key
        if declared.refers_to is not None:
            target = fields[declared.attribute].rel_model._meta.table_name
            assert (
                target == {"license": "licenses", "record": "cpe_records"}[declared.refers_to.what]
            )
    for column in (*section.order, *section.match, *filter(None, [section.unique])):
        assert column in fields, column
    assert section.kind in ALL_KINDS
    assert len(set(section.keys)) == len(section.keys)


def test_section_names_are_the_documents_own_keys():
    names = [section.name for section in SECTIONS]
    # the document's order: these three first (a section added later comes after them, so the
    # documents written before it keep their bytes)
    assert names[:3] == ["reminders", "notifications", "reports"]
    assert len(set(names)) == len(names)


# --- bad items ------------------------------------------------------------------------------------


def _refused(system, person_changes) -> dict[str, str]:
    document = two_people_document()
    person_changes(document["users"][0])
    with pytest.raises(ValidationError) as caught:
        import_document(system, document)
    return caught.value.errors


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.name)
def test_a_section_that_is_no_list_is_refused_naming_it(system, section: Section):
    errors = _refused(system, lambda alice: alice.update({section.name: "soon"}))

    assert errors == {f"users[0].{section.name}": f"must be a list of {section.name}, not text"}


@pytest.mark.parametrize("section", SECTIONS, ids=lambda section: section.name)
def test_an_item_is_refused_at_its_number_and_field(system, section: Section):
    def change(alice):
        alice[section.name] = [7, {"colour": "red"}]

    errors = _refused(system, change)

    where = f"users[0].{section.name}"
    assert (
        errors[f"{where}[0]"]
        == f"must be an object describing {section.one_in_words}, not a number"
    )
    assert errors[f"{where}[1].colour"] == (
        f"is not a known key (expected {', '.join(section.keys)})"
    )
    required = [name for name, message in errors.items() if message == "is required"]
    assert required  # every section has a field it cannot do without, named in the item
    assert {name.removeprefix(f"{where}[1].") for name in required} <= set(section.keys)


def test_a_reference_that_names_nothing_in_the_file_is_refused(system):
    def change(alice):
        alice["notifications"] = [
            {
                "message": "About a course",
                "kind": "deadline",
                "status": "pending",
                "created_at": "2026-01-02T03:04:05",
                "record": {"title": "No such course", "completed_on": "2025-01-01"},
                "license": ["CPA", "Texas"],
            }
        ]

    errors = _refused(system, change)

    assert errors == {
        "users[0].notifications[0].license": (
            "must be an object of credential, jurisdiction, license_number naming one of the "
            "person's licenses"
        ),
        "users[0].notifications[0].record": "names no record of this person in the file",
    }


def test_a_reports_data_must_be_json_text(system):
    def change(alice):
        alice["reports"] = [
            {"report_type": "progress", "created_at": "2026-01-02T03:04:05", "data": "{oops"}
        ]

    errors = _refused(system, change)

    assert errors == {"users[0].reports[0].data": "must be the report's data as JSON text"}


# --- the summary ----------------------------------------------------------------------------------


def test_a_sections_counts_read_as_the_summarys_own():
    summary = ImportSummary()
    with pytest.raises(AttributeError):
        summary.reminders_added  # noqa: B018  # not counted: not a JSON import
    summary.section("reminders", "reminder").added = 2
    summary.section("reports", "stored report").skipped = 1

    assert (summary.reminders_added, summary.reminders_skipped, summary.reports_skipped) == (
        2,
        0,
        1,
    )
    assert summary.describe() == (
        "Imported 0 people, 0 licenses, 0 records and 2 reminders; 0 records and 1 stored report "
        "already present was skipped."
    )


# --- a new table joins with one declaration -------------------------------------------------------


class ExampleItem(BaseModel):
    """The newcomers' example of ARCHITECTURE.md §5: a person's example items."""

    example_item_id = peewee.AutoField()
    user = peewee.ForeignKeyField(User, on_delete="CASCADE")
    title = peewee.CharField()
    planned_on = peewee.DateField()
    hours = peewee.DecimalField(max_digits=7, decimal_places=2, null=True)
    license = peewee.ForeignKeyField(License, null=True)
    created_at = peewee.DateTimeField()

    class Meta:
        table_name = "example_items"


PLANNED = Section(
    "example_items",
    ExampleItem,
    "example_item",  # the entity's name: read with spaces in the summary and the messages
    REMINDERS,  # a real change kind: the test has no view of its own to refresh
    (
        sections.text("title", required=True, max_length=200),
        sections.day("planned_on", required=True),
        sections.decimal("hours", minimum=1, maximum=100),
        sections.refers("license", sections.LICENSE),
    ),
    order=("planned_on", "title"),
    match=("title", "planned_on"),
    verb="plan courses",
)


@pytest.fixture
def planned(db, monkeypatch):
    """The declaration added, and the table in the test's database."""
    monkeypatch.setattr(sections, "SECTIONS", (*SECTIONS, PLANNED))
    db.create_tables([ExampleItem])
    return PLANNED


def test_a_new_owned_table_moves_with_the_account_by_one_declaration(system, db, tmp_path, planned):
    import_document(system, two_people_document())
    alice = User.get(User.email == "alice@example.com")
    texas = License.get((License.user == alice) & (License.jurisdiction == "Texas"))
    rows = (("Ethics", "2026-09-01", texas, 4), ("Audit", "2026-08-01", None, Decimal("1.5")))
    for title, day, license_, hours in rows:
        ExampleItem.create(
            user=alice,
            title=title,
            planned_on=day,
            hours=hours,
            license=license_,
            created_at=dt.datetime(2026, 1, 1),
        )

    document = export_document(system)

    assert document["users"][0]["example_items"] == [
        {"title": "Audit", "planned_on": "2026-08-01", "hours": 1.5, "license": None},
        {
            "title": "Ethics",
            "planned_on": "2026-09-01",
            "hours": 4,
            "license": {"credential": "CPA", "jurisdiction": "Texas", "license_number": "12345"},
        },
    ]
    assert "example_items" not in document["users"][1]  # Bob has none: not written
    with other_database(tmp_path / "fresh.db", db) as fresh:
        fresh.create_tables([ExampleItem])
        first = import_document(system, document)
        again = import_document(system, document)
        copied = [
            (row.title, row.planned_on, row.hours, row.license and row.license.jurisdiction)
            for row in ExampleItem.select().order_by(ExampleItem.title)
        ]
    assert copied == [
        ("Audit", dt.date(2026, 8, 1), Decimal("1.5"), None),
        ("Ethics", dt.date(2026, 9, 1), Decimal(4), "Texas"),
    ]
    assert first.example_items_added == 2 and "2 example items" in first.describe()
    assert REMINDERS in first.changes.kinds
    assert again.example_items_added == 0 and again.example_items_skipped == 2
    assert again.describe().startswith(
        "Imported 0 people, 0 licenses and 0 records; 20 records, 3 licenses, 1 requirement rule "
        "and 2 example items already present were skipped."
    )


def test_a_new_sections_bad_item_is_refused_like_the_others(system, planned):
    def change(alice):
        alice["example_items"] = [
            {"title": "", "planned_on": "someday", "hours": 0, "license": {"credential": "CPA"}}
        ]

    errors = _refused(system, change)

    where = "users[0].example_items[0]"
    assert set(errors) == {f"{where}.{key}" for key in ("title", "planned_on", "hours", "license")}
    assert errors[f"{where}.license"] == "names no license of this person in the file"


def test_a_required_day_and_a_decimal_say_what_is_wrong(system, planned):
    def change(alice):
        alice["example_items"] = [{"title": "T", "hours": 1.255, "license": None}]

    errors = _refused(system, change)

    where = "users[0].example_items[0]"
    assert errors[f"{where}.planned_on"] == "is required"
    assert errors[f"{where}.hours"] == "may have at most 2 decimal places"


def test_a_new_sections_item_that_is_no_object_is_named_in_words(system, planned):
    def change(alice):
        alice["example_items"] = ["Ethics"]

    errors = _refused(system, change)

    assert errors["users[0].example_items[0]"] == (
        "must be an object describing an example item, not text"
    )
