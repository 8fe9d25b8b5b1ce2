"""Import and export files (DESIGN sections 5, 6): the entry point of the command line and window.

``import_file`` picks the format from the file's extension (``.json``: the ``cpe-tracker/1``
document; ``.csv``: records of one person) and ``export_file`` from the format asked for. Both
record what they did in the activity log; an import and its log entry are one transaction, so a
rejected file leaves no trace in the database.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from cpe_desktop.db.models import database
from cpe_desktop.services import activity
from cpe_desktop.services.changes import ACTIVITY, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.common import ExportSummary, ImportSummary, write_file
from cpe_desktop.services.interchange.csv_format import (
    export_records_csv,
    import_records_csv,
    target_user,
)
from cpe_desktop.services.interchange.json_format import export_document, import_document

__all__ = [
    "EXPORT_FORMATS",
    "IMPORT_TYPES",
    "ExportSummary",
    "ImportSummary",
    "export_document",
    "export_file",
    "export_records_csv",
    "import_document",
    "import_file",
    "import_records_csv",
    "read_json",
]

IMPORT_TYPES = (".json", ".csv")
EXPORT_FORMATS = ("json", "csv")


def import_file(
    ctx: ServiceContext, path: str | os.PathLike[str], user_email: str | None = None
) -> ImportSummary:
    """Import a ``.json`` or ``.csv`` file, all or nothing; raises ValidationError if refused.

    ``user_email``: for JSON, import only that person of the file; for CSV, whose records these
    are (needed when the database holds several people).
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in IMPORT_TYPES:
        kind = f"a {suffix} file" if suffix else "a file without an extension"
        raise ValidationError(
            str(path),
            f"cannot be imported: it is {kind}, and only .json and .csv files are supported "
            "(save a spreadsheet as CSV UTF-8)",
        )
    if not path.is_file():
        raise ValidationError(str(path), "no such file")
    with database.atomic():
        if suffix == ".json":
            summary = import_document(ctx, read_json(path), user_email)
        else:
            summary = import_records_csv(ctx, path, target_user(ctx, user_email))
        activity.log(ctx, f"imported {path.name}", summary.describe())
    summary.changes |= Changes.of(ACTIVITY)
    return summary


def read_json(path: Path) -> Any:
    """A JSON file's content; a file that is not JSON is a ValidationError naming the file."""
    try:
        text = Path(path).read_bytes().decode("utf-8-sig")
    except OSError as exc:
        raise ValidationError(str(path), f"cannot be read: {exc.strerror or exc}") from exc
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
) -> ExportSummary:
    """Export as ``json`` (everything) or ``csv`` (records) to ``path``; one person with
    ``user_email``. The file is written whole or not at all."""
    path = Path(path)
    fmt = (fmt or "").strip().lower()
    if fmt not in EXPORT_FORMATS:
        raise ValidationError("format", f"must be json or csv (got {fmt!r})")
    if fmt == "json":
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
    activity.log(ctx, f"exported {fmt}", summary.describe())
    summary.changes = Changes.of(ACTIVITY)
    return summary
