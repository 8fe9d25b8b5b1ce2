"""A stored report as files: CSV and XLSX here, PDF through a renderer the caller passes in.

Both spreadsheet forms are built from the same tables (``tables_of``): a progress report has a
sheet of licenses, one of the records that count and, where there are any, one of annual
minimums and one of requirement components (most missing first, headline figures marked); a
firm summary has one sheet. XLSX cells keep their types (dates are dates, hours are numbers) so
a spreadsheet can sort and sum them; CSV writes ISO dates and plain numbers. Text
that a spreadsheet would run as a formula (a course titled ``=HYPERLINK(...)``) is neutralised
with the same ``'`` prefix the records export uses, and ``csv_format.restore`` gives it back.

Files are written whole or not at all (a temporary file in the same folder, then a rename).
PDF needs Qt, which this layer must not import: ``export_report`` takes a ``render_pdf``
callable (``ui.report_pdf.render_pdf``) that turns the stored data into bytes.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from cpe_desktop.rules.wording import hours_text
from cpe_desktop.services.audit import activity
from cpe_desktop.services.changes import ACTIVITY, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.files import write_bytes
from cpe_desktop.services.interchange.common import write_file
from cpe_desktop.services.interchange.csv_format import neutralise
from cpe_desktop.services.reporting import reports

EXPORT_FORMATS = ("pdf", "csv", "xlsx")
MAX_NAME = 80
# Separators, characters Windows reserves, and the C0 and C1 control characters: each run
# becomes "_".
_UNSAFE = re.compile(r'[\x00-\x1f\x7f-\x9f<>:"/\\|?*]+')
# Direction marks, embeddings, overrides and isolates: invisible, yet they reorder what a file
# manager shows ("invoice\u202efdp.exe" reads as "invoiceexe.pdf"), so they are dropped.
_BIDI_CONTROLS = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
TEXT, DATE, NUMBER = "text", "date", "number"
MAX_WIDTH = 60

RenderPdf = Callable[[dict[str, Any]], bytes]


@dataclass(frozen=True)
class Table:
    """One sheet: a name, (header, kind) columns and rows of typed values (None = empty)."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: list[list[Any]] = field(default_factory=list)


def _date(text: str | None) -> dt.date | None:
    return dt.date.fromisoformat(text) if text else None


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def _fields(record: dict[str, Any]) -> str:
    return "; ".join(
        f"{line['field']} {hours_text(Decimal(str(line['credits'])))}" for line in record["fields"]
    )


_LICENSE_COLUMNS = (
    ("Credential", TEXT),
    ("Jurisdiction", TEXT),
    ("License number", TEXT),
    ("Status", TEXT),
    ("Period start", DATE),
    ("Period end", DATE),
    ("Days left", NUMBER),
    ("Required total", NUMBER),
    ("Counted total", NUMBER),
    ("Carryover in", NUMBER),
    ("Required ethics", NUMBER),
    ("Counted ethics", NUMBER),
    ("Shortfall total", NUMBER),
    ("Shortfall ethics", NUMBER),
    ("What is needed", TEXT),
)


def _license_row(lic: dict[str, Any]) -> list[Any]:
    return [
        lic["credential"],
        lic["jurisdiction"],
        lic.get("license_number"),
        reports.STATUS_WORDS.get(lic["status"], lic["status"]),
        _date(lic["period_start"]),
        _date(lic["period_end"]),
        lic["days_left"],
        lic["required_total"],
        lic["counted_total"],
        lic["carryover_in"],
        lic["required_ethics"],
        lic["counted_ethics"],
        lic["shortfall_total"],
        lic["shortfall_ethics"],
        # The one plain sentence, and tracked overdue history said apart.
        ". ".join(t for t in (lic.get("headline") or lic["shortfall"], lic.get("overdue")) if t),
    ]


