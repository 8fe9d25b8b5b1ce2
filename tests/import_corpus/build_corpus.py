"""Write the import corpus: fifteen spreadsheets in the layouts people hold, and a truth file each.

Run ``python tests/import_corpus/build_corpus.py`` from the repository root; it rewrites every
file here the same way each time (seeded data, fixed workbook dates). The layouts follow real
forms and exports
(see README.md for the sources); the people, courses and numbers are made up.

A truth file (``<file>.truth.json``) holds the records as the person means them: title,
completed_on, started_on (only for a range of days), sponsor, delivery_method and credits by
NASBA field of study, "Not stated" where the sheet does not say; ``columns``: which heading
holds which of our fields (as the heading reads, merged headings joined "Parent Child");
``constants``: what a person would type once for the whole file (a sponsor named only in the
title), and ``set_aside``: how many rows are not records (totals, year headings, notes).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import random
import re
import zipfile
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HERE = Path(__file__).resolve().parent
FIXED = dt.datetime(2026, 1, 2, 12, 0, 0)
NOT_STATED = "Not stated"
STAMP = FIXED.strftime("%Y-%m-%dT%H:%M:%SZ").encode()

TITLES = [
    "Revenue Recognition Deep Dive",
    "Lease Accounting Refresher",
    "Individual Tax Update",
    "S Corporation Basis Rules",
    "Partnership Allocations in Practice",
    "Fraud Risk in Small Entities",
    "Audit Sampling Essentials",
    "Governmental Reporting Update",
    "Data Analytics for Auditors",
    "Excel Power Query Basics",
    "Cybersecurity for Finance Teams",
    "Professional Ethics for CPAs",
    "State and Local Tax Nexus",
    "Estate and Gift Tax Planning",
    "Not-for-Profit Financial Statements",
    "Internal Controls Over Cash",
    "Cash Flow Forecasting",
    "Business Valuation Primer",
    "Employee Benefit Plan Audits",
    "Quality Management Standards",
    "International Tax Basics",
    "Payroll Tax Compliance",
    "Leading Remote Teams",
    "Writing Clear Engagement Letters",
    "Artificial Intelligence in Accounting",
    "Yellow Book Requirements",
    "Depreciation and Cost Recovery",
    "Trust Accounting Fundamentals",
    "Financial Statement Analysis",
    "Retirement Distributions Update",
]
SPONSORS = [
    ("Lakeside CPE Institute", "112233"),
    ("Summit Learning Group", "104455"),
    ("Prairie Society of CPAs", "100987"),
    ("Harbor Tax Academy", "118800"),
    ("Northwind Training LLC", "121212"),
    ("Granite Audit Seminars", "109090"),
]


def _day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(0, 360))


def _records(seed: int, count: int, fields: list[str], methods: list[str], years=(2023, 2025)):
    """``count`` made-up records: one field each, sometimes two; a few multi-day programs."""
    rng = random.Random(seed)
    titles = rng.sample(TITLES, count)
    found = []
    for index, title in enumerate(titles):
        sponsor, sponsor_id = rng.choice(SPONSORS)
        completed = _day(rng, rng.randint(*years))
        field = rng.choice(fields)
        credits = {
            field: str(
                rng.choice(
                    [
                        Decimal("1"),
                        Decimal("1.5"),
                        Decimal("2"),
                        Decimal("3"),
                        Decimal("4"),
                        Decimal("8"),
                    ]
                )
            )
        }
        if index % 5 == 3 and len(fields) > 1:
            other = rng.choice([f for f in fields if f != field])
            credits[other] = str(rng.choice([Decimal("1"), Decimal("2")]))
        record = {
            "title": title,
            "completed_on": completed.isoformat(),
            "sponsor": sponsor,
            "sponsor_id": sponsor_id,
            "delivery_method": rng.choice(methods),
            "credits": credits,
        }
        if index % 7 == 2:
            record["started_on"] = (completed - dt.timedelta(days=2)).isoformat()
        found.append(record)
    found.sort(key=lambda r: r["completed_on"])
    return found


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _total(record) -> Decimal:
    return sum((Decimal(v) for v in record["credits"].values()), Decimal(0))


def _us(day: dt.date, two_digit: bool = False) -> str:
    year = f"{day.year % 100:02d}" if two_digit else str(day.year)
    return f"{day.month}/{day.day}/{year}"


def _workbook() -> Workbook:
    wb = Workbook()
    wb.properties.created = FIXED
    wb.properties.modified = FIXED
    wb.properties.creator = "build_corpus.py"
    return wb


def _save(wb: Workbook, name: str) -> None:
    """Save with fixed dates inside the zip too, so a rebuild writes the same bytes."""
    raw = io.BytesIO()
    wb.save(raw)
    out = io.BytesIO()
    with zipfile.ZipFile(raw) as source, zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            info = zipfile.ZipInfo(item.filename, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            data = source.read(item.filename)
            if item.filename == "docProps/core.xml":  # openpyxl stamps the save time here
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*", rb"\g<1>" + STAMP, data)
            target.writestr(info, data)
    (HERE / name).write_bytes(out.getvalue())


def _truth(name: str, origin: str, records, columns, constants=None, set_aside=0, **extra):
    for record in records:
        record.pop("sponsor_id", None)
    data = {
        "file": name,
        "layout": origin,
        "columns": columns,
        "constants": constants or {},
        "set_aside": set_aside,
        "records": records,
        **extra,
    }
    text = json.dumps(data, indent=2, sort_keys=False) + "\n"
    (HERE / f"{name}.truth.json").write_text(text, encoding="utf-8")


def _write_csv(name: str, rows) -> None:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    (HERE / name).write_text(out.getvalue(), encoding="utf-8", newline="")


# --- 1. a state board's CPE reporting form: three-row merged header, hours by category ---------

BOARD_CATEGORIES = [  # (sub-heading, NASBA field)
    ("A&A", "Accounting"),
    ("Tax", "Taxes"),
    ("Other technical", "Specialized Knowledge"),
    ("Ethics", "Regulatory Ethics"),
    ("Non-technical", "Personal Development"),
]


def board_form() -> None:
    name = "01_board_reporting_form.xlsx"
    fields = [f for _, f in BOARD_CATEGORIES]
    records = _records(101, 18, fields, [NOT_STATED])
    wb = _workbook()
    ws = wb.active
    ws.title = "CPE Report"
    ws["A1"] = "STATE BOARD OF PUBLIC ACCOUNTANCY"
    ws["A2"] = "Continuing Professional Education Reporting Form"
    ws["A3"] = "Licensee name: Jordan Example          License no.: 0000000"
    for row in (1, 2, 3):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
    ws["A1"].font = Font(bold=True)
    # Row 5: parents; row 6: "Technical" / "Non-technical" groups; row 7: categories.
    ws["A5"] = "Date(s) of program"
    ws["B5"] = "Program title"
    ws["C5"] = "Sponsor name"
    ws["D5"] = "Sponsor no."
    ws["E5"] = "CPE hours claimed"
    ws.merge_cells("E5:I5")
    for column in "ABCD":
        ws.merge_cells(f"{column}5:{column}7")
    ws["E6"] = "Technical"
    ws.merge_cells("E6:H6")
    ws["I6"] = "Non-technical"
    ws.merge_cells("I6:I7")
    for offset, (heading, _) in enumerate(BOARD_CATEGORIES[:4]):
        ws.cell(row=7, column=5 + offset, value=heading)
    for cell in ws[5] + ws[6] + ws[7]:
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    row = 8
    for record in records:
        completed = _d(record["completed_on"])
        if "started_on" in record:
            started = _d(record["started_on"])
            when = f"{_us(started)} - {_us(completed)}"
        else:
            when = completed
        ws.cell(row=row, column=1, value=when)
        ws.cell(row=row, column=2, value=record["title"])
        ws.cell(row=row, column=3, value=record["sponsor"])
        ws.cell(row=row, column=4, value=record["sponsor_id"])
        for offset, (_, field) in enumerate(BOARD_CATEGORIES):
            if field in record["credits"]:
                ws.cell(row=row, column=5 + offset, value=float(record["credits"][field]))
        row += 1
    ws.cell(row=row, column=2, value="Total hours claimed")
    for offset, (_, field) in enumerate(BOARD_CATEGORIES):
        total = sum(Decimal(r["credits"].get(field, "0")) for r in records)
        ws.cell(row=row, column=5 + offset, value=float(total))
    ws.cell(row=row + 2, column=1, value="I certify that the above is true and correct.")
    _save(wb, name)
    columns = {
        "completed_on": "Date(s) of program",
        "title": "Program title",
        "sponsor": "Sponsor name",
        "sponsor_id": "Sponsor no.",
    }
    wide = {
        f"CPE hours claimed Technical {h}"
        if h != "Non-technical"
        else "CPE hours claimed Non-technical": f
        for h, f in BOARD_CATEGORIES
    }
    _truth(
        name,
        "state board CPE reporting form (three-row merged header, hours by category)",
        records,
        columns,
        set_aside=2,
        hour_columns=wide,
    )


# --- 2. another board's worksheet: subject words, two-digit years, format words -----------------


def board_worksheet() -> None:
    name = "02_board_worksheet.xlsx"
    words = {
        "Accounting": "Accounting",
        "Taxes": "Tax",
        "Regulatory Ethics": "Ethics",
        "Information Technology": "Technology",
        "Auditing": "Auditing",
    }
    methods = {
        "Group Live": "Seminar",
        "Group Internet Based": "Webinar",
        "QAS Self Study": "Self-study",
    }
    records = _records(202, 16, list(words), list(methods))
    for record in records:  # one subject a row on this worksheet
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
        record.pop("started_on", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "Worksheet"
    ws["A1"] = "CPE Worksheet - reporting period 2023-2025"
    ws.append([])
    ws.append(
        [
            "Date",
            "Course/activity title",
            "CPE provider name",
            "Format",
            "Subject",
            "CPE credit hours",
        ]
    )
    for record in records:
        field, hours = next(iter(record["credits"].items()))
        ws.append(
            [
                _us(_d(record["completed_on"]), two_digit=True),
                record["title"],
                record["sponsor"],
                methods[record["delivery_method"]],
                words[field],
                float(hours),
            ]
        )
    _save(wb, name)
    columns = {
        "completed_on": "Date",
        "title": "Course/activity title",
        "sponsor": "CPE provider name",
        "delivery_method": "Format",
        "field_of_study": "Subject",
        "credits": "CPE credit hours",
    }
    _truth(
        name,
        "board CPE worksheet (title row, words for subjects and formats, 3/14/24)",
        records,
        columns,
    )


# --- 3. a board's classification-code report: AA / TX / PSR / MS and a TOTAL line ---------------


def classification_report() -> None:
    name = "03_board_classification_report.xlsx"
    codes = {
        "Accounting": "AA",
        "Taxes": "TX",
        "Regulatory Ethics": "PSR",
        "Management Services": "MS",
    }
    records = _records(303, 20, list(codes), [NOT_STATED])
    for record in records:
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
        record.pop("started_on", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "CPE Report"
    ws["A1"] = "Continuing Professional Education Report"
    ws["A2"] = "Classification codes: AA accounting/auditing, TX tax, MS management services, "
    ws["A2"].value += "PSR professional standards and responsibilities"
    ws.append([])
    ws.append(
        [
            "Date of Course Completion",
            "Sponsor",
            "Exact Title of Course",
            "Classification",
            "CPE Credits",
        ]
    )
    for record in records:
        field, hours = next(iter(record["credits"].items()))
        ws.append(
            [
                _d(record["completed_on"]),
                record["sponsor"],
                record["title"],
                codes[field],
                float(hours),
            ]
        )
    ws.append(["TOTAL", None, None, None, float(sum(_total(r) for r in records))])
    _save(wb, name)
    columns = {
        "completed_on": "Date of Course Completion",
        "sponsor": "Sponsor",
        "title": "Exact Title of Course",
        "field_of_study": "Classification",
        "credits": "CPE Credits",
    }
    _truth(
        name,
        "board classification-code report (AA/TX/PSR/MS, TOTAL line)",
        records,
        columns,
        set_aside=1,
    )


# --- 4. the NASBA CPE Audit Service upload template: field descriptions sheet first -------------


def nasba_template() -> None:
    name = "04_nasba_audit_upload.xlsx"
    fields = ["Accounting", "Auditing", "Taxes", "Regulatory Ethics", "Finance"]
    methods = ["Group Live", "Group Internet Based", "QAS Self Study", "Nano Learning"]
    records = _records(404, 15, fields, methods)
    for record in records:
        record.pop("started_on", None)
    headers = [
        "Course Title",
        "Sponsor Name",
        "Sponsor ID",
        "Completion Date",
        "Delivery Method",
        "Field of Study",
        "CPE Credits",
        "Country",
        "State",
    ]
    wb = _workbook()
    info = wb.active
    info.title = "Field Descriptions"
    info.append(["Field", "Description", "Required"])
    for heading, text, required in [
        ("Course Title", "Title exactly as shown on the certificate", "Yes"),
        ("Sponsor Name", "Organization that issued the certificate", "Yes"),
        ("Sponsor ID", "NASBA registry number, if any", "No"),
        ("Completion Date", "MM/DD/YYYY", "Yes"),
        ("Delivery Method", "As shown on the certificate", "Yes"),
        ("Field of Study", "One row for each field of study on the certificate", "Yes"),
        ("CPE Credits", "Credits for this field of study", "Yes"),
        ("Country", "Where the program was held", "No"),
        ("State", "Where the program was held", "No"),
    ]:
        info.append([heading, text, required])
    ws = wb.create_sheet("Credit Upload Template")
    ws.append(headers)
    for record in records:
        for field, hours in record["credits"].items():
            ws.append(
                [
                    record["title"],
                    record["sponsor"],
                    record["sponsor_id"],
                    _us(_d(record["completed_on"])),
                    record["delivery_method"],
                    field,
                    float(hours),
                    "United States",
                    "",
                ]
            )
    _save(wb, name)
    columns = {
        "title": "Course Title",
        "sponsor": "Sponsor Name",
        "sponsor_id": "Sponsor ID",
        "completed_on": "Completion Date",
        "delivery_method": "Delivery Method",
        "field_of_study": "Field of Study",
        "credits": "CPE Credits",
    }
    _truth(
        name,
        "NASBA CPE Audit Service credit upload template (descriptions sheet first)",
        records,
        columns,
        sheet="Credit Upload Template",
    )


# --- 5. platform A: compliance summary export with combined "Subject Areas" ---------------------


def platform_a() -> None:
    name = "05_platform_a_certificates.csv"
    fields = [
        "Taxes",
        "Accounting",
        "Auditing",
        "Regulatory Ethics",
        "Behavioral Ethics",
        "Computer Software & Applications",
    ]
    methods = ["Group Internet Based", "QAS Self Study", "Group Live"]
    records = _records(505, 14, fields, methods)
    for record in records:
        record.pop("started_on", None)
    rows = [
        [
            "Course Name",
            "Provider",
            "Sponsor ID",
            "Completion Date",
            "Delivery Method",
            "Subject Areas",
            "Total Credits",
            "Certificate",
        ]
    ]
    for number, record in enumerate(records, 1):
        areas = ", ".join(f"{f} ({h})" for f, h in record["credits"].items())
        rows.append(
            [
                record["title"],
                record["sponsor"],
                record["sponsor_id"],
                _d(record["completed_on"]).strftime("%m/%d/%Y"),
                record["delivery_method"],
                areas,
                str(_total(record)),
                f"cert-{number:04d}.pdf",
            ]
        )
    _write_csv(name, rows)
    columns = {
        "title": "Course Name",
        "sponsor": "Provider",
        "sponsor_id": "Sponsor ID",
        "completed_on": "Completion Date",
        "delivery_method": "Delivery Method",
        "field_of_study": "Subject Areas",
        "credits": "Total Credits",
    }
    _truth(
        name, "compliance platform A certificates export (combined Subject Areas)", records, columns
    )


# --- 6. platform B: start/end dates, plain-word formats, "Credits Completed" --------------------


def platform_b() -> None:
    name = "06_platform_b_export.csv"
    fields = ["Taxes", "Accounting", "Finance", "Regulatory Ethics", "Information Technology"]
    methods = {
        "Group Live": "Conference",
        "Group Internet Based": "Virtual",
        "QAS Self Study": "On-Demand",
    }
    records = _records(606, 16, fields, list(methods))
    for record in records:
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
    rows = [
        [
            "Title",
            "CPE provider name",
            "Start Date",
            "End Date",
            "Format",
            "Field of Study",
            "Credits Completed",
            "Status",
        ]
    ]
    for record in records:
        field, hours = next(iter(record["credits"].items()))
        start = record.get("started_on", record["completed_on"])
        rows.append(
            [
                record["title"],
                record["sponsor"],
                start,
                record["completed_on"],
                methods[record["delivery_method"]],
                field,
                hours,
                "Approved",
            ]
        )
    _write_csv(name, rows)
    columns = {
        "title": "Title",
        "sponsor": "CPE provider name",
        "started_on": "Start Date",
        "completed_on": "End Date",
        "delivery_method": "Format",
        "field_of_study": "Field of Study",
        "credits": "Credits Completed",
    }
    _truth(
        name,
        "compliance platform B export (Start/End Date, Conference/Virtual/On-Demand)",
        records,
        columns,
    )


# --- 7. a state society's CPE-history CSV: "Taxes (8.0)", ranges in one cell -------------------


def society_history() -> None:
    name = "07_society_cpe_history.csv"
    society = "Prairie Society of CPAs"
    fields = ["Taxes", "Accounting", "Auditing", "Regulatory Ethics"]
    records = _records(707, 15, fields, ["Group Live", "Group Internet Based"])
    for record in records:
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
        record["sponsor"] = society
    rows = [
        ["Event Code", "Event Date", "Event Title", "Location", "Field of Study", "CPE Credits"]
    ]
    for number, record in enumerate(records, 1):
        field, hours = next(iter(record["credits"].items()))
        completed = _d(record["completed_on"])
        if "started_on" in record:
            when = f"{_us(_d(record['started_on']))} - {_us(completed)}"
        else:
            when = _us(completed)
        where = "Online" if record["delivery_method"] == "Group Internet Based" else "Columbus"
        rows.append(
            [
                f"EV{2300 + number}",
                when,
                record["title"],
                where,
                f"{field} ({Decimal(hours):.1f})",
                hours,
            ]
        )
    _write_csv(name, rows)
    for record in records:  # "Online"/"Columbus" is a place, not a delivery method
        record["delivery_method"] = NOT_STATED
    columns = {
        "completed_on": "Event Date",
        "title": "Event Title",
        "field_of_study": "Field of Study",
        "credits": "CPE Credits",
    }
    _truth(
        name,
        "state society CPE-history CSV (sponsor not a column, 'Taxes (8.0)', ranges)",
        records,
        columns,
        constants={"sponsor": society},
    )


# --- 8. a provider's certificate transcript: title rows, year sub-headings, totals --------------


def provider_transcript() -> None:
    name = "08_provider_transcript.xlsx"
    provider = "Summit Learning Group"
    fields = ["Accounting", "Auditing", "Taxes", "Finance", "Regulatory Ethics"]
    records = _records(808, 17, fields, ["QAS Self Study", "Group Internet Based"])
    for record in records:
        record["sponsor"] = provider
        record.pop("started_on", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "Transcript"
    ws["A1"] = f"{provider} - Transcript of CPE Credits"
    ws["A2"] = "Participant: Jordan Example"
    ws["A3"] = "Printed 01/02/2026"
    ws.append([])
    ws.append(
        [
            "Completion Date",
            "Course",
            "Course ID",
            "Delivery Method",
            "Field of Study",
            "CPE Credits",
        ]
    )
    set_aside = 0
    for year in sorted({r["completed_on"][:4] for r in records}):
        ws.append([year])
        set_aside += 1
        these = [r for r in records if r["completed_on"].startswith(year)]
        for number, record in enumerate(these, 1):
            for field, hours in record["credits"].items():
                ws.append(
                    [
                        _d(record["completed_on"]),
                        record["title"],
                        f"SLG-{year}-{number:03d}",
                        record["delivery_method"],
                        field,
                        float(hours),
                    ]
                )
        ws.append([None, f"Total {year}", None, None, None, float(sum(_total(r) for r in these))])
        set_aside += 1
    ws.append([None, "Total credits", None, None, None, float(sum(_total(r) for r in records))])
    _save(wb, name)
    columns = {
        "completed_on": "Completion Date",
        "title": "Course",
        "delivery_method": "Delivery Method",
        "field_of_study": "Field of Study",
        "credits": "CPE Credits",
    }
    _truth(
        name,
        "provider's certificate transcript (title rows, year headings, totals)",
        records,
        columns,
        constants={"sponsor": provider},
        set_aside=set_aside + 1,
    )


# --- 9. a personal Excel log: title row, "2 hrs", year subtotals, a 28.5-credit conference ------


def personal_log() -> None:
    name = "09_personal_log.xlsx"
    words = {
        "Taxes": "Tax",
        "Accounting": "A&A",
        "Regulatory Ethics": "Ethics",
        "Information Technology": "Technology",
    }
    records = _records(909, 20, list(words), [NOT_STATED])
    for record in records:
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
    big = records[len(records) // 2]
    big["credits"] = {next(iter(big["credits"])): "28.5"}
    big["started_on"] = (_d(big["completed_on"]) - dt.timedelta(days=3)).isoformat()
    wb = _workbook()
    ws = wb.active
    ws.title = "CPE"
    ws["A1"] = "My CPE log"
    ws.append([])
    ws.append(["Date", "Course", "Provider", "Hours", "Type", "Notes"])
    set_aside = 0
    for year in sorted({r["completed_on"][:4] for r in records}):
        these = [r for r in records if r["completed_on"].startswith(year)]
        for index, record in enumerate(these):
            field, hours = next(iter(record["credits"].items()))
            completed = _d(record["completed_on"])
            when = (
                f"{_us(_d(record['started_on']))} - {_us(completed)}"
                if "started_on" in record
                else completed
            )
            shown = f"{hours} hrs" if index % 3 == 0 else float(hours)
            note = "annual conference" if record is big else None
            ws.append([when, record["title"], record["sponsor"], shown, words[field], note])
        ws.append([None, None, f"{year} subtotal", float(sum(_total(r) for r in these))])
        set_aside += 1
    ws.append([None, None, "TOTAL", float(sum(_total(r) for r in records))])
    _save(wb, name)
    columns = {
        "completed_on": "Date",
        "title": "Course",
        "sponsor": "Provider",
        "credits": "Hours",
        "field_of_study": "Type",
        "notes": "Notes",
    }
    _truth(
        name,
        "personal Excel log (title row, '2 hrs', year subtotals, 28.5-credit program)",
        records,
        columns,
        set_aside=set_aside + 1,
    )


# --- 10. an audit record list: one row per field of study, record numbers, certificates ---------


def audit_list() -> None:
    name = "10_audit_record_list.xlsx"
    fields = [
        "Accounting",
        "Auditing",
        "Auditing (Governmental)",
        "Taxes",
        "Regulatory Ethics",
        "Specialized Knowledge",
    ]
    methods = ["Group Live", "Group Internet Based", "QAS Self Study", "Blended Learning"]
    records = _records(1010, 22, fields, methods)
    for record in records:
        record.pop("started_on", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "Records selected"
    ws.append(
        [
            "Record #",
            "Licensee",
            "Program Name",
            "Provider Name",
            "NASBA Sponsor ID",
            "Date Completed",
            "Delivery Method",
            "Field of Study",
            "Credits Earned",
            "Certificate on file",
        ]
    )
    for number, record in enumerate(records, 1):
        for field, hours in record["credits"].items():
            ws.append(
                [
                    number,
                    "Jordan Example",
                    record["title"],
                    record["sponsor"],
                    record["sponsor_id"],
                    _d(record["completed_on"]),
                    record["delivery_method"],
                    field,
                    float(hours),
                    "Yes",
                ]
            )
    _save(wb, name)
    columns = {
        "title": "Program Name",
        "sponsor": "Provider Name",
        "sponsor_id": "NASBA Sponsor ID",
        "completed_on": "Date Completed",
        "delivery_method": "Delivery Method",
        "field_of_study": "Field of Study",
        "credits": "Credits Earned",
    }
    _truth(name, "audit record list (one row per field of study)", records, columns)


# ================================================================================================
# 11-15: five layouts of other origins, built for the "tried as a new user would" check.
# They were written after the importer, from the sources in README.md, without tuning the
# importer on them: their words, headings and quirks are the sources', not the program's.
# ================================================================================================

TAX_TITLES = [
    "Form 1040 Update for Preparers",
    "Circular 230 and Due Diligence",
    "Representing Taxpayers in Collections",
    "Qualified Business Income Deduction",
    "Depreciation and Section 179",
    "Tax Law Changes for the Coming Season",
    "Schedule C Issues and Audits",
    "Offers in Compromise Workshop",
    "Education Credits and Dependents",
    "Penalty Abatement Strategies",
    "Rental Property Taxation",
    "Ethics for Tax Professionals",
    "Payroll Tax Problems",
    "Partnership Returns Basics",
    "Retirement Plan Distributions",
    "Earned Income Credit Due Diligence",
]
AUDIT_TITLES = [
    "Global Internal Audit Standards Update",
    "Auditing Third-Party Risk",
    "Fraud Investigations for Internal Auditors",
    "Data Analytics in the Audit Plan",
    "Auditing Cybersecurity Controls",
    "Ethics and the Internal Auditor",
    "Risk-Based Audit Planning",
    "Writing Effective Audit Reports",
    "ESG Assurance Basics",
    "Auditing Culture and Conduct",
    "Agile Auditing",
    "Continuous Monitoring Essentials",
    "Internal Audit Quality Assessments",
    "Root Cause Analysis",
    "IT General Controls Review",
    "Chapter Annual Conference",
]


def _records_from(titles, seed: int, count: int, fields, methods, years=(2024, 2025)):
    """Like ``_records`` with the layout's own titles: one field each, sometimes two."""
    rng = random.Random(seed)
    found = []
    for index, title in enumerate(rng.sample(titles, count)):
        sponsor, sponsor_id = rng.choice(SPONSORS)
        completed = _day(rng, rng.randint(*years))
        field = rng.choice(fields)
        credits = {field: str(rng.choice([Decimal(v) for v in ("1", "1.5", "2", "3", "4", "8")]))}
        if index % 5 == 3 and len(fields) > 1:
            other = rng.choice([f for f in fields if f != field])
            credits[other] = str(rng.choice([Decimal("1"), Decimal("2")]))
        found.append(
            {
                "title": title,
                "completed_on": completed.isoformat(),
                "sponsor": sponsor,
                "sponsor_id": sponsor_id,
                "delivery_method": rng.choice(methods),
                "credits": credits,
            }
        )
    found.sort(key=lambda r: r["completed_on"])
    return found


