"""Import and export files (ARCHITECTURE.md §2, Interchange): the entry point of the command line
and window.

``import_file`` picks the format from the file's extension (``.json``: the ``cpe-tracker/1``
document; ``.zip``: the account archive, that document with its certificate files; ``.csv``:
records of one person in the template's columns; ``.xlsx``: records of one person, columns
recognised by their headings) and ``export_file`` from the format asked for (``json``, ``zip``,
``csv``, ``xlsx`` or the ``ics`` calendar of deadlines). Both record what they did in the
activity log; an import and its log entry are one transaction, so a rejected file leaves no
trace in the database. The whole file is checked before that transaction begins, so it stays
short (on SQLite it holds the write lock: the window cannot save meanwhile). A spreadsheet whose
columns need choosing goes through ``mapped_import``. An export's entry is written after its
file, best effort: a file written whole is a success even when the database cannot take the
note (a warning says so).
"""

from __future__ import annotations

import json
import logging
import os
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

import peewee

from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.db.models import database
from cpe_desktop.services.audit import activity
from cpe_desktop.services.changes import ACTIVITY, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.archive import export_archive, import_archive
from cpe_desktop.services.interchange.common import ExportSummary, ImportSummary, write_file
from cpe_desktop.services.interchange.csv_format import (
    HEADER,
    OPTIONAL,
    export_records_csv,
    import_records_csv,
    target_user,
)
from cpe_desktop.services.interchange.grouping import EMAIL
from cpe_desktop.services.interchange.ics_format import export_calendar
from cpe_desktop.services.interchange.json_export import export_document
from cpe_desktop.services.interchange.json_format import import_document
from cpe_desktop.services.interchange.mapped_import import (
    Preview,
    import_mapped,
    preview,
)
from cpe_desktop.services.interchange.mapping import guess_columns, guess_mapping
from cpe_desktop.services.interchange.spreadsheet_import import import_spreadsheet
from cpe_desktop.services.interchange.tabular import (
    Table,
    csv_records,
    guess_delimiter,
    read_table,
    read_text,
)
from cpe_desktop.services.interchange.xlsx_format import export_records_xlsx

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_TYPES",
    "ExportSummary",
    "ImportSummary",
    "Preview",
    "Table",
    "export_archive",
    "export_calendar",
    "export_document",
    "export_file",
    "export_records_csv",
    "export_records_xlsx",
    "guess_columns",
    "guess_mapping",
    "import_archive",
    "import_document",
    "import_file",
    "import_mapped",
    "import_records_csv",
    "parse_json",
    "preview",
    "read_json",
    "read_table",
]

IMPORT_TYPES = (".json", ".zip", ".csv", ".xlsx")
EXPORT_FORMATS = ("json", "zip", "csv", "xlsx", "ics")
_FORMAT_NAMES = {"archive": "zip"}  # another name people use for the account archive
Progress = Callable[[int, str], None]
_log = logging.getLogger(__name__)


def import_file(
    ctx: ServiceContext,
    path: str | os.PathLike[str],
    user_email: str | None = None,
    progress: Progress | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    constants: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    not_imported: str | os.PathLike[str] | None = None,
    words: Mapping[str, Mapping[str, str]] | None = None,
    remember_words: bool = False,
) -> ImportSummary:
    """Import a ``.json``, ``.csv`` or ``.xlsx`` file; ValidationError if refused.

    ``user_email``: for JSON, import only that person of the file; for CSV and Excel, whose
    records these are (needed when the database holds several people). An Excel file's columns,
    and a CSV file's that are not the template's, are recognised by their headings (the
    template's names, or common ones such as "Date", "Course", "CPE Hours").

    Spreadsheets only (see ``spreadsheet_import.import_spreadsheet``): ``sheet``, ``header_row``,
    ``columns`` ({field: heading, letter or number} overriding the guess), ``constants``
    ({field: value for every row}), ``skip_bad_rows`` (import the records without problems,
    list the rest, and write them to ``not_imported`` when given). All or nothing otherwise.
    ``words``: answers for the file's own words ({kind: {word: NASBA name}}), kept for the
    person's next import with ``remember_words``.
    """
    path = Path(path)
    options = {
        "sheet": sheet,
        "header_row": header_row,
        "columns": columns or None,
        "constants": constants or None,
        "skip_bad_rows": skip_bad_rows or None,
        "not_imported": not_imported,
        "words": words or None,
        "remember_words": remember_words or None,
    }
    given = {name: value for name, value in options.items() if value is not None}
    suffix = path.suffix.lower()
    if suffix not in IMPORT_TYPES:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise ValidationError(
            str(path),
            f"cannot be imported: it is {kind}, and only .json, .csv and .xlsx files are supported "
            "(save a spreadsheet as .xlsx or as CSV UTF-8), and .zip account archives",
        )
    if not path.is_file():
        raise ValidationError(str(path), "no such file")
    if suffix in (".json", ".zip") and given:
        what = "a JSON document" if suffix == ".json" else "an account archive"
        raise ValidationError(
            ", ".join(given), f"only apply to a spreadsheet (.csv or .xlsx), not {what}"
        )
    if sheet is not None and suffix == ".csv":
        raise ValidationError("sheet", "a CSV file has no sheets")
    if not_imported is not None and not skip_bad_rows:
        raise ValidationError(
            "not_imported", "is the report of rows skipped by skip_bad_rows; ask for both"
        )
    if suffix == ".xlsx" or (suffix == ".csv" and (given or not _template_csv(path))):
        # Logs its own activity entry, inside its own transaction.
        return import_spreadsheet(
            ctx,
            path,
            user_email,
            sheet=sheet,
            header_row=header_row,
            columns=columns,
            constants=constants,
            skip_bad_rows=skip_bad_rows,
            not_imported=Path(not_imported) if not_imported is not None else None,
            progress=progress,
            words=words,
            remember_words=remember_words,
        )
    if progress is not None:
        progress(0, f"Importing {path.name}…")

    def log(summary: ImportSummary) -> None:
        activity.log(ctx, f"imported {path.name}", summary.describe())

    # The file is checked first; the writes and their activity entry are one short transaction
    # inside the importer, so the database is not locked while thousands of rows are checked.
    if suffix == ".json":
        summary = import_document(ctx, read_json(path), user_email, progress=progress, finish=log)
    elif suffix == ".zip":
        summary = import_archive(
            ctx, path, user_email, parse=parse_json, progress=progress, finish=log
        )
    else:
        user = target_user(ctx, user_email)
        summary = import_records_csv(ctx, path, user, progress=progress, finish=log)
    summary.changes |= Changes.of(ACTIVITY)
    if progress is not None:
        progress(100, "Imported.")
    return summary