def _progress_tables(data: dict[str, Any]) -> list[Table]:
    licenses = Table("Licenses", _LICENSE_COLUMNS)
    records = Table(
        "Records",
        (
            ("Credential", TEXT),
            ("Jurisdiction", TEXT),
            ("Completed on", DATE),
            ("Title", TEXT),
            ("Sponsor", TEXT),
            ("Delivery method", TEXT),
            ("Credits", NUMBER),
            ("Fields of study", TEXT),
            ("Certificate", TEXT),
        ),
    )
    annual = Table(
        "Annual minimums",
        (
            ("Credential", TEXT),
            ("Jurisdiction", TEXT),
            ("Year start", DATE),
            ("Year end", DATE),
            ("Required", NUMBER),
            ("Earned", NUMBER),
            ("Result", TEXT),
        ),
    )
    components = Table(
        "Components",
        (
            ("Credential", TEXT),
            ("Jurisdiction", TEXT),
            ("Requirement", TEXT),
            ("Kind", TEXT),
            ("Headline figure", TEXT),
            ("Required", NUMBER),
            ("Counted", NUMBER),
            ("Not counted", NUMBER),
            ("Still needed", NUMBER),
            ("Result", TEXT),
            ("From", DATE),
            ("To", DATE),
            ("Source", TEXT),
        ),
    )
    for lic in data["licenses"]:
        licenses.rows.append(_license_row(lic))
        which = [lic["credential"], lic["jurisdiction"]]
        entries = lic.get("components") or []
        chosen = reports.chosen_option(entries, lic["jurisdiction"])
        for c in reports.sorted_components(entries, lic["jurisdiction"]):
            components.rows.append(
                which
                + [
                    c["label"],
                    c["kind"],
                    _yes(bool(c.get("headline"))),
                    c["required"],
                    c["counted"],
                    c["dropped"] or None,
                    reports.component_needed(c, chosen),
                    reports.component_state(c, lic["jurisdiction"], chosen),
                    _date(c["window_start"]),
                    _date(c["window_end"]),
                    c.get("source") or None,
                ]
            )
        for r in lic["records"]:
            records.rows.append(
                which
                + [
                    _date(r["completed_on"]),
                    r["title"],
                    r.get("sponsor"),
                    r.get("delivery_method"),
                    r["credits"],
                    _fields(r),
                    _yes(r["certificate"]),
                ]
            )
        for y in lic["annual"]:
            result = "Not yet judged" if not y["judged"] else ("Met" if y["met"] else "Short")
            annual.rows.append(
                which
                + [_date(y["year_start"]), _date(y["year_end"]), y["required"], y["earned"], result]
            )
    extra = [table for table in (annual, components) if table.rows]
    return [licenses, records, *extra]


def _firm_tables(data: dict[str, Any]) -> list[Table]:
    table = Table("Firm summary", (("Person", TEXT), ("Email", TEXT), *_LICENSE_COLUMNS))
    for lic in data["licenses"]:
        table.rows.append([lic["person"]["name"], lic["person"]["email"], *_license_row(lic)])
    return [table]


def tables_of(data: dict[str, Any]) -> list[Table]:
    """The report's data as tables of typed values."""
    if data.get("kind") == reports.FIRM_SUMMARY:
        return _firm_tables(data)
    return _progress_tables(data)


# --- CSV -----------------------------------------------------------------------------------------


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        return hours_text(Decimal(str(value)))
    return neutralise(str(value))


def csv_text(data: dict[str, Any]) -> str:
    """The report as CSV. Several tables follow each other, each under a line with its name."""
    tables = tables_of(data)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for index, table in enumerate(tables):
        if len(tables) > 1:
            if index:
                writer.writerow([])
            writer.writerow([neutralise(table.name)])
        writer.writerow([header for header, _ in table.columns])
        writer.writerows([_csv_cell(value) for value in row] for row in table.rows)
    return out.getvalue()


# --- XLSX ----------------------------------------------------------------------------------------


