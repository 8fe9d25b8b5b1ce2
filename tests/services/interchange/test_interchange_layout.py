"""Finding the table in a real spreadsheet: the header below title rows, a merged two-row
header, the sheet with the records, and the rows that are not records (set aside with a reason).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.layout import looks_like
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import SetAside, csv_table, read_table


def _workbook(path, sheets):
    book = openpyxl.Workbook()
    book.remove(book.active)
    for title, rows in sheets:
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    book.save(path)
    return path


def test_a_plain_csv_reads_as_before():
    table = csv_table("Date,Course,Hours\n2024-01-02,Tax,2\n", "a.csv")
    assert (table.headers, table.header_row, [r.number for r in table.rows]) == (
        ("Date", "Course", "Hours"),
        1,
        [2],
    )
    assert table.set_aside == () and table.looks_like is None and table.header_depth == 1


def test_title_rows_above_the_header_are_skipped_in_a_csv():
    text = (
        "My CPE log,,,\n"
        "Jane Doe CPA - license 12345,,,\n"
        "\n"
        "Date,Course,Sponsor,CPE Hours\n"
        "3/14/2024,Tax update,State Society,8\n"
        "4/2/2024,Ethics,AICPA,4\n"
    )
    table = csv_table(text, "log.csv")
    assert table.header_row == 4
    assert table.headers == ("Date", "Course", "Sponsor", "CPE Hours")
    assert [r.number for r in table.rows] == [5, 6]
    assert set(guess_mapping(table.headers)) == {"completed_on", "title", "sponsor", "credits"}


def test_totals_and_year_headings_are_set_aside_with_reasons(tmp_path):
    path = tmp_path / "log.csv"
    path.write_text(
        "Date,Course,Sponsor,CPE Hours\n"
        "2023,,,\n"
        "3/14/2023,Tax update,State Society,8\n"
        "4/2/2023,Ethics,AICPA,4\n"
        "TOTAL,,,12\n"
        "2024,,,\n"
        "1/10/2024,Audit,AICPA,2\n"
        ",,,2\n"
        "Date,Course,Sponsor,CPE Hours\n"
        "* Hours are as shown on each certificate,,,\n",
        encoding="utf-8",
    )
    table = read_table(path)
    assert [r.number for r in table.rows] == [3, 4, 7]
    assert [(s.number, s.reason) for s in table.set_aside] == [
        (2, "a year heading ('2023'), not a course"),
        (5, "a totals line ('TOTAL'), not a course"),
        (6, "a year heading ('2024'), not a course"),
        (8, "a totals line without a label: its numbers are the sums of the rows above"),
        (9, "repeats the header row"),
        (10, "a note ('* Hours are as shown on each certificate'), not a course"),
    ]
    assert all(isinstance(s, SetAside) for s in table.set_aside)


def test_a_course_whose_title_starts_with_total_is_kept():
    table = csv_table(
        "Date,Course,Hours\n2024-01-02,Total Rewards and Compensation Planning,2\n"
        "2024-01-03,Total Quality,1\n",
        "a.csv",
    )
    assert [r.number for r in table.rows] == [2, 3] and table.set_aside == ()


def test_a_merged_two_row_header_is_joined_parent_child(tmp_path):
    path = _workbook(
        tmp_path / "form.xlsx",
        [
            (
                "CPE",
                [
                    ["Board of Accountancy - CPE reporting form"],
                    [],
                    ["Date", "Program", "Sponsor", "Hours", None, None],
                    [None, None, None, "A&A", "Tax", "Ethics"],
                    [dt.datetime(2024, 5, 1), "Year-end update", "Firm", 2, 3, None],
                    [dt.datetime(2024, 6, 1), "Ethics for CPAs", "Society", None, None, 4],
                    ["Total", None, None, 2, 3, 4],
                ],
            )
        ],
    )
    table = read_table(path)
    assert (table.header_row, table.header_depth) == (3, 2)
    assert table.headers == ("Date", "Program", "Sponsor", "Hours A&A", "Hours Tax", "Hours Ethics")
    assert [r.number for r in table.rows] == [5, 6]
    assert [(s.number, s.reason) for s in table.set_aside] == [
        (7, "a totals line ('Total'), not a course")
    ]


def test_a_field_descriptions_sheet_first_loses_to_the_records_sheet(tmp_path):
    headings = [
        "Program Title",
        "Sponsor Name",
        "NASBA Sponsor ID",
        "Date Completed",
        "Field of Study",
        "CPE Credits",
        "Delivery Method",
    ]
    path = _workbook(
        tmp_path / "upload.xlsx",
        [
            (
                "Field Descriptions",
                [["Field", "Description"], *[[h, f"What {h} holds"] for h in headings]],
            ),
            (
                "Credit Upload Template",
                [
                    headings,
                    ["Lease accounting", "Firm", "103456", dt.datetime(2024, 2, 1), "Accounting",
                     2, "Group Live"],
                ],
            ),
        ],
    )  # fmt: skip
    table = read_table(path)
    assert table.sheet == "Credit Upload Template"
    assert table.sheets == ("Field Descriptions", "Credit Upload Template")
    assert [r.number for r in table.rows] == [2]
    assert table.looks_like == "the NASBA CPE Audit Service credit upload template"
    # The person can still read the first sheet by name.
    assert read_table(path, "Field Descriptions").sheet == "Field Descriptions"


def test_an_explicit_header_row_overrides_the_guess(tmp_path):
    rows = [["Course", "Hours"], ["Date", "Title", "Credits"], ["2024-01-02", "Tax", 2]]
    path = _workbook(tmp_path / "a.xlsx", [("Sheet", rows)])
    assert read_table(path).header_row == 2
    table = read_table(path, header_row=1)
    assert table.headers == ("Course", "Hours") and [r.number for r in table.rows] == [2, 3]
    text = "title\n\nDate,Course,Hours\n2024-01-02,Tax,2\n"
    assert csv_table(text, "a.csv", header_row=3).headers == ("Date", "Course", "Hours")
    with pytest.raises(ValidationError, match="line 2 is blank"):
        csv_table(text, "a.csv", header_row=2)
    with pytest.raises(ValidationError, match="row 9 is blank or not in the file"):
        read_table(path, header_row=9)


def test_ties_go_to_the_earlier_row():
    table = csv_table("Date,Course\nDate,Course\n2024-01-02,Tax\n", "a.csv")
    assert table.header_row == 1
    assert [(s.number, s.reason) for s in table.set_aside] == [(2, "repeats the header row")]


def test_a_state_society_history_export_is_recognised():
    headings = [
        "Course/activity title",
        "Date of Course Completion",
        "CPE provider name",
        "CPE credit hours",
        "Subject Areas",
    ]
    assert looks_like(headings) == "a state society's CPE history export"
    assert looks_like(["Date", "Course", "Hours"]) is None


CORPUS = Path(__file__).resolve().parents[2] / "import_corpus"


@pytest.mark.parametrize(
    ("name", "layout"),
    [
        ("01_board_reporting_form.xlsx", "a state board's CPE reporting form"),
        ("02_board_worksheet.xlsx", "a state board's CPE worksheet"),
        ("03_board_classification_report.xlsx", "a board's CPE report by classification code"),
        ("04_nasba_audit_upload.xlsx", "the NASBA CPE Audit Service credit upload template"),
        ("05_platform_a_certificates.csv", "a compliance platform's certificate export"),
        ("06_platform_b_export.csv", "a CPE tracking platform's export"),
        ("07_society_cpe_history.csv", "a state society's CPE history export"),
        # Nothing in their headings says where they come from: a transcript names its provider
        # only in its title rows, and the log and the record list are a person's own.
        ("08_provider_transcript.xlsx", None),
        ("09_personal_log.xlsx", None),
        ("10_audit_record_list.xlsx", None),
    ],
)
def test_the_corpus_layouts_are_recognised_by_their_headings(name, layout):
    assert read_table(CORPUS / name).looks_like == layout


PLATFORM_A = [
    "Course Name",
    "Provider",
    "Sponsor ID",
    "Completion Date",
    "Delivery Method",
    "Subject Areas",
    "Total Credits",
    "Certificate",
]
PLATFORM_B = [
    "Title",
    "CPE provider name",
    "Start Date",
    "End Date",
    "Format",
    "Field of Study",
    "Credits Completed",
    "Status",
]


@pytest.mark.parametrize(
    ("headings", "layout"),
    [
        (PLATFORM_A, "a compliance platform's certificate export"),
        (PLATFORM_B, "a CPE tracking platform's export"),
    ],
)
def test_a_platform_export_is_recognised_with_one_column_dropped_or_reordered(headings, layout):
    assert looks_like(headings) == layout
    assert looks_like(list(reversed(headings))) == layout
    assert looks_like([h.upper() for h in headings]) == layout
    for dropped in range(len(headings)):
        assert looks_like(headings[:dropped] + headings[dropped + 1 :]) == layout
    # Two columns gone: no longer sure enough to say.
    assert looks_like(headings[2:]) is None


def test_a_platform_export_read_from_csv_says_so():
    text = (
        ",".join(PLATFORM_A) + "\nTax update,Firm,103456,03/22/2024,Group Live,Taxes (2),2,a.pdf\n"
    )
    assert csv_table(text, "export.csv").looks_like == "a compliance platform's certificate export"


def test_common_headings_are_not_mistaken_for_a_known_layout():
    for headings in (
        ["Date", "Course", "Hours"],
        ["Completion Date", "Course", "Delivery Method", "Field of Study", "CPE Credits"],
        ["Title", "Provider", "Date", "Format", "Field of Study", "Credits"],
        ["Course Name", "Provider", "Completion Date", "Field of Study", "Credits"],
        ["Title", "Start Date", "End Date", "Field of Study", "Credits"],
    ):
        assert looks_like(headings) is None, headings


def test_a_board_form_needs_its_hours_claimed_columns():
    form = ["Date(s) of program", "Program title", "Sponsor name", "Sponsor no."]
    assert looks_like(form) is None
    hours = ["CPE hours claimed Technical A&A", "CPE hours claimed Non-technical"]
    assert looks_like(form + hours) == "a state board's CPE reporting form"
    assert looks_like([*form, "CPE hours claimed"]) == "a state board's CPE reporting form"


def test_the_nasba_template_is_not_taken_for_a_platform_export():
    headings = [
        "Program Title",
        "Sponsor Name",
        "NASBA Sponsor ID",
        "Date Completed",
        "Field of Study",
        "CPE Credits",
        "Delivery Method",
        "Certificate",
    ]
    assert looks_like(headings) == "the NASBA CPE Audit Service credit upload template"
