"""Importing a person's own spreadsheet (CSV or Excel) through a column mapping, all or nothing.

``preview`` reads every row through the mapping and judges it exactly as the import will: the
records it would make, each problem at its row and column (as the file names the column), and
which records are already stored (same title, completion date and sponsor). ``import_mapped``
refuses the whole file while any problem remains; otherwise it writes every record in one
transaction, each with its audit entry, plus one activity-log entry. A record already stored is
skipped, or with ``on_duplicate="merge"`` updated from the file (its credits replaced by the
file's; an empty cell leaves the stored value alone).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cpe_desktop.db.models import CpeRecord, User, database
from cpe_desktop.services import activity
from cpe_desktop.services import records as records_service
from cpe_desktop.services.changes import ACTIVITY, AUDIT, RECORDS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.cells import field_cell
from cpe_desktop.services.interchange.common import MAX_ERRORS, ImportSummary, _count, _join
from cpe_desktop.services.interchange.csv_format import target_user
from cpe_desktop.services.interchange.grouping import (
    Problems,
    Row,
    RowError,
    check_emails,
    check_groups,
    group_rows,
)
from cpe_desktop.services.interchange.mapping import (
    LABELS,
    guess_mapping,
    mapping_problems,
    unmapped_columns,
)
from cpe_desktop.services.interchange.tabular import Table, read_table

Progress = Callable[[int, str], None]
ON_DUPLICATE = ("skip", "merge")


@dataclass(frozen=True)
class PreviewRecord:
    """One record the import would make: the rows it comes from and its checked values."""

    rows: tuple[int, ...]
    values: dict[str, Any]
    existing_id: int | None = None  # the stored record with the same title, date and sponsor

    @property
    def duplicate(self) -> bool:
        return self.existing_id is not None


@dataclass
class Preview:
    """What importing the table through a mapping would do, or why it cannot."""

    table: Table
    records: list[PreviewRecord] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def duplicates(self) -> int:
        return sum(record.duplicate for record in self.records)

    def error_dict(self) -> dict[str, str]:
        """The problems as a ValidationError wants them (the first MAX_ERRORS, then a count)."""
        errors: dict[str, str] = {}
        for error in self.errors:
            errors.setdefault(error.where, error.message)
        shown = dict(list(errors.items())[:MAX_ERRORS])
        if len(errors) > MAX_ERRORS:
            shown["…"] = f"and {len(errors) - MAX_ERRORS} more problems"
        return shown


@dataclass
class MappedImportSummary(ImportSummary):
    """An import summary that also counts records updated from the file (``merge``)."""

    records_merged: int = 0
    records_unchanged: int = 0  # present and identical: nothing to merge
    on_duplicate: str = "skip"

    def describe(self) -> str:
        if self.on_duplicate == "skip":
            return super().describe()
        text = f"Imported {_count(self.records_added, 'record')} for {self.records_of}"
        present = []
        for number, what in (
            (self.records_merged, "updated"),
            (self.records_unchanged, "unchanged"),
        ):
            if number:
                was = "was" if number == 1 else "were"
                present.append(f"{number} {was} {what}")
        if present:
            total = self.records_merged + self.records_unchanged
            text += f"; of {_count(total, 'record')} already present, {_join(present)}."
        else:
            text += "; no records were already present."
        return "\n".join([text, *(f"warning: {w}" for w in self.warnings)])


def _reporter(progress: Progress | None, low: int, high: int) -> Callable[[int, int, str], None]:
    """Progress from ``low`` to ``high`` percent for ``done`` of ``total``, each percent once."""
    last = [-1]

    def report(done: int, total: int, message: str) -> None:
        if progress is None:
            return
        percent = low + (high - low) * done // max(total, 1)
        if percent != last[0]:
            last[0] = percent
            progress(percent, message)

    return report


def preview(
    ctx: ServiceContext,
    table: Table,
    mapping: Mapping[str, int],
    user: User,
    *,
    progress: Progress | None = None,
) -> Preview:
    """Judge every row of ``table`` read through ``mapping`` as records of ``user``."""
    ctx.require_owner(user.user_id, "import records")
    result = Preview(table)
    problems = mapping_problems(table, mapping)
    if problems:
        result.errors = [
            RowError(table.header_row, f"{LABELS.get(name, name)} column", message, table.unit)
            for name, message in problems.items()
        ]
        return result
    order = {name: index for name, index in mapping.items()}
    labels = {name: table.label(index) for name, index in mapping.items()}
    found = Problems(order, unit=table.unit, labels=labels)
    rows = _rows(table, mapping, found)
    groups = group_rows(rows)
    check_emails(found, rows, user)
    report = _reporter(progress, 0, 100)
    report(0, 1, "Checking the rows…")
    result.warnings = check_groups(
        ctx, groups, found, progress=lambda done: report(done, len(groups), "Checking the rows…")
    )
    result.errors = found.errors()
    if result.errors:
        return result
    stored = _stored_keys(user)
    result.records = [
        PreviewRecord(
            tuple(row.line for row in group.rows), group.values, stored.get(_key(group.values))
        )
        for group in groups
    ]
    if not rows:
        result.warnings.append(
            f"the file has a header ({table.unit} {table.header_row}) but no records"
        )
    skipped = unmapped_columns(table, mapping)
    if skipped:
        names = ", ".join(repr(name) for name in skipped)
        result.warnings.append(f"not imported (no field chosen for them): {names}")
    return result


def _rows(table: Table, mapping: Mapping[str, int], problems: Problems) -> list[Row]:
    rows = []
    for table_row in table.rows:
        cells: dict[str, Any] = {}
        for name, index in mapping.items():
            value, problem = field_cell(name, table.cell(table_row, index))
            if problem is not None:
                problems.add(table_row.number, name, problem)
            cells[name] = value
        if any(value != "" for value in cells.values()):  # a row with data only elsewhere
            rows.append(Row(table_row.number, cells))
    return rows


def _key(values: Mapping[str, Any]) -> tuple[str, dt.date, str | None]:
    return (values["title"], values["completed_on"], values.get("sponsor") or None)


def _stored_keys(user: User) -> dict[tuple[str, dt.date, str | None], int]:
    """The person's records by title, date and sponsor (the oldest when several share one)."""
    query = (
        CpeRecord.select(
            CpeRecord.record_id, CpeRecord.title, CpeRecord.completed_on, CpeRecord.sponsor
        )
        .where(CpeRecord.user == user.user_id)
        .order_by(CpeRecord.record_id)
        .tuples()
    )
    stored: dict[tuple[str, dt.date, str | None], int] = {}
    for record_id, title, completed, sponsor in query:
        day = completed if isinstance(completed, dt.date) else dt.date.fromisoformat(completed)
        stored.setdefault((title, day, sponsor or None), record_id)
    return stored


