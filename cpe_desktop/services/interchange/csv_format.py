"""CPE records as CSV (DESIGN section 6): the spreadsheet people already keep, in and out.

One row per field of study; rows sharing title, completion date and sponsor are one record. An
import is all or nothing and every problem names its line (the header is line 1) and column, so
a person can fix the file in their spreadsheet. Exports neutralise cells a spreadsheet would run
as a formula (``=HYPERLINK(...)`` in a course title) by prefixing ``'``; the importer removes that
prefix again, so values survive a round trip unchanged.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from cpe_desktop.db.models import User, database
from cpe_desktop.rules.fields import normalize_delivery_method
from cpe_desktop.services import records as records_service
from cpe_desktop.services import users as users_service
from cpe_desktop.services.changes import AUDIT, RECORDS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.checks import RECORD_KEYS, check_record
from cpe_desktop.services.interchange.common import (
    MAX_ERRORS,
    ExportSummary,
    ImportSummary,
    people_for_export,
    record_exists,
    record_key,
    text_number,
    write_file,
)
from cpe_desktop.services.validation import parse_date

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
EMAIL = "email"  # only in exports of several people; see _check_email
# Columns every line of one record must repeat identically.
SHARED = ("delivery_method", "sponsor_id", "ethics_jurisdiction", "notes")
# A cell starting like this runs as a formula in Excel/LibreOffice (CSV injection); a run of
# quotes before it is included so that neutralising and restoring are exact inverses.
_FORMULA = re.compile(r"'*[=+\-@\t\r]")
_PLAIN_LABEL = re.compile(r"[\w .()/-]{1,60}")
_CREDIT_ERROR = re.compile(r"credits\[(\d+)\](?:\.(field|credits))?")


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
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(([EMAIL] if several else []) + list(HEADER))
    records = rows = 0
    for user in people:
        for record in sorted(records_service.list_records(ctx, user.user_id), key=record_key):
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
                writer.writerow(
                    [neutralise(cell) for cell in ([user.email] if several else []) + cells]
                )
                rows += 1
    write_file(Path(path), out.getvalue(), encoding="utf-8-sig")
    return ExportSummary(Path(path), "csv", people=len(people), records=records, rows=rows)


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


@dataclass
class _Row:
    line: int
    cells: dict[str, str]


@dataclass
class _Group:
    rows: list[_Row]
    values: dict = field(default_factory=dict)


class _Errors:
    """Problems by line and column, reported in file order."""

    def __init__(self, columns: Sequence[str] = ()) -> None:
        self.items: list[tuple[int, int, str, str]] = []
        self.order = {name: index for index, name in enumerate(columns)}

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append((line, self.order.get(column, len(self.order)), column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def raise_all(self) -> None:
        errors: dict[str, str] = {}
        for line, _, column, message in sorted(self.items, key=lambda item: item[:2]):
            errors.setdefault(f"line {line}, {column}" if column else f"line {line}", message)
        shown = dict(list(errors.items())[:MAX_ERRORS])
        if len(errors) > MAX_ERRORS:
            shown["…"] = f"and {len(errors) - MAX_ERRORS} more problems"
        raise ValidationError(shown)


def import_records_csv(ctx: ServiceContext, source: Path | str, user: User) -> ImportSummary:
    """Import a records CSV for ``user``, all or nothing; records already present are skipped.

    ``source`` is a file (a ``Path``) or the CSV text itself (a ``str``). Raises ValidationError
    whose field names say ``line N, column``.
    """
    header, rows, header_line = _parse(_read(source))
    groups, summary = _check(ctx, header, rows, header_line, user)
    with database.atomic():
        for group in groups:
            values = group.values
            if record_exists(
                user.user_id, values["title"], values["completed_on"], values.get("sponsor")
            ):
                summary.records_skipped += 1
                continue
            try:
                records_service.create_record(ctx, {**values, "user_id": user.user_id})
            except ValidationError as exc:
                errors = _Errors(header)
                for name, message in exc.errors.items():
                    _place(errors, group, name, message)
                errors.raise_all()
            summary.records_added += 1
    if summary.records_added:
        summary.changes = Changes.of(RECORDS, AUDIT)
    return summary


def _read(source: Path | str) -> str:
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise ValidationError(str(source), f"cannot be read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"line {line}", 'is not UTF-8 text; save the file as "CSV UTF-8" and try again'
        ) from None


def _delimiter(text: str) -> str:
    """Comma, or semicolon where the header is written with them (European spreadsheets)."""
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    known = set(HEADER) | {EMAIL}

    def hits(delimiter: str) -> int:
        cells = next(csv.reader([first], delimiter=delimiter), [])
        return sum(_column_name(cell) in known for cell in cells)

    return ";" if hits(";") > hits(",") else ","


def _column_name(cell: str) -> str:
    return re.sub(r"\s+", "_", cell.strip().lower())


def _label(cell: str) -> str:
    text = cell.strip()
    return text if _PLAIN_LABEL.fullmatch(text) else json.dumps(text)


def _parse(text: str) -> tuple[list[str], list[_Row], int]:
    """The header's column names (``""`` for an unnamed column), the non-blank rows, header line."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    raw: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if any(cell.strip() for cell in cells):
                raw.append((start, cells))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"line {reader.line_num}", f"cannot be read as CSV ({exc})") from None
    if not raw:
        raise ValidationError("line 1", "the file has no header; expected " + ",".join(HEADER))
    header_line, header_cells = raw[0]
    errors = _Errors()
    header: list[str] = []
    for cell in header_cells:
        name = _column_name(cell)
        if name and name not in HEADER and name != EMAIL:
            known = ",".join(HEADER)
            errors.add(header_line, _label(cell), f"is not a known column (use: {known})")
        elif name and name in header:
            errors.add(header_line, name, "appears twice in the header")
        header.append(name)
    for name in REQUIRED:
        if name not in header:
            errors.add(header_line, name, "is a required column and is missing from the header")
    if errors:
        errors.raise_all()
    rows = []
    for line, cells in raw[1:]:
        values: dict[str, str] = {}
        for index, cell in enumerate(cells):
            name = header[index] if index < len(header) else ""
            if name:
                values[name] = restore(cell)
            elif cell.strip():
                message = "has a value but no column name in the header"
                errors.add(line, f"column {index + 1}", message)
        rows.append(_Row(line, values))
    if errors:
        errors.raise_all()
    return header, rows, header_line


