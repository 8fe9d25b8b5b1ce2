"""CPE records as CSV (the template is in the README's Command line section): the spreadsheet
people already keep, in and out.

One row per field of study; rows sharing title, completion date and sponsor are one record. A
``started_on`` column (a multi-day program's first day) and a ``topics`` column (the record's
course topics, ``;``-separated, each one the rules name) may follow the template's columns; an
export adds each, last, only when some record has one, so the template stays as it is. An
import is all or nothing and every problem names its line (the header is line 1) and column, so
a person can fix the file in their spreadsheet. Exports neutralise cells a spreadsheet would run
as a formula (``=HYPERLINK(...)`` in a course title) by prefixing ``'``; the importer removes that
prefix again, so values survive a round trip unchanged.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

from cpe_desktop.db.models import User, database
from cpe_desktop.services import bulk_records
from cpe_desktop.services import records as records_service
from cpe_desktop.services import users as users_service
from cpe_desktop.services.changes import AUDIT, RECORDS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import template_quick
from cpe_desktop.services.interchange.common import (
    ExportSummary,
    ImportSummary,
    no_cycle_collection,
    people_for_export,
    record_key,
    text_number,
    write_file,
)
from cpe_desktop.services.interchange.grouping import (
    CHECKED_PERCENT,
    EMAIL,
    Problems,
    Row,
    check_emails,
    check_groups,
    group_rows,
    percent_reporter,
)
from cpe_desktop.services.interchange.tabular import csv_records, read_text

HEADER = (
    "completed_on",
    "title",
    "sponsor",
    "sponsor_id",
    "delivery_method",
    "field_of_study",
    "credits",
    "ethics_jurisdiction",
    "notes",
)
REQUIRED = ("completed_on", "title", "delivery_method", "field_of_study", "credits")
# Columns an import accepts besides the template's; an export writes them after the template's.
OPTIONAL = ("started_on", "topics")
# A cell starting like this runs as a formula in Excel/LibreOffice (CSV injection); a run of
# quotes before it is included so that neutralising and restoring are exact inverses.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_LABEL = re.compile(r"[\w .()/-]{1,60}")
Progress = Callable[[int, str], None]


def neutralise(value: str) -> str:
    """The cell as written to a CSV file: ``'`` before anything a spreadsheet would execute."""
    return "'" + value if _FORMULA.match(value) else value


def restore(value: str) -> str:
    """Undo :func:`neutralise`: drop a leading ``'`` that protects a formula character."""
    return value[1:] if value.startswith("'") and _FORMULA.match(value, 1) else value


# --- export ---------------------------------------------------------------------------------------


def export_records_csv(
    ctx: ServiceContext, path: Path, user_email: str | None = None
) -> ExportSummary:
    """Write the records of everyone the actor may see (or of ``user_email``) to ``path``.

    A leading ``email`` column says whose each row is, only when the export covers several
    people. UTF-8 with a byte order mark, so spreadsheets read accents correctly.
    """
    people = people_for_export(ctx, user_email)
    several = len(people) > 1
    listed = [
        (user, sorted(records_service.list_records(ctx, user.user_id), key=record_key))
        for user in people
    ]
    extra = optional_columns([record for _, held in listed for record in held])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(([EMAIL] if several else []) + list(HEADER) + extra)
    records = rows = 0
    for user, held in listed:
        for record in held:
            records += 1
            for line in records_service.credits_of(record):
                cells = [
                    record.completed_on.isoformat(),
                    record.title,
                    record.sponsor or "",
                    record.sponsor_id or "",
                    record.delivery_method,
                    line["field"],
                    text_number(line["credits"]),
                    record.ethics_jurisdiction or "",
                    record.notes or "",
                ]
                if "started_on" in extra:
                    cells.append(record.started_on.isoformat() if record.started_on else "")
                if "topics" in extra:
                    cells.append(topics_cell(record))
                writer.writerow(
                    [neutralise(cell) for cell in ([user.email] if several else []) + cells]
                )
                rows += 1
    write_file(Path(path), out.getvalue(), encoding="utf-8-sig")
    return ExportSummary(Path(path), "csv", people=len(people), records=records, rows=rows)


