"""Importing a person's own spreadsheet (CSV or Excel) through a column mapping, all or nothing.

``preview`` reads every row through the mapping and judges it exactly as the import will: the
records it would make, each problem at its row and column (as the file names the column), and
which records are already stored (same title, completion date and sponsor). ``import_mapped``
refuses the whole file while any problem remains; otherwise it writes every record in one short
transaction (new ones in bulk, see ``services.bulk_records``), each with its audit entry, plus
one activity-log entry. A record already stored is
skipped, or with ``on_duplicate="merge"`` updated from the file (its credits replaced by the
file's; an empty cell leaves the stored value alone).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cpe_desktop.db.models import CpeRecord, RecordCredit, User, database
from cpe_desktop.services import activity, bulk_records
from cpe_desktop.services import records as records_service
from cpe_desktop.services.changes import ACTIVITY, AUDIT, RECORDS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.cells import field_cell, parse_date_range
from cpe_desktop.services.interchange.common import MAX_ERRORS, ImportSummary, _count, _join
from cpe_desktop.services.interchange.csv_format import target_user
from cpe_desktop.services.interchange.grouping import (
    CHECKED_PERCENT,
    Problems,
    Row,
    RowError,
    check_emails,
    check_groups,
    group_rows,
    percent_reporter,
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
    if "started_on" not in mapping:  # a first day comes only from a range of dates
        order["started_on"] = mapping["completed_on"]
        labels["started_on"] = labels["completed_on"]
    found = Problems(order, unit=table.unit, labels=labels)
    rows = _rows(table, mapping, found)
    groups = group_rows(rows)
    check_emails(found, rows, user)
    report = percent_reporter(progress, 0, 100)
    report(0, 1, "Checking the rows…")
    result.warnings = check_groups(
        ctx, groups, found, progress=lambda done: report(done, len(groups), "Checking the rows…")
    )
    result.errors = found.errors()
    if result.errors:
        return result
    stored = bulk_records.stored_keys(user.user_id)
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
            _first_day_from_range(cells, table.cell(table_row, mapping["completed_on"]))
            rows.append(Row(table_row.number, cells))
    return rows


def _first_day_from_range(cells: dict[str, Any], completed: Any) -> None:
    """A completion cell holding a range ("Mar 2-5, 2026") also gives the program's first day,
    unless a first-day column says otherwise (that column wins)."""
    if cells.get("started_on", "") != "" or not isinstance(completed, str):
        return
    days = parse_date_range(completed)
    if days is not None:
        cells["started_on"] = days[0]


def _key(values: Mapping[str, Any]) -> bulk_records.RecordKey:
    return bulk_records.record_key(values)


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
    ``on_duplicate``: ``skip`` records already stored, or ``merge`` the file into them. Every
    row is checked first; then one short transaction writes the new records in bulk, the
    merges, and the activity entry.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise ValidationError("on_duplicate", f"must be skip or merge (got {on_duplicate!r})")
    checked = preview(
        ctx,
        table,
        mapping,
        user,
        progress=_scaled(progress, 0, CHECKED_PERCENT) if progress else None,
    )
    if not checked.ok:
        raise ValidationError(checked.error_dict())
    summary = MappedImportSummary(records_of=user.email, on_duplicate=on_duplicate)
    summary.warnings.extend(checked.warnings)
    ctx.require_owner(user.user_id, "add records")
    ready = [
        (record, bulk_records.prepare(user.user_id, record.values)) for record in checked.records
    ]
    report = percent_reporter(progress, CHECKED_PERCENT, 100)
    with database.atomic():
        # Matched again inside the transaction: a record stored since the preview is not doubled.
        stored = bulk_records.stored_keys(user.user_id)
        new: list[bulk_records.NewRecord] = []
        present: list[tuple[PreviewRecord, int]] = []
        for record, prepared in ready:
            existing = stored.get(_key(record.values))
            if existing is None:
                new.append(prepared)
            else:
                present.append((record, existing))
        total = len(new) + (len(present) if on_duplicate == "merge" else 0)
        bulk_records.insert(
            ctx, new, lambda done, _: report(done, total, f"Importing record {done} of {total}…")
        )
        summary.records_added = len(new)
        if on_duplicate == "skip":
            summary.records_skipped = len(present)
        else:
            _merge(
                ctx,
                present,
                user,
                table,
                summary,
                lambda done: report(len(new) + done, total, "Merging records…"),
            )
        activity.log(ctx, f"imported {table.name}", summary.describe())
    report(total, total, "Imported.")
    summary.changes = Changes.of(ACTIVITY)
    if summary.records_added or summary.records_merged:
        summary.changes |= Changes.of(RECORDS, AUDIT)
    return summary


def _scaled(progress: Progress, low: int, high: int) -> Progress:
    return lambda percent, message: progress(low + (high - low) * percent // 100, message)


def _merge(
    ctx: ServiceContext,
    present: list[tuple[PreviewRecord, int]],
    user: User,
    table: Table,
    summary: MappedImportSummary,
    progress: Callable[[int], None],
) -> None:
    """Update each stored record from the file where they differ (one update_record each)."""
    if not present:
        return
    stored = _stored_records(user.user_id)
    for done, (record, record_id) in enumerate(present):
        progress(done)
        changes = _differences(*stored[record_id], record.values)
        if not changes:
            summary.records_unchanged += 1
            continue
        try:
            records_service.update_record(ctx, record_id, changes)
        except ValidationError as exc:
            raise exc.prefixed(f"{table.unit} {record.rows[0]}: ") from None
        summary.records_merged += 1


def _stored_records(user_id: int) -> dict[int, tuple[CpeRecord, list[tuple[str, Decimal]]]]:
    """The person's records with their credit lines, by id, in two queries."""
    records = {
        record.record_id: (record, [])
        for record in CpeRecord.select().where(CpeRecord.user == user_id)
    }
    lines = (
        RecordCredit.select(RecordCredit.record, RecordCredit.field_of_study, RecordCredit.credits)
        .join(CpeRecord)
        .where(CpeRecord.user == user_id)
        .tuples()
    )
    for record_id, field_of_study, credits in lines:
        records[record_id][1].append((field_of_study, Decimal(credits)))
    return records


def _differences(
    stored: CpeRecord, lines: list[tuple[str, Decimal]], values: Mapping[str, Any]
) -> dict[str, Any]:
    """What merging the file's values would change (empty cells change nothing)."""
    changes = {
        name: value
        for name, value in values.items()
        if name != "credits" and value is not None and getattr(stored, name) != value
    }
    mine = sorted((c["field"], Decimal(c["credits"])) for c in values["credits"])
    if mine != sorted(lines):
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