def import_mapped(
    ctx: ServiceContext,
    table: Table,
    mapping: Mapping[str, int],
    user: User,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
) -> MappedImportSummary:
    """Import ``table`` through ``mapping`` as records of ``user``, all or nothing.

    Raises ValidationError naming each problem's row and column (nothing is written then).
    ``on_duplicate``: ``skip`` records already stored, or ``merge`` the file into them.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise ValidationError("on_duplicate", f"must be skip or merge (got {on_duplicate!r})")
    checked = preview(
        ctx, table, mapping, user, progress=_scaled(progress, 0, 40) if progress else None
    )
    if not checked.ok:
        raise ValidationError(checked.error_dict())
    summary = MappedImportSummary(records_of=user.email, on_duplicate=on_duplicate)
    summary.warnings.extend(checked.warnings)
    report = _reporter(progress, 40, 100)
    total = len(checked.records)
    with database.atomic():
        for done, record in enumerate(checked.records):
            report(done, total, f"Importing record {done + 1} of {total}…")
            try:
                _write(ctx, record, user, on_duplicate, summary)
            except ValidationError as exc:
                raise exc.prefixed(f"{table.unit} {record.rows[0]}: ") from None
        activity.log(ctx, f"imported {table.name}", summary.describe())
    report(total, total, "Imported.")
    summary.changes = Changes.of(ACTIVITY)
    if summary.records_added or summary.records_merged:
        summary.changes |= Changes.of(RECORDS, AUDIT)
    return summary


def _scaled(progress: Progress, low: int, high: int) -> Progress:
    return lambda percent, message: progress(low + (high - low) * percent // 100, message)


def _write(
    ctx: ServiceContext,
    record: PreviewRecord,
    user: User,
    on_duplicate: str,
    summary: MappedImportSummary,
) -> None:
    if record.existing_id is None:
        records_service.create_record(ctx, {**record.values, "user_id": user.user_id})
        summary.records_added += 1
    elif on_duplicate == "skip":
        summary.records_skipped += 1
    else:
        changes = _differences(record.existing_id, record.values)
        if changes:
            records_service.update_record(ctx, record.existing_id, changes)
            summary.records_merged += 1
        else:
            summary.records_unchanged += 1


def _differences(record_id: int, values: Mapping[str, Any]) -> dict[str, Any]:
    """What merging the file's values would change (empty cells change nothing)."""
    stored = CpeRecord.get_by_id(record_id)
    changes = {
        name: value
        for name, value in values.items()
        if name != "credits" and value is not None and getattr(stored, name) != value
    }
    mine = sorted((c["field"], Decimal(c["credits"])) for c in values["credits"])
    theirs = sorted(
        (line["field"], Decimal(line["credits"])) for line in records_service.credits_of(stored)
    )
    if mine != theirs:
        changes["credits"] = values["credits"]
    return changes


def import_spreadsheet(
    ctx: ServiceContext,
    path: Path,
    user_email: str | None = None,
    *,
    sheet: str | None = None,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
) -> MappedImportSummary:
    """Import a ``.csv``/``.xlsx`` file through the mapping guessed from its headings.

    For the command line, which has no mapping step: a required field whose column is not
    recognised refuses the file, saying which headings it found and which it would accept.
    ``user_email``: whose records these are (see ``csv_format.target_user``).
    """
    table = read_table(path, sheet)  # an unreadable file is reported before anything else
    user = target_user(ctx, user_email)
    return import_mapped(ctx, table, guess_mapping(table.headers), user, on_duplicate, progress)