def _template_csv(path: Path) -> bool:
    """True when the CSV's first row names only the template's columns (or nothing readable):
    such a file keeps the template importer and its exact messages."""
    try:
        text = read_text(path)
        records = csv_records(text, guess_delimiter(text))
    except ValidationError:
        return True  # the template importer says what is wrong with the text
    if not records:
        return True
    known = {*HEADER, *OPTIONAL, EMAIL}
    names = [re.sub(r"\s+", "_", cell.strip().lower()) for cell in records[0][1]]
    return all(name in known for name in names if name)


def read_json(path: Path) -> Any:
    """A JSON file's content; a file that is not JSON is a ValidationError naming the file."""
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise ValidationError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
    return parse_json(content, str(path))


def parse_json(content: bytes, label: str) -> Any:
    """JSON bytes (a file's, or an archive member's named ``label``) as data; ValidationError
    naming ``label`` when they are not usable JSON."""
    path = label
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValidationError(str(path), "is not UTF-8 text, so it is not a JSON file") from None
    try:
        return json.loads(text, object_pairs_hook=_no_duplicate_keys)
    except _DuplicateKey as exc:
        raise ValidationError(
            str(path), f"has the key {exc.args[0]!r} twice in one object; keep one"
        ) from None
    except json.JSONDecodeError as exc:
        raise ValidationError(
            str(path), f"is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}"
        ) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, nesting 10,000 deep
        raise ValidationError(str(path), f"is not a usable JSON file ({exc})") from None


class _DuplicateKey(Exception):
    pass


def _no_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    # json.loads keeps the last of two equal keys; in a hand-edited file that silently drops data.
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def export_file(
    ctx: ServiceContext,
    path: str | os.PathLike[str],
    fmt: str,
    user_email: str | None = None,
    progress: Progress | None = None,
) -> ExportSummary:
    """Export as ``json`` (everything), ``zip`` (everything with the certificate files: the
    account archive), ``csv`` or ``xlsx`` (records) or ``ics`` (deadlines and reminders) to
    ``path``; one person with ``user_email``. Written whole or not at all; the activity entry
    comes after the file and cannot undo it (see :func:`_note_export`)."""
    path = Path(path)
    fmt = (fmt or "").strip().lower()
    fmt = _FORMAT_NAMES.get(fmt, fmt)
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", f"must be json, zip, csv, xlsx or ics (got {fmt!r})")
    if progress is not None and fmt in ("json", "csv"):
        progress(0, f"Exporting {path.name}…")
    if fmt == "zip":
        summary = export_archive(ctx, path, user_email, progress)
    elif fmt == "xlsx":
        summary = export_records_xlsx(ctx, path, user_email, progress)
    elif fmt == "ics":
        summary = export_calendar(ctx, path, user_email, progress)
    elif fmt == "json":
        document = export_document(ctx, user_email)
        write_file(path, json.dumps(document, indent=2, ensure_ascii=False) + "\n")
        people = document["users"]
        summary = ExportSummary(
            path,
            "json",
            people=len(people),
            licenses=sum(len(person["licenses"]) for person in people),
            records=sum(len(person["records"]) for person in people),
            requirements=len(document["requirements"]),
        )
    else:
        summary = export_records_csv(ctx, path, user_email)
    summary.changes = _note_export(ctx, fmt, summary)
    if progress is not None and fmt in ("json", "zip", "csv"):
        progress(100, "Exported.")
    return summary


def _note_export(ctx: ServiceContext, fmt: str, summary: ExportSummary) -> Changes:
    """The activity entry of an export whose file is already written whole: best effort.

    The file is what the person asked for, so it is written first (to a temporary name, then
    renamed into place) and the entry after it. Writing the entry first would, when the file then
    fails, leave an entry for an export that never happened; and a failed entry cannot undo a file
    that is complete. So a locked or full database only adds a warning (and a log line): the export
    still succeeds, and the person is told the note is missing.
    """
    try:
        with database.atomic():
            activity.log(ctx, f"exported {fmt}", summary.describe())
    except (peewee.PeeweeException, DatabaseEnvironmentError, OSError) as exc:
        _log.warning("export to %s written; its activity entry failed: %s", summary.path, exc)
        summary.warnings.append(
            f"the file was written in full, but the activity log could not note the export ({exc})"
        )
        return Changes()
    return Changes.of(ACTIVITY)