def _xlsx_cell(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, str):
        # Control characters other than tab and line breaks cannot be stored in a workbook.
        return neutralise(ILLEGAL_CHARACTERS_RE.sub("\ufffd", value))
    return value


def _width(value: Any) -> int:
    if value is None:
        return 0
    if isinstance(value, dt.date):
        return 10
    return max((len(line) for line in str(value).splitlines()), default=0)


def xlsx_bytes(data: dict[str, Any]) -> bytes:
    """The report as an Excel workbook, one sheet per table."""
    book = Workbook()
    book.remove(book.active)
    book.properties.title = str(data.get("title") or "")
    book.properties.creator = "CPE Tracker"
    bold = Font(bold=True)
    for table in tables_of(data):
        sheet = book.create_sheet(table.name)
        sheet.append([header for header, _ in table.columns])
        for cell in sheet[1]:
            cell.font = bold
        for row in table.rows:
            sheet.append([_xlsx_cell(value) for value in row])
        for column, (header, kind) in enumerate(table.columns, start=1):
            cells = sheet.iter_rows(min_row=2, min_col=column, max_col=column)
            if kind == DATE:
                for (cell,) in cells:
                    cell.number_format = "yyyy-mm-dd"
            widest = max([len(header)] + [_width(row[column - 1]) for row in table.rows])
            sheet.column_dimensions[get_column_letter(column)].width = min(widest + 2, MAX_WIDTH)
        sheet.freeze_panes = "A2"
        if table.rows:
            sheet.auto_filter.ref = sheet.dimensions
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- writing -------------------------------------------------------------------------------------


def safe_title(title: str) -> str:
    """Text as part of a file name on any system: no separators, reserved, control or
    direction-changing characters, no leading or trailing dots or spaces, at most 80 characters.

    Every name the program makes from what people typed (report files, audit packs and the
    certificates inside them) comes through here."""
    text = _UNSAFE.sub("_", _BIDI_CONTROLS.sub("", title))
    text = " ".join(text.split())[:MAX_NAME].rstrip(" .")
    return text.lstrip(". ") or "record"


def file_stem(data: dict[str, Any]) -> str:
    """A file name to offer for a report, without extension: its title and as-of date."""
    stem = safe_title(str(data.get("title") or "Report"))[:64].rstrip(" .")
    return f"{stem} - {data['as_of']}" if data.get("as_of") else stem


def write_report(
    data: dict[str, Any],
    path: str | os.PathLike[str],
    fmt: str,
    render_pdf: RenderPdf | None = None,
) -> Path:
    """Write report data to ``path`` as ``pdf``, ``csv`` or ``xlsx``."""
    fmt = (fmt or "").strip().lower().lstrip(".")
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", f"must be pdf, csv or xlsx (got {fmt!r})")
    path = Path(path)
    if fmt == "csv":
        write_file(path, csv_text(data), encoding="utf-8-sig")
        return path
    if fmt == "xlsx":
        content = xlsx_bytes(data)
    else:
        if render_pdf is None:
            raise ValidationError("format", "PDF needs the window's renderer; choose CSV or XLSX")
        content = render_pdf(data)
    return write_bytes(path, content)


def export_report(
    ctx: ServiceContext,
    report_id: int,
    path: str | os.PathLike[str],
    fmt: str,
    *,
    render_pdf: RenderPdf | None = None,
    progress: reports.ProgressCallback | None = None,
) -> Outcome[Path]:
    """Write a stored report (its stored data, never a fresh evaluation) to a file."""
    report = reports.get_report(ctx, report_id)
    data = reports.report_data(report)
    if progress is not None:
        progress(10, "Writing the file")
    written = write_report(data, path, fmt, render_pdf)
    activity.log(ctx, "exported report", f"{report.title} as {fmt.upper()} to {written.name}")
    if progress is not None:
        progress(100, "Done")
    return Outcome(written, Changes.of(ACTIVITY))
