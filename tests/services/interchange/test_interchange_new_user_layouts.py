"""What five spreadsheets of other origins taught the importer (tests/import_corpus 11–15, tried
first as a new user would): a learning system's status column, the ethics hours a log keeps
inside its total, the IRS's tax categories, a training type or CE provider under its own name,
and warnings that stay honest when some rows cannot be imported."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cpe_desktop.rules import fields as f
from cpe_desktop.services import users
from cpe_desktop.services.interchange.mapped_import import preview
from cpe_desktop.services.interchange.mapping import ETHICS_PART, guess_columns, guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table
from cpe_desktop.services.interchange.vocabulary import field_in_heading
from cpe_desktop.services.records import NOT_STATED


@pytest.fixture
def jordan(seeded, system):
    return users.create_user(system, {"name": "Jordan", "email": "jordan@example.com"}).value


def _preview(system, person, text: str, **options):
    table = csv_table(text, "log.csv")
    return preview(system, table, guess_columns(table), person, **options)


def _lines(record) -> dict[str, Decimal]:
    return {line["field"]: Decimal(str(line["credits"])) for line in record.values["credits"]}


def test_rows_a_status_column_calls_not_completed_are_set_aside(system, jordan):
    """A firm's LMS export lists courses registered for: not CPE taken, so not records."""
    shown = _preview(
        system,
        jordan,
        "Course Title,Training Type,Category,Completion Date,Hours Earned,Status\n"
        "Lease accounting,Classroom,Accounting,3/14/24,4,Completed\n"
        "Leadership Essentials,Classroom,Personal Development,,,Registered\n"
        "Data tools,Self-Study,Technology,,,In Progress\n",
    )
    assert shown.ok, shown.error_dict()
    assert [r.values["title"] for r in shown.records] == ["Lease accounting"]
    reasons = [aside.reason for aside in shown.table.set_aside]
    assert reasons == [
        "not completed (status 'Registered'), not a course taken",
        "not completed (status 'In Progress'), not a course taken",
    ]


def test_ethics_hours_included_in_the_total_split_the_credits(system, jordan):
    """An IIA log: "CPE hours" 3 with "Ethics hours (included in CPE hours)" 1 is 2 hours in
    the row's field (not stated) and 1 of Regulatory Ethics; all-ethics stays one line."""
    text = (
        "Date,Activity,Sponsoring organization,Type,CPE hours,"
        "Ethics hours (included in CPE hours)\n"
        "2025-01-09,ESG Assurance Basics,Summit,Seminar,3,1\n"
        "2025-08-26,Ethics and the Internal Auditor,Harbor,Self-study,4,4\n"
        "2025-09-17,Data Analytics,Harbor,Seminar,4,\n"
    )
    table = csv_table(text, "iia.csv")
    mapping = guess_columns(table)
    assert mapping[ETHICS_PART] == 5 and mapping["credits"] == 4 and mapping["title"] == 1
    shown = preview(system, table, mapping, jordan)
    assert shown.ok, shown.error_dict()
    assert [_lines(r) for r in shown.records] == [
        {NOT_STATED: Decimal(2), f.REGULATORY_ETHICS: Decimal(1)},
        {f.REGULATORY_ETHICS: Decimal(4)},
        {NOT_STATED: Decimal(4)},
    ]


def test_more_ethics_hours_than_credits_is_a_problem_of_that_row(system, jordan):
    shown = _preview(
        system,
        jordan,
        "Date,Activity,Type,CPE hours,Ethics hours (included in CPE hours)\n"
        "2025-01-09,Too much ethics,Seminar,2,3\n"
        "2025-01-10,Fine,Seminar,2,1\n",
    )
    assert not shown.ok
    assert [row.number for row in shown.bad_rows] == [2]
    assert "3 ethics hours cannot be part of 2 credits" in shown.bad_rows[0].reasons[0]
    assert [r.values["title"] for r in shown.importable] == ["Fine"]


def test_a_plain_ethics_hours_column_is_not_guessed_as_a_part_of_the_credits():
    assert ETHICS_PART not in guess_mapping(["Date", "Course", "CPE hours", "Ethics hours"])


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("Hours by IRS category Federal Tax Law", f.TAXES),
        ("Hours by IRS category Federal Tax Law Updates", f.TAXES),
        ("Hours by IRS category Ethics", f.REGULATORY_ETHICS),
        ("Business Law", f.BUSINESS_LAW),
    ],
)
def test_the_irs_categories_name_their_fields_by_their_longest_words(heading, field):
    assert field_in_heading(heading) == field


def test_training_type_and_ce_provider_are_found_and_read(system, jordan):
    """The LMS's "Training Type" (Classroom, Virtual Classroom, Self-Study) is the delivery
    method, found by what its cells say; the IRS's "CE provider" is the sponsor."""
    shown = _preview(
        system,
        jordan,
        "Course Title,Training Type,Category,Completion Date,Hours Earned,CE provider\n"
        "A,Classroom,Taxes,3/14/24,4,Lakeside\n"
        "B,Virtual Classroom,Taxes,3/15/24,2,Lakeside\n"
        "C,Self-Study,Taxes,3/16/24,1,Lakeside\n",
    )
    assert shown.ok, shown.error_dict()
    assert [r.values["delivery_method"] for r in shown.records] == [
        f.GROUP_LIVE,
        f.GROUP_INTERNET_BASED,
        f.QAS_SELF_STUDY,
    ]
    assert {r.values["sponsor"] for r in shown.records} == {"Lakeside"}


def test_a_column_of_mostly_vague_words_is_still_found_and_its_words_asked(system, jordan):
    """ "Type" of Seminar / Online / Online: found as the delivery method, the vague "Online"
    rows waiting for the person (never stored as "Not stated" while the sheet says more)."""
    shown = _preview(
        system,
        jordan,
        "Date,Activity,Type,CPE hours\n"
        "2025-01-09,A,Seminar,1\n2025-01-10,B,Online,1\n2025-01-11,C,Online,1\n",
    )
    assert [r.values["delivery_method"] for r in shown.importable] == [f.GROUP_LIVE]
    assert [row.number for row in shown.bad_rows] == [3, 4]


def test_warnings_count_only_the_records_imported_and_stay_when_rows_fail(system, jordan):
    """With a problem row, the good records' notes are still said, counted on them alone: no
    field column, a column nobody chose."""
    shown = _preview(
        system,
        jordan,
        "Date,Activity,Type,CPE hours,Documentation\n"
        "2025-01-09,A,Seminar,1,certificate\n"
        "2025-01-10,B,Seminar,two,certificate\n",
    )
    assert not shown.ok and len(shown.importable) == 1
    assert "1 record: no column says each course's field of study" in " ".join(shown.warnings)
    unchosen = [w for w in shown.warnings if w.startswith("not imported (no field chosen")]
    assert len(unchosen) == 1 and "'Documentation'" in unchosen[0]