def _long(day: dt.date) -> str:
    return f"{day:%B} {day.day}, {day.year}"


# --- 11. a personal tracker made from a downloadable template: instructions sheet first --------


def tracker_template() -> None:
    name = "11_tracker_template.xlsx"
    words = {
        "Taxes": "Taxation",
        "Accounting": "Accounting",
        "Auditing": "Auditing",
        "Regulatory Ethics": "Ethics",
        "Specialized Knowledge": "Specialized Knowledge",
        "Computer Software & Applications": "Computer Software & Applications",
    }
    records = _records(1111, 16, list(words), [NOT_STATED], years=(2024, 2025))
    for record in records:  # the template has one category a row
        first = next(iter(record["credits"]))
        record["credits"] = {first: record["credits"][first]}
        record.pop("started_on", None)
    wb = _workbook()
    info = wb.active
    info.title = "Instructions"
    info["A1"] = "How to use this tracker"
    info["A3"] = "1. Enter one row per course on the 'CPE Log' tab as soon as you finish it."
    info["A4"] = "2. Save the certificate as a PDF and type its file name in the last column."
    info["A5"] = "3. The total at the bottom of the log adds up the hours for you."
    ws = wb.create_sheet("CPE Log")
    ws["A1"] = "CPE TRACKER"
    ws.merge_cells("A1:G1")
    ws["A1"].font = Font(bold=True, size=14)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws["A2"] = "Name:"
    ws["B2"] = "Jordan Example"
    ws["A3"] = "License #:"
    ws["B3"] = "CPA-012345"
    ws["A4"] = "Reporting period:"
    ws["B4"] = "1/1/2024 - 12/31/2025"
    ws.append([])
    ws.append(
        [
            "Date Completed",
            "Course / Activity Title",
            "Provider",
            "CPE Hours Earned",
            "Category",
            "Certification(s)",
            "Certificate File",
        ]
    )
    for index, record in enumerate(records):
        field, hours = next(iter(record["credits"].items()))
        completed = _d(record["completed_on"])
        when = _us(completed, two_digit=True) if index in (4, 11) else completed
        ws.append(
            [
                when,
                record["title"],
                record["sponsor"],
                float(hours),
                words[field],
                "CPA, CGMA" if index % 4 == 1 else "CPA",
                f"{completed.isoformat()} {record['sponsor'].split()[0]}.pdf",
            ]
        )
    for _ in range(4):  # the template's empty rows, left as they were
        ws.append([None] * 7)
    ws.append([None, "TOTAL HOURS", None, float(sum(_total(r) for r in records))])
    _save(wb, name)
    columns = {
        "completed_on": "Date Completed",
        "title": "Course / Activity Title",
        "sponsor": "Provider",
        "credits": "CPE Hours Earned",
        "field_of_study": "Category",
    }
    _truth(
        name,
        "personal tracker from a template (instructions sheet first, title block, TOTAL)",
        records,
        columns,
        set_aside=1,
    )