def _check(
    ctx: ServiceContext, header: list[str], rows: list[_Row], header_line: int, user: User
) -> tuple[list[_Group], ImportSummary]:
    errors = _Errors(header)
    groups: dict[object, _Group] = {}
    for row in rows:
        groups.setdefault(_group_key(row), _Group([])).rows.append(row)
    _check_emails(errors, rows, user)
    summary = ImportSummary(records_of=user.email)
    keys = tuple(key for key in RECORD_KEYS if key != "certificate")
    for group in groups.values():
        first = group.rows[0]
        _check_agreement(errors, group)
        data: dict[str, object] = {
            name: first.cells[name] for name in keys if name in first.cells and name != "credits"
        }
        data["credits"] = [
            {"field": row.cells.get("field_of_study", ""), "credits": row.cells.get("credits", "")}
            for row in group.rows
        ]
        checked = check_record(ctx, data, keys)
        for name, message in checked.errors.items():
            _place(errors, group, name, message)
        title = checked.values.get("title", "")
        summary.warnings.extend(f"line {first.line} ({title}): {w}" for w in checked.warnings)
        checked.values.pop("certificate", None)
        group.values = checked.values
    if errors:
        errors.raise_all()
    if not rows:
        summary.warnings.append(f"the file has a header (line {header_line}) but no records")
    return list(groups.values()), summary


def _check_emails(errors: _Errors, rows: list[_Row], user: User) -> None:
    """An ``email`` column may only name the person the records are imported for.

    One error per other address, at its first line: a multi-person export gives one, not 300.
    """
    others: dict[str, list[int]] = {}
    for row in rows:
        email = row.cells.get(EMAIL, "").strip()
        if email and email.lower() != user.email:
            others.setdefault(email, []).append(row.line)
    for email, lines in others.items():
        more = f" (and {len(lines) - 1} more lines)" if len(lines) > 1 else ""
        errors.add(
            lines[0],
            EMAIL,
            f"{email!r}{more} is not {user.email}, whose records these are; import each "
            "person's rows separately (export with --user EMAIL)",
        )


def _group_key(row: _Row) -> object:
    """Title, date and sponsor; a row whose title or date is unusable stands alone."""
    title = row.cells.get("title", "").strip()
    try:
        completed = parse_date(row.cells.get("completed_on", ""))
    except ValueError:
        completed = None
    if not title or not isinstance(completed, dt.date):
        return ("line", row.line)
    return (title, completed, row.cells.get("sponsor", "").strip())


def _same(column: str, a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if column == "delivery_method" and normalize_delivery_method(a) is not None:
        return normalize_delivery_method(a) == normalize_delivery_method(b)
    return a == b


def _check_agreement(errors: _Errors, group: _Group) -> None:
    first = group.rows[0]
    for row in group.rows[1:]:
        for column in SHARED:
            a, b = first.cells.get(column, ""), row.cells.get(column, "")
            if not _same(column, a, b):
                errors.add(
                    row.line,
                    column,
                    f"{b.strip()!r} differs from {a.strip()!r} on line {first.line}; lines with "
                    "the same title, date and sponsor are one record and must agree",
                )


def _place(errors: _Errors, group: _Group, name: str, message: str) -> None:
    """Put a record-level error (``credits[1].credits``) on the line and column it is about."""
    match = _CREDIT_ERROR.fullmatch(name)
    if match and int(match.group(1)) < len(group.rows):
        row = group.rows[int(match.group(1))]
        column = "field_of_study" if match.group(2) == "field" else "credits"
        errors.add(row.line, column, message)
    else:
        errors.add(group.rows[0].line, name, message)