def optional_columns(records: list) -> list[str]:
    """The OPTIONAL columns an export writes: those some record has a value for."""
    found = []
    if any(record.started_on for record in records):
        found.append("started_on")
    if any(record.topics for record in records):
        found.append("topics")
    return found


def topics_cell(record) -> str:
    """A record's topics as one cell: ``"California Regulatory Review; Fraud"``."""
    return "; ".join(records_service.topics_of(record))


# --- import ---------------------------------------------------------------------------------------


def target_user(ctx: ServiceContext, user_email: str | None) -> User:
    """Whose records a CSV holds: ``--user``, the acting person, or the database's only person."""
    if user_email is not None:
        return users_service.find_by_email(ctx, user_email)
    if ctx.actor.user_id is not None:
        return users_service.get_user(ctx, ctx.actor.user_id)
    people = users_service.list_users(ctx)
    if len(people) == 1:
        return people[0]
    if not people:
        raise ValidationError(
            "user", "the database has no people yet; add a person before importing records"
        )
    raise ValidationError(
        "user",
        f"the database holds {len(people)} people; say whose records these are with --user EMAIL",
    )


@no_cycle_collection()
def import_records_csv(
    ctx: ServiceContext,
    source: Path | str,
    user: User,
    *,
    progress: Progress | None = None,
    finish: Callable[[ImportSummary], object] | None = None,
) -> ImportSummary:
    """Import a records CSV for ``user``, all or nothing; records already present are skipped.

    ``source`` is a file (a ``Path``) or the CSV text itself (a ``str``). Every row is checked
    before anything is written (a ValidationError's field names say ``line N, column``); then
    the new records are written in one short transaction, with ``finish(summary)`` (the
    caller's activity entry) inside it. ``progress(percent, message)``: checking, then writing.
    """
    summary = ImportSummary(records_of=user.email)
    checking = percent_reporter(progress, 0, CHECKED_PERCENT)
    checking(0, 1, "Checking the rows…")
    said, ready = judge_text(
        ctx,
        read_text(source),
        user,
        lambda done, total: checking(done, total, "Checking the rows…"),
    )
    summary.warnings.extend(said)
    ctx.require_owner(user.user_id, "add records")
    writing = percent_reporter(progress, CHECKED_PERCENT, 100)
    with database.atomic():
        stored = bulk_records.stored_keys(user.user_id)
        new = (
            [record for key, record in ready if key not in stored]
            if stored
            else [record for _, record in ready]
        )  # (a person without records has none to skip)
        summary.records_skipped = len(ready) - len(new)
        bulk_records.insert(
            ctx, new, lambda done, total: writing(done, total, f"Writing record {done} of {total}…")
        )
        summary.records_added = len(new)
        if finish is not None:
            finish(summary)
    if summary.records_added:
        summary.changes = Changes.of(RECORDS, AUDIT)
    return summary


Ready = list[tuple[bulk_records.RecordKey, bulk_records.NewRecord]]


def judge_text(
    ctx: ServiceContext,
    text: str,
    user: User,
    progress: Callable[[int, int], None] | None = None,
    *,
    quick: bool = True,
) -> tuple[list[str], Ready]:
    """Every row of a records CSV's text checked for ``user``, writing nothing: the warnings and
    the records ready to write, each with its ``bulk_records.record_key``; a ValidationError
    names every problem's line and column. ``progress(done, total)``: records judged.

    A file in the common shape is judged column by column (``template_quick``); any other, or
    ``quick=False``, the usual way (a row at a time), which gives the same."""
    raw = csv_records(text, _delimiter(text))
    header, header_line = _header(raw)
    if quick and _nothing_to_restore(text, raw):
        found = template_quick.judge_rows(ctx, header, raw[1:], user.user_id, progress=progress)
        if found is not None:
            return found
    rows = _rows(header, raw, text)
    problems = Problems.for_columns(header)
    groups = group_rows(rows)
    check_emails(problems, rows, user)
    warnings = check_groups(
        ctx,
        groups,
        problems,
        progress=None if progress is None else lambda done: progress(done, len(groups)),
    )
    if problems:
        problems.raise_all()
    if not rows:
        warnings.append(f"the file has a header (line {header_line}) but no records")
    owner = user.user_id
    ready = [
        (bulk_records.record_key(group.values), bulk_records.prepare(owner, group.values))
        for group in groups
    ]
    return warnings, ready