# --- 12. a provider's CPE-history download: report lines above the header, timestamps ----------


def provider_history() -> None:
    name = "12_provider_cpe_history.csv"
    provider, provider_id = "Northwind Training LLC", "121212"
    fields = [
        "Taxes",
        "Accounting",
        "Auditing",
        "Behavioral Ethics",
        "Information Technology",
        "Specialized Knowledge",
    ]
    methods = {
        "QAS Self Study": "QAS Self-Study",
        "Group Internet Based": "Group Internet-Based",
        "Nano Learning": "Nano",
    }
    records = _records(1212, 15, fields, list(methods))
    for record in records:
        record["sponsor"] = provider
        record.pop("started_on", None)
        if record["delivery_method"] == "Nano Learning":  # nano courses earn tenths: 0.2 steps
            first = next(iter(record["credits"]))
            record["credits"] = {first: "0.6"}
    rows = [
        [f"CPE History Report - {provider}"],
        ["Learner: Jordan Example (Learner ID 558201)"],
        ["Generated: 01/02/2026 09:15 AM"],
        [],
        [
            "Course Name",
            "Course ID",
            "Completion Date",
            "Credits",
            "Field of Study",
            "Delivery Method",
            "Sponsor ID",
            "Status",
            "Certificate Number",
        ],
    ]
    rng = random.Random(1213)
    for number, record in enumerate(records, 1):
        completed = _d(record["completed_on"])
        stamp = f"{completed:%m/%d/%Y} {rng.randint(8, 11):02d}:{rng.randint(0, 59):02d} AM"
        for field, hours in record["credits"].items():  # one line per field of study
            rows.append(
                [
                    record["title"],
                    f"NW-{4000 + number}",
                    stamp,
                    f"{Decimal(hours):.1f}",
                    field,
                    methods[record["delivery_method"]],
                    provider_id,
                    "Completed",
                    f"C{880000 + number * 7}",
                ]
            )
    for title in ("Leases Update 2026", "Not-for-Profit Audit Issues"):  # not finished yet
        rows.append(
            [
                title,
                "NW-4999",
                "",
                "",
                "Accounting",
                "QAS Self-Study",
                provider_id,
                "In Progress",
                "",
            ]
        )
    _write_csv(name, rows)
    columns = {
        "title": "Course Name",
        "completed_on": "Completion Date",
        "credits": "Credits",
        "field_of_study": "Field of Study",
        "delivery_method": "Delivery Method",
        "sponsor_id": "Sponsor ID",
    }
    _truth(
        name,
        "provider's CPE-history CSV (report lines above the header, time stamps, in-progress rows)",
        records,
        columns,
        constants={"sponsor": provider},
        set_aside=2,
    )


