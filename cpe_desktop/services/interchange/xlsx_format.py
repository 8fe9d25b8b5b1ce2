"""CPE records as an Excel workbook: the CSV template's columns with real dates and numbers.

The same rows as the CSV export (one per field of study; an email column first when several
people are exported; first day and topics last when some record has one), headed in words
(:data:`HEADINGS`: "Date completed", not the CSV template's ``completed_on``), which the mapped
import recognises, so the file imports back with no mapping to choose. Dates are Excel dates and
credits are numbers, so the person can sort and sum them. Text that a spreadsheet would run as a
formula once re-saved as CSV or edited (``=HYPERLINK(...)``) is neutralised with a leading ``'``
as in the CSV export, and the import removes it again.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cpe_desktop.services import records as records_service
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.files import write_bytes
from cpe_desktop.services.interchange.common import (
    ExportSummary,
    json_number,
    people_for_export,
    record_key,
)
from cpe_desktop.services.interchange.csv_format import (
    HEADER,
    neutralise,
    optional_columns,
    topics_cell,
)
from cpe_desktop.services.interchange.grouping import EMAIL

SHEET = "CPE records"
# The column headings people read; each is one of the import's own names for its field
# (``mapping.ALIASES``), so an exported workbook is imported back with every column found.
HEADINGS = {
    EMAIL: "Email",
    "completed_on": "Date completed",
    "title": "Course title",
    "sponsor": "Sponsor",
    "sponsor_id": "NASBA sponsor ID",
    "delivery_method": "Delivery method",
    "field_of_study": "Field of study",
    "credits": "Credits",
    "ethics_jurisdiction": "Ethics jurisdiction",
    "notes": "Notes",
    "started_on": "First day",
    "topics": "Course topics",
}
DATE_FORMAT = "yyyy-mm-dd"
_WIDTHS = {
    EMAIL: 28,
    "completed_on": 13,
    "title": 44,
    "sponsor": 28,
    "sponsor_id": 12,
    "delivery_method": 22,
    "field_of_study": 30,
    "credits": 9,
    "ethics_jurisdiction": 18,
    "notes": 40,
    "started_on": 13,
    "topics": 36,
}


def export_records_xlsx(
    ctx: ServiceContext,
    path: Path,
    user_email: str | None = None,
    progress: Callable[[int, str], None] | None = None,
) -> ExportSummary:
    """Write the records of everyone the actor may see (or of ``user_email``) to ``path``."""
    import openpyxl
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    people = people_for_export(ctx, user_email)
    several = len(people) > 1
    listed = [
        (user, sorted(records_service.list_records(ctx, user.user_id), key=record_key))
        for user in people
    ]
    extra = optional_columns([record for _, held in listed for record in held])
    columns = ([EMAIL] if several else []) + list(HEADER) + extra
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = SHEET
    sheet.append([HEADINGS[name] for name in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    sheet.freeze_panes = "A2"
    for index, name in enumerate(columns):
        sheet.column_dimensions[_letter(index)].width = _WIDTHS[name]
    date_columns = [
        columns.index(name) + 1 for name in ("completed_on", "started_on") if name in columns
    ]

    def text(value: str | None) -> str:
        # Control characters cannot be stored in a workbook; the services refuse them, so only
        # data written behind their back can hold one.
        return ILLEGAL_CHARACTERS_RE.sub("\ufffd", neutralise(value or ""))

    records = rows = 0
    for number, (user, held) in enumerate(listed):
        if progress is not None:
            progress(90 * number // len(people), f"Writing the records of {user.email}…")
        for record in held:
            records += 1
            for line in records_service.credits_of(record):
                cells: list[Any] = [
                    record.completed_on,
                    text(record.title),
                    text(record.sponsor),
                    text(record.sponsor_id),
                    text(record.delivery_method),
                    text(line["field"]),
                    json_number(line["credits"]),
                    text(record.ethics_jurisdiction),
                    text(record.notes),
                ]
                if "started_on" in extra:
                    cells.append(record.started_on)
                if "topics" in extra:
                    cells.append(text(topics_cell(record)))
                sheet.append(([text(user.email)] if several else []) + cells)
                rows += 1
                for column in date_columns:
                    sheet.cell(row=rows + 1, column=column).number_format = DATE_FORMAT
    workbook.properties.creator = "CPE Tracker"
    workbook.properties.created = ctx.now()
    buffer = io.BytesIO()
    workbook.save(buffer)
    write_bytes(Path(path), buffer.getvalue())
    if progress is not None:
        progress(100, "Exported.")
    return ExportSummary(Path(path), "xlsx", people=len(people), records=records, rows=rows)


def _letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(index + 1)