def _delimiter(text: str) -> str:
    """Comma, or semicolon where the header is written with them (European spreadsheets)."""
    first = _first_line(text.lstrip("\r\n")) if text.strip() else ""
    known = {*HEADER, *OPTIONAL, EMAIL}

    def hits(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(_column_name(cell) in known for cell in cells)

    return ";" if hits(";") > hits(",") else ","


def _first_line(text: str) -> str:
    """``text.splitlines()[0]``, without splitting the whole text (a line object per row)."""
    lines = text[:4096].splitlines()
    return lines[0] if len(lines) > 1 or len(text) <= 4096 else text.splitlines()[0]


def _column_name(cell: str) -> str:
    return re.sub(r"\s+", "_", cell.strip().lower())


def _label(cell: str) -> str:
    text = cell.strip()
    return text if _PLAIN_LABEL.fullmatch(text) else json.dumps(text)


def _parse(text: str) -> tuple[list[str], list[Row], int]:
    """The header's column names (``""`` for an unnamed column), the non-blank rows, header line."""
    raw = csv_records(text, _delimiter(text))
    header, header_line = _header(raw)
    return header, _rows(header, raw, text), header_line


def _nothing_to_restore(text: str, raw: list[tuple[int, list[str]]]) -> bool:
    """No cell starts with ``'`` (what :func:`restore` might take off)."""
    return "'" not in text or not any(cell[:1] == "'" for _, cells in raw for cell in cells)


def _header(raw: list[tuple[int, list[str]]]) -> tuple[list[str], int]:
    """The header's column names (``""`` for an unnamed column) and its line; every problem
    with it raised at once."""
    if not raw:
        raise ValidationError("line 1", "the file has no header; expected " + ",".join(HEADER))
    header_line, header_cells = raw[0]
    errors = Problems()
    header: list[str] = []
    for cell in header_cells:
        name = _column_name(cell)
        if name and name not in HEADER and name not in OPTIONAL and name != EMAIL:
            known = ",".join(HEADER)
            extra = ", ".join(OPTIONAL)
            errors.add(
                header_line,
                _label(cell),
                f"is not a known column (use: {known}; optionally {extra})",
            )
        elif name and name in header:
            errors.add(header_line, name, "appears twice in the header")
        header.append(name)
    for name in REQUIRED:
        if name not in header:
            errors.add(header_line, name, "is a required column and is missing from the header")
    if errors:
        errors.raise_all()
    return header, header_line


def _rows(header: list[str], raw: list[tuple[int, list[str]]], text: str) -> list[Row]:
    """The non-blank rows below the header, each cell by its column's name (restored)."""
    errors = Problems()
    rows = []
    every_column_named = all(header)
    if every_column_named and "'" not in text:  # no cell to restore: the loop's result
        width = len(header)
        rows = [
            Row(line, dict(zip(header, cells, strict=False)))
            for line, cells in raw[1:]
            if len(cells) <= width
        ]
        if len(rows) == len(raw) - 1:
            return rows
        rows = []
    for line, cells in raw[1:]:
        if every_column_named and len(cells) <= len(header):  # most files: the loop's result
            rows.append(
                Row(
                    line,
                    {
                        name: restore(cell) if cell[:1] == "'" else cell
                        for name, cell in zip(header, cells, strict=False)
                    },
                )
            )
            continue
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else ""
            if name:
                values[name] = restore(cell)
            elif cell.strip():
                message = "has a value but no column name in the header"
                errors.add(line, f"column {index + 1}", message)
        rows.append(Row(line, values))
    if errors:
        errors.raise_all()
    return rows