# --- 13. an internal auditor's IIA CPE log: ethics hours included in the hours, year blocks -----


def iia_log() -> None:
    name = "13_iia_cpe_log.xlsx"
    words = {
        "Group Live": "Seminar",
        "QAS Self Study": "Self-study",
        "Group Internet Based": "Webinar",
        "Conference": "Conference",
        "Online": "Online",
    }
    records = _records_from(AUDIT_TITLES, 1313, 14, [NOT_STATED], list(words))
    rng = random.Random(1314)
    shown = []
    for record in records:
        hours = _total(record)
        if record["title"].startswith("Chapter"):
            hours, record["delivery_method"] = Decimal("16"), "Conference"
            record["started_on"] = (_d(record["completed_on"]) - dt.timedelta(days=1)).isoformat()
        ethics = Decimal(0)
        if "Ethics" in record["title"]:
            ethics = hours
        elif rng.random() < 0.25 and hours >= 2:
            ethics = Decimal(1)
        credits = {}
        if hours - ethics:
            credits[NOT_STATED] = str((hours - ethics).normalize())
        if ethics:
            credits["Regulatory Ethics"] = str(ethics.normalize())
        record["credits"] = credits
        word = words[record["delivery_method"]]
        shown.append((record, hours, ethics, word))
        # The sheet's words as a careful reader takes them: a conference is group live; "Online"
        # alone does not say whether it was live or self-study.
        record["delivery_method"] = {
            "Conference": "Group Live",
            "Online": NOT_STATED,
        }.get(record["delivery_method"], record["delivery_method"])
        record.pop("sponsor_id", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "CPE log"
    ws["A1"] = "CIA - CPE log for annual reporting (IIA CCMS)"
    ws["A2"] = "IIA member no. 1234567 - practising: 40 hours a year, of which 2 hours ethics"
    ws.merge_cells("A1:G1")
    ws.merge_cells("A2:G2")
    ws.append([])
    ws.append(
        [
            "Date",
            "Activity",
            "Sponsoring organization",
            "Type",
            "CPE hours",
            "Ethics hours (included in CPE hours)",
            "Documentation",
        ]
    )
    set_aside = 0
    for year in sorted({r["completed_on"][:4] for r in records}):
        ws.append([f"Year {year}"])
        set_aside += 1
        these = [item for item in shown if item[0]["completed_on"].startswith(year)]
        for record, hours, ethics, word in these:
            completed = _d(record["completed_on"])
            when = (
                f"{_us(_d(record['started_on']))} - {_us(completed)}"
                if "started_on" in record
                else completed
            )
            ws.append(
                [
                    when,
                    record["title"],
                    record["sponsor"],
                    word,
                    float(hours),
                    float(ethics) if ethics else None,
                    "certificate" if word != "Conference" else "attendance letter",
                ]
            )
        total = sum(h for _, h, _, _ in these)
        ethics_total = sum(e for _, _, e, _ in these)
        ws.append([None, f"Total {year}", None, None, float(total), float(ethics_total)])
        set_aside += 1
    ws.append([])
    ws.append(["Reported in CCMS before 31 December each year."])
    set_aside += 1
    _save(wb, name)
    columns = {
        "completed_on": "Date",
        "title": "Activity",
        "sponsor": "Sponsoring organization",
        "delivery_method": "Type",
    }
    _truth(
        name,
        "internal auditor's IIA CPE log (ethics hours inside the hours, year blocks, 'Online')",
        records,
        columns,
        set_aside=set_aside,
        hour_columns={
            "CPE hours": "total, of which the ethics hours",
            "Ethics hours (included in CPE hours)": "Regulatory Ethics",
        },
    )


# --- 14. an enrolled agent's CE record: IRS categories as hour columns, program numbers ---------

EA_CATEGORIES = [  # (heading, IRS program-number letter, NASBA field)
    ("Federal Tax Law", "T", "Taxes"),
    ("Federal Tax Law Updates", "U", "Taxes"),
    ("Ethics", "E", "Regulatory Ethics"),
]


def ea_record() -> None:
    name = "14_ea_ce_record.xlsx"
    words = {
        "Group Internet Based": "Live webinar",
        "QAS Self Study": "Self-study",
        "Group Live": "In person",
    }
    records = _records_from(TAX_TITLES, 1414, 15, ["T", "U", "E"], list(words))
    rng = random.Random(1415)
    rows = []
    for record in records:
        by_letter = dict(record["credits"])
        if "Ethics" in record["title"] or "Circular 230" in record["title"]:
            by_letter = {"E": "2"}
        letter = next(iter(by_letter))
        year = record["completed_on"][2:4]
        code = rng.choice(["4QXT7", "9BRN2", "K3LMW"])
        program = f"{code}-{letter}-{rng.randint(100, 999):05d}-{year}"
        rows.append((record, by_letter, program))
        credits: dict[str, Decimal] = {}
        for _, letter_, field in EA_CATEGORIES:
            if letter_ in by_letter:
                credits[field] = credits.get(field, Decimal(0)) + Decimal(by_letter[letter_])
        record["credits"] = {f: str(c.normalize()) for f, c in credits.items()}
        record.pop("started_on", None)
    wb = _workbook()
    ws = wb.active
    ws.title = "CE record"
    ws["A1"] = "ENROLLED AGENT - CONTINUING EDUCATION RECORD"
    ws["A2"] = (
        "Enrollment cycle 2024-2026: 72 hours, at least 16 a year including 2 hours of ethics"
    )
    ws["A3"] = "PTIN P01234567"
    for row in (1, 2, 3):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=9)
    headings = ["Date completed", "Program title", "CE provider", "IRS program number", "Format"]
    for column, heading in enumerate(headings, 1):
        ws.cell(row=5, column=column, value=heading)
        ws.merge_cells(start_row=5, start_column=column, end_row=6, end_column=column)
    ws.cell(row=5, column=6, value="Hours by IRS category")
    ws.merge_cells(start_row=5, start_column=6, end_row=5, end_column=9)
    for offset, heading in enumerate([h for h, _, _ in EA_CATEGORIES] + ["Total"]):
        ws.cell(row=6, column=6 + offset, value=heading)
    for cell in ws[5] + ws[6]:
        cell.alignment = Alignment(horizontal="center", wrap_text=True)
    row = 7
    set_aside = 0
    for year in sorted({r["completed_on"][:4] for r in records}):
        these = [item for item in rows if item[0]["completed_on"].startswith(year)]
        for record, by_letter, program in these:
            values = [
                _d(record["completed_on"]),
                record["title"],
                record["sponsor"],
                program,
                words[record["delivery_method"]],
            ]
            values += [
                float(by_letter[letter]) if letter in by_letter else None
                for _, letter, _ in EA_CATEGORIES
            ]
            values.append(float(_total(record)))
            for column, value in enumerate(values, 1):
                ws.cell(row=row, column=column, value=value)
            row += 1
        ws.cell(row=row, column=2, value=f"{year} total")
        for offset, (_, letter, _) in enumerate(EA_CATEGORIES):
            amount = sum(Decimal(b.get(letter, "0")) for _, b, _ in these)
            ws.cell(row=row, column=6 + offset, value=float(amount))
        ws.cell(row=row, column=9, value=float(sum(_total(r) for r, _, _ in these)))
        row += 2  # a blank row after each year
        set_aside += 1
    _save(wb, name)
    columns = {
        "completed_on": "Date completed",
        "title": "Program title",
        "sponsor": "CE provider",
        "delivery_method": "Format",
    }
    _truth(
        name,
        "enrolled agent's IRS CE record (IRS categories as merged hour columns, program numbers)",
        records,
        columns,
        set_aside=set_aside,
        hour_columns={
            "Hours by IRS category Federal Tax Law": "Taxes",
            "Hours by IRS category Federal Tax Law Updates": "Taxes",
            "Hours by IRS category Ethics": "Regulatory Ethics",
        },
    )


