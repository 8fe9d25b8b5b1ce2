"""Layouts beyond one row per field of study: hours spread over one column per field (a board's
reporting form), a combined subject cell ("Auditing (2), Taxes (2)"), a field or delivery
column found by what its cells say, and a file that never says how a course was delivered."""

from __future__ import annotations

from decimal import Decimal

import pytest

from cpe_desktop.services import users
from cpe_desktop.services.interchange.mapped_import import preview
from cpe_desktop.services.interchange.mapping import guess_columns, hour_columns
from cpe_desktop.services.interchange.tabular import csv_table
from cpe_desktop.services.interchange.vocabulary import combined_fields, field_in_heading
from cpe_desktop.services.records import NOT_STATED

# A board's CPE reporting form (the layout of e.g. a state board's renewal worksheet): a title
# line, then a three-row header with "CPE hours claimed" over "Technical" over its categories.
FORM = (
    "Continuing Professional Education Report,,,,,\n"
    ",,,,,\n"
    "Date,Program title,Sponsor name,CPE hours claimed,,\n"
    ",,,Technical,,Non-technical\n"
    ",,,A&A,Tax,\n"
    "2025-03-02,Audit sampling,Harbor Academy,3,,\n"
    "2025-04-09,Tax update,Harbor Academy,,4,2\n"
    "Total hours claimed,,,3,4,2\n"
)


@pytest.fixture
def pat(seeded, system):
    return users.create_user(system, {"name": "Pat", "email": "pat@example.com"}).value


def _credits(record) -> dict[str, Decimal]:
    return {line["field"]: Decimal(str(line["credits"])) for line in record.values["credits"]}


def test_hours_in_one_column_per_field_become_credit_lines(system, pat):
    table = csv_table(FORM, "form.csv")
    assert table.headers[3:] == (
        "CPE hours claimed Technical A&A",
        "CPE hours claimed Technical Tax",
        "CPE hours claimed Non-technical",
    )
    mapping = guess_columns(table)
    assert hour_columns(table, mapping) == {
        3: "Accounting",
        4: "Taxes",
        5: "Personal Development",
    }
    shown = preview(system, table, mapping, pat)
    assert shown.ok, shown.errors
    assert [_credits(r) for r in shown.records] == [
        {"Accounting": Decimal(3)},
        {"Taxes": Decimal(4), "Personal Development": Decimal(2)},
    ]
    assert [item.reason for item in table.set_aside] == [
        "a totals line ('Total hours claimed'), not a course"
    ]


def test_a_combined_subject_cell_is_split_and_must_agree_with_the_credits(system, pat):
    text = (
        "Completion Date,Course Title,Provider,Format,Subject Areas,Total Credits\n"
        '2025-05-01,Year-end update,ACME,Webinar,"Auditing (2), Taxes (2)",4\n'
        '2025-06-01,Ethics refresher,ACME,Webinar,"Regulatory Ethics (1), Taxes (2)",4\n'
    )
    table = csv_table(text, "platform.csv")
    shown = preview(system, table, guess_columns(table), pat)
    assert not shown.ok
    assert [e.message for e in shown.errors] == [
        "the fields' hours add up to 3, not the 4 credits in this row"
    ]
    fixed = csv_table(
        text.replace(
            '"Regulatory Ethics (1), Taxes (2)",4', '"Regulatory Ethics (1), Taxes (2)",3'
        ),
        "platform.csv",
    )
    shown = preview(system, fixed, guess_columns(fixed), pat)
    assert shown.ok, shown.errors
    assert _credits(shown.records[0]) == {"Auditing": Decimal(2), "Taxes": Decimal(2)}


def test_columns_found_by_what_their_cells_say(system, pat):
    """A personal log's "Type" column of board words (A&A, Tax, Ethics) is the field of study;
    the file never says how the courses were delivered: "Not stated", said in the preview."""
    text = (
        "Date,Course,Provider,Hours,Type\n"
        "2025-01-10,Audit basics,ACME,2,A&A\n"
        "2025-02-10,Tax update,ACME,3,Tax\n"
        "2025-03-10,Ethics,Board,4,Ethics\n"
    )
    table = csv_table(text, "log.csv")
    mapping = guess_columns(table)
    assert mapping["field_of_study"] == 4
    shown = preview(system, table, mapping, pat)
    assert shown.ok, shown.errors
    assert [r.values["delivery_method"] for r in shown.records] == [NOT_STATED] * 3
    assert [_credits(r) for r in shown.records] == [
        {"Accounting": Decimal(2)},
        {"Taxes": Decimal(3)},
        {"Regulatory Ethics": Decimal(4)},
    ]
    assert any(
        "no column says how the programs were delivered: marked 'Not stated'" in w
        for w in shown.warnings
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Auditing (2), Taxes (2)", [("Auditing", "2"), ("Taxes", "2")]),
        ("Taxes (4); Ethics (2)", [("Taxes", "4"), ("Regulatory Ethics", "2")]),
        ("Taxes (4)", None),  # one field: an ordinary cell
        ("Auditing (2), Underwater basket weaving (2)", None),
        ("Taxes", None),
    ],
)
def test_combined_fields(text, expected):
    assert combined_fields(text) == expected


@pytest.mark.parametrize(
    ("heading", "field"),
    [
        ("CPE hours claimed Technical A&A", "Accounting"),
        ("Hours: Tax", "Taxes"),
        ("CPE hours claimed Technical Other technical", "Specialized Knowledge"),
        ("CPE hours claimed Non-technical", "Personal Development"),
        ("Sponsor name", None),
    ],
)
def test_field_in_heading(heading, field):
    assert field_in_heading(heading) == field