# --- 15. a firm's training-system export: employee columns, dates as text, registered rows -----


def firm_lms_export() -> None:
    name = "15_firm_lms_export.csv"
    firm = "Birch & Vale LLP"
    categories = {
        "Accounting": "Accounting",
        "Auditing": "Auditing",
        "Taxes": "Tax",
        "Regulatory Ethics": "Ethics",
        "Information Technology": "Technology",
        "Personal Development": "Personal Development",
    }
    types = {
        "Group Live": "Classroom",
        "Group Internet Based": "Virtual Classroom",
        "QAS Self Study": "Self-Study",
    }
    records = _records(1515, 18, list(categories), list(types))
    rows = [
        [
            "Employee ID",
            "Last Name",
            "First Name",
            "Office",
            "Course Title",
            "Course Code",
            "Training Type",
            "Category",
            "Start Date",
            "Completion Date",
            "Hours Earned",
            "Status",
            "Provider",
        ]
    ]
    for number, record in enumerate(records, 1):
        if number % 4 == 0:
            record["sponsor"] = firm  # the firm's own courses
        completed = _d(record["completed_on"])
        started = _d(record["started_on"]) if "started_on" in record else completed
        show = _long if number % 3 == 0 else (lambda day: _us(day, two_digit=True))
        for field, hours in record["credits"].items():  # one line per category
            rows.append(
                [
                    "E10442",
                    "Example",
                    "Jordan",
                    "Columbus",
                    record["title"],
                    f"LC-{700 + number}",
                    types[record["delivery_method"]],
                    categories[field],
                    show(started),
                    show(completed),
                    str(Decimal(hours)),
                    "Completed",
                    record["sponsor"],
                ]
            )
    rows.append(
        [
            "E10442",
            "Example",
            "Jordan",
            "Columbus",
            "Leadership Essentials",
            "LC-799",
            "Classroom",
            "Personal Development",
            "",
            "",
            "",
            "Registered",
            firm,
        ]
    )
    rows.append([])
    rows.append(
        ["Report generated 1/2/26 by LearnCenter", "", "", "", "", "", "", "", "", "", "", "", ""]
    )
    _write_csv(name, rows)
    columns = {
        "title": "Course Title",
        "delivery_method": "Training Type",
        "field_of_study": "Category",
        "started_on": "Start Date",
        "completed_on": "Completion Date",
        "credits": "Hours Earned",
        "sponsor": "Provider",
    }
    _truth(
        name,
        "firm's training-system CSV (employee columns, '3/14/24', 'March 14, 2024', registered)",
        records,
        columns,
        set_aside=2,
    )


BUILDERS = [
    board_form,
    board_worksheet,
    classification_report,
    nasba_template,
    platform_a,
    platform_b,
    society_history,
    provider_transcript,
    personal_log,
    audit_list,
    # Tried first as a new user would, before the importer knew them (README.md).
    tracker_template,
    provider_history,
    iia_log,
    ea_record,
    firm_lms_export,
]


def main() -> None:
    for build in BUILDERS:
        build()


if __name__ == "__main__":
    main()
