"""Importing a person's own spreadsheet (CSV or Excel) through a column mapping.

``preview`` reads every row through the mapping and judges it exactly as the import will: the
records it would make, each problem at its row and column (as the file names the column), and
which records are already stored (same title, completion date and sponsor). ``import_mapped``
refuses the whole file while any problem remains; otherwise it writes every record in one short
transaction (new ones in bulk, see ``services.bulk_records``), each with its audit entry, plus
one activity-log entry. A record already stored is
skipped, or with ``on_duplicate="merge"`` updated from the file (its credits replaced by the
file's; an empty cell leaves the stored value alone).

``constants`` give a field the file has no column for one value for every row (a log that never
recorded the delivery method: ``{"delivery_method": "Not stated"}``). With
``skip_bad_rows=True`` the records whose rows have no problem are imported (still one
transaction) and the others are listed with their reasons, and written as a "not imported" CSV
report when a path is given; all or nothing stays the default. Rows the reader set aside as not
records (totals, sub-headings: ``Table.set_aside`` where the reader finds them) are listed, never
counted as problems.

``edits`` and ``excluded`` are what a person did in the preview. ``edits`` ({(row number, column
index): value}) replace cells in a copy of the rows before anything is read (a fix typed in the
preview; the file is never changed), and the "not imported" report shows a row as it was judged,
fixes included. ``excluded`` rows are left out by the person: never read or judged, listed as
``Preview.left_out`` / ``MappedImportSummary.left_out`` ("left out by you"), never as problems,
and never in the "not imported" report (the person chose to leave them out; the file still has
them). Both go to :func:`preview` and :func:`import_mapped` alike, so they agree exactly.
"""

from __future__ import annotations

import csv
import io
import itertools
import operator
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from itertools import repeat
from pathlib import Path
from typing import Any

from cpe_desktop.db.models import CpeRecord, RecordCredit, User, database
from cpe_desktop.db.typed import tuples
from cpe_desktop.services import bulk_records
from cpe_desktop.services import records as records_service
from cpe_desktop.services.audit import activity
from cpe_desktop.services.changes import ACTIVITY, AUDIT, RECORDS, Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import vocabulary, word_choices
from cpe_desktop.services.interchange.common import (
    MAX_ERRORS,
    ImportSummary,
    _count,
    _join,
    no_cycle_collection,
    write_file,
)
from cpe_desktop.services.interchange.csv_format import neutralise
from cpe_desktop.services.interchange.grouping import (
    CHECKED_PERCENT,
    Group,
    Problems,
    RowError,
    check_emails,
    check_groups,
    group_rows,
    percent_reporter,
)
from cpe_desktop.services.interchange.mapping import (
    LABELS,
    REQUIRED,
    hour_columns,
    mapping_problems,
    unmapped_columns,
)
from cpe_desktop.services.interchange.sheet_rows import read_rows
from cpe_desktop.services.interchange.tabular import Table, TableRow
from cpe_desktop.services.records import NOT_STATED, NOT_STATED_METHOD, not_stated_field

Progress = Callable[[int, str], None]
ON_DUPLICATE = ("skip", "merge")
# Fields a constant may give every row; "Not stated" is honest for the first two.
CONSTANT_FIELDS = (
    "delivery_method",
    "field_of_study",
    "sponsor",
    "sponsor_id",
    "ethics_jurisdiction",
)
NOT_STATED_FIELDS = ("delivery_method", "field_of_study")
SHOWN_ROWS = 100  # rows listed in a summary; the "not imported" report has them all


@dataclass(frozen=True)
class SkippedRow:
    """A row that is not imported: its number in the file and why (each reason once)."""

    number: int
    reasons: tuple[str, ...]

    def describe(self, unit: str) -> str:
        return f"{unit} {self.number}: {'; '.join(self.reasons)}"


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
    records: list[PreviewRecord] = field(default_factory=list)  # all of them, only when ok
    errors: list[RowError] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # The records whose rows have no problem (what ``skip_bad_rows`` imports), even when not ok.
    importable: list[PreviewRecord] = field(default_factory=list)
    # Every row of a record that has a problem, with the reasons (file order).
    bad_rows: list[SkippedRow] = field(default_factory=list)
    constants: dict[str, str] = field(default_factory=dict)
    columns_ok: bool = True  # False: a column (or a constant) is missing or wrong; no row read
    left_out: tuple[int, ...] = ()  # rows the person left out (``excluded``), file order

    @property
    def set_aside(self) -> tuple[Any, ...]:
        """Rows the reader found are not records (``SetAside(number, reason)``), if it says."""
        return tuple(getattr(self.table, "set_aside", ()) or ())

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
    unit: str = "line"
    set_aside: tuple[Any, ...] = ()
    not_imported: list[SkippedRow] = field(default_factory=list)
    not_imported_report: Path | None = None
    left_out: tuple[int, ...] = ()  # rows the person left out: not imported, not in the report

    def describe(self) -> str:
        return "\n".join([self._describe(), *self._rows_text()])

    def _rows_text(self) -> list[str]:
        lines = []
        if self.set_aside:
            lines.append(f"Set aside as not records ({_count(len(self.set_aside), 'row')}):")
            lines.extend(
                _at_most([f"  {self.unit} {item.number}: {item.reason}" for item in self.set_aside])
            )
        if self.left_out:
            lines.append(f"Left out by you ({_count(len(self.left_out), 'row')}):")
            lines.extend(_at_most([f"  {self.unit} {number}" for number in self.left_out]))
        if self.not_imported:
            where = f", listed in {self.not_imported_report}" if self.not_imported_report else ""
            lines.append(f"Not imported ({_count(len(self.not_imported), 'row')}{where}):")
            lines.extend(_at_most([f"  {row.describe(self.unit)}" for row in self.not_imported]))
        return lines

    def _describe(self) -> str:
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


def _at_most(lines: list[str], shown: int = SHOWN_ROWS) -> list[str]:
    if len(lines) <= shown:
        return lines
    return [*lines[:shown], f"  … and {len(lines) - shown} more"]


@no_cycle_collection()
def preview(
    ctx: ServiceContext,
    table: Table,
    mapping: Mapping[str, int],
    user: User,
    *,
    constants: Mapping[str, str] | None = None,
    progress: Progress | None = None,
    edits: Mapping[tuple[int, int], Any] | None = None,
    excluded: Collection[int] = (),
    words: word_choices.Words | None = None,
) -> Preview:
    """Judge every row of ``table`` read through ``mapping`` as records of ``user``.

    ``constants``: {field: value} for fields the file has no column for (CONSTANT_FIELDS), the
    value every row gets ("Not stated" is accepted for delivery method and field of study).
    ``edits``, ``excluded``: cells fixed and rows left out in the preview (see the module);
    ``Preview.table`` is then the table as read, with the fixes and without those rows.
    ``words``: answers for the file's own words given for this import ({kind: {word: NASBA
    name}}), over the person's remembered ones (``word_choices.words_in_force``).
    """
    ctx.require_owner(user.user_id, "import records")
    leave = set(excluded)
    left_out = tuple(row.number for row in table.rows if row.number in leave) if leave else ()
    table = edited_table(table, edits, excluded)
    result = Preview(table, left_out=left_out)
    typed = {name: str(value).strip() for name, value in (constants or {}).items()}
    # The person's own answers for their files' words (remembered per user, or given now) win,
    # in the cells and in the headings of hour columns alike.
    in_force = word_choices.words_in_force(ctx, user.user_id, words)
    # Hours spread over one column per field of study: each filled cell is a credit line.
    with vocabulary.use_words(in_force):
        hours = hour_columns(table, mapping) if "field_of_study" not in typed else {}
    given = with_defaults(mapping, typed, spread=bool(hours))
    result.constants = given
    by_columns = {"field_of_study", "credits"} if hours else set()

    def reported(name: str) -> bool:
        return not (name in given and name not in mapping) and name not in by_columns

    problems = {
        name: message
        for name, message in mapping_problems(
            table, mapping, reported=[name for name in REQUIRED if reported(name)]
        ).items()
        if reported(name)
    }
    problems.update(constant_problems(mapping, given))
    if problems:
        result.errors = [
            RowError(table.header_row, f"{LABELS.get(name, name)} column", message, table.unit)
            for name, message in problems.items()
        ]
        result.columns_ok = False
        return result
    order = {name: index for name, index in mapping.items()}
    labels = {name: table.label(index) for name, index in mapping.items()}
    for name in given:
        order[name] = len(table.headers)
        labels[name] = f"{LABELS.get(name, name)} (set for every row)"
    if "started_on" not in mapping and "completed_on" in mapping:
        order["started_on"] = mapping["completed_on"]  # a first day comes only from a range
        labels["started_on"] = labels["completed_on"]
    if hours:
        first = min(hours)
        for name in by_columns:
            order[name], labels[name] = first, "the hours columns"
    found = Problems(order, unit=table.unit, labels=labels)
    with vocabulary.use_words(in_force):
        rows = read_rows(table, mapping, found, given, hours)
    groups = group_rows(rows)
    check_emails(found, rows, user)
    report = percent_reporter(progress, 0, 100)
    report(0, 1, "Checking the rows…")
    result.warnings = check_groups(
        ctx, groups, found, progress=lambda done: report(done, len(groups), "Checking the rows…")
    )
    result.errors = found.errors()
    stored = bulk_records.stored_keys(user.user_id)
    wrong: dict[int, list[str]] = {}
    for error in result.errors:
        reason = f"{error.column}: {error.message}" if error.column else error.message
        wrong.setdefault(error.row, []).append(reason)
    if not wrong:  # (most files) every record importable, matched only when some are stored
        existing = map(stored.get, map(_key, map(_VALUES, groups))) if stored else repeat(None)
        result.importable = list(
            map(PreviewRecord, map(_lines_of, groups), map(_VALUES, groups), existing)
        )
    else:
        for group in groups:
            lines = [row.line for row in group.rows]
            bad = [line for line in lines if line in wrong]
            if not bad:
                result.importable.append(
                    PreviewRecord(tuple(lines), group.values, stored.get(_key(group.values)))
                )
                continue
            for line in dict.fromkeys(lines):  # a row split in several credit lines is one row
                reasons = wrong.get(line) or [
                    f"part of the record on {table.unit} {bad[0]}, which has a problem"
                ]
                result.bad_rows.append(SkippedRow(line, tuple(dict.fromkeys(reasons))))
    result.bad_rows.sort(key=lambda row: row.number)
    # Said of the records that can be imported, whether or not some rows have problems.
    defaulted = {name for name in NOT_STATED_FIELDS if name in given and name not in typed}
    result.warnings = _not_stated_once(result.warnings, defaulted, result.importable)
    if not rows:
        result.warnings.append(
            f"the file has a header ({table.unit} {table.header_row}) but no records"
        )
    skipped = unmapped_columns(table, mapping)
    if skipped:
        names = ", ".join(repr(name) for name in skipped)
        result.warnings.append(f"not imported (no field chosen for them): {names}")
    if result.errors:
        return result
    result.records = list(result.importable)
    return result


def edited_table(
    table: Table,
    edits: Mapping[tuple[int, int], Any] | None = None,
    excluded: Collection[int] = (),
) -> Table:
    """A copy of ``table`` with the cells in ``edits`` ({(row number, column index): value})
    replaced and the ``excluded`` rows removed; ``table`` itself is unchanged. ValidationError
    for a cell that is not in the table (a row it does not hold, a column it does not have)."""
    if not edits and not excluded:
        return table
    numbers = {row.number for row in table.rows}
    by_row: dict[int, dict[int, Any]] = {}
    for (number, index), value in (edits or {}).items():
        if number not in numbers or not 0 <= index < len(table.headers):
            raise ValidationError(
                "edits", f"{table.unit} {number}, column {index + 1} is not a cell of the table"
            )
        by_row.setdefault(number, {})[index] = value
    leave = set(excluded)
    rows = []
    for row in table.rows:
        if row.number in leave:
            continue
        changed = by_row.get(row.number)
        if changed:
            cells = list(row.cells) + [None] * (len(table.headers) - len(row.cells))
            for index, value in changed.items():
                cells[index] = value
            row = TableRow(row.number, tuple(cells))
        rows.append(row)
    return replace(table, rows=tuple(rows))


# Said once for a whole file that has no column for a field the record needs (the import's own
# "Not stated"), instead of each record's own note.
_NO_COLUMN = {
    "delivery_method": (
        "no column says how the programs were delivered: marked '{}' (counted toward the total "
        "only, never as self-study); choose a column or a value to say otherwise"
    ),
    "field_of_study": (
        "no column says each course's field of study: marked '{}' (counted toward the total "
        "only, never toward a field's minimum); choose a column or a value to say otherwise"
    ),
}


def _not_stated_once(
    warnings: list[str], defaulted: Collection[str], records: Sequence[PreviewRecord]
) -> list[str]:
    """The "not stated" note once, with how many of the ``records`` to import carry it, not once
    per record (nor counting rows that will not be imported); for a field the file has no
    column for (``defaulted``), the note says so."""
    notes = {
        NOT_STATED_METHOD: "delivery_method",
        not_stated_field("field of study"): "field_of_study",
    }
    kept = [w for w in warnings if not any(w.endswith(note) for note in notes)]
    values = list(map(_VALUES, records))
    counts = {
        "delivery_method": sum(
            map(operator.eq, map(_METHOD, values), repeat(NOT_STATED, len(values)))
        ),
        "field_of_study": _not_stated_fields(values),
    }
    for note, name in notes.items():
        if counts[name]:
            said = _NO_COLUMN[name].format(NOT_STATED) if name in defaulted else note
            kept.append(f"{_count(counts[name], 'record')}: {said}")
    return kept


_METHOD = operator.methodcaller("get", "delivery_method")
_CREDITS = operator.methodcaller("get", "credits")
_FIELD = operator.methodcaller("get", "field")


def _not_stated_fields(values: Sequence[Mapping[str, Any]]) -> int:
    """How many records have a credit line whose field is "Not stated": none when no line of
    any has it (told in one pass at C speed, most files), else counted record by record."""
    lines = list(map(_CREDITS, values))
    if {list} == set(map(type, lines)) and NOT_STATED not in map(
        _FIELD, itertools.chain.from_iterable(lines)
    ):
        return 0
    return sum(
        1
        for found in values
        if any(line.get("field") == NOT_STATED for line in found.get("credits") or ())
    )


def constant_problems(mapping: Mapping[str, int], constants: Mapping[str, str]) -> dict[str, str]:
    """What is wrong with the values given for every row: {field: message}."""
    problems: dict[str, str] = {}
    for name, value in constants.items():
        if name not in CONSTANT_FIELDS:
            problems[name] = f"cannot be set for every row (only {', '.join(CONSTANT_FIELDS)} can)"
        elif name in mapping:
            problems[name] = (
                "has a column and a value for every row; keep one (the column, or the value)"
            )
        elif not value:
            problems[name] = "is set for every row to nothing; give a value"
    return problems


def _key(values: Mapping[str, Any]) -> bulk_records.RecordKey:
    return bulk_records.record_key(values)


_VALUES = operator.attrgetter("values")
_PREPARED = operator.itemgetter(1)
_LINE = operator.attrgetter("line")


def _lines_of(group: Group) -> tuple[int, ...]:
    """The lines of a group's rows, in order (a ``PreviewRecord``'s ``rows``)."""
    return tuple(map(_LINE, group.rows))


@no_cycle_collection()
def import_mapped(
    ctx: ServiceContext,
    table: Table,
    mapping: Mapping[str, int],
    user: User,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
    *,
    constants: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    not_imported: Path | None = None,
    edits: Mapping[tuple[int, int], Any] | None = None,
    excluded: Collection[int] = (),
    words: word_choices.Words | None = None,
    remember_words: bool = False,
) -> MappedImportSummary:
    """Import ``table`` through ``mapping`` as records of ``user``.

    All or nothing by default: raises ValidationError naming each problem's row and column
    (nothing is written then). With ``skip_bad_rows`` the records whose rows have no problem are
    imported and the rest are listed in the summary's ``not_imported`` (and written to the CSV
    report ``not_imported`` when given, before anything is stored); a column the file lacks
    still refuses the whole file. ``constants``: see :func:`preview`. ``on_duplicate``: ``skip``
    records already stored, or ``merge`` the file into them. Every row is checked first; then
    one short transaction writes the new records in bulk, the merges, and the activity entry.
    ``edits``, ``excluded``: cells fixed and rows left out in the preview (see the module).
    ``words``: answers for the file's own words (see :func:`preview`); with ``remember_words``
    they are also kept for the person's next import, in the import's own transaction.
    """
    if on_duplicate not in ON_DUPLICATE:
        raise ValidationError("on_duplicate", f"must be skip or merge (got {on_duplicate!r})")
    word_choices.check_words(words)
    checked = preview(
        ctx,
        table,
        mapping,
        user,
        constants=constants,
        progress=_scaled(progress, 0, CHECKED_PERCENT) if progress else None,
        edits=edits,
        excluded=excluded,
        words=words,
    )
    if not checked.ok and (not skip_bad_rows or not checked.columns_ok):
        raise ValidationError(checked.error_dict())
    summary = MappedImportSummary(
        records_of=user.email,
        on_duplicate=on_duplicate,
        unit=table.unit,
        set_aside=checked.set_aside,
        not_imported=list(checked.bad_rows),
        left_out=checked.left_out,
    )
    if checked.bad_rows and not_imported is not None:
        write_not_imported(Path(not_imported), checked.table, checked.bad_rows)
        summary.not_imported_report = Path(not_imported)
    summary.warnings.extend(checked.warnings)
    ctx.require_owner(user.user_id, "add records")
    chosen = checked.records if checked.ok else checked.importable
    ready = [(record, bulk_records.prepare(user.user_id, record.values)) for record in chosen]
    report = percent_reporter(progress, CHECKED_PERCENT, 100)
    with database.atomic():
        # Matched again inside the transaction: a record stored since the preview is not doubled.
        stored = bulk_records.stored_keys(user.user_id)
        new: list[bulk_records.NewRecord] = []
        present: list[tuple[PreviewRecord, int]] = []
        if not stored:  # (a person's first import) every record is new
            new, ready = list(map(_PREPARED, ready)), []
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
        kept = (
            word_choices.remember_words(ctx, user.user_id, words)
            if remember_words and words
            else None
        )
    report(total, total, "Imported.")
    summary.changes = Changes.of(ACTIVITY)
    if kept is not None:
        summary.changes |= kept.changes
    if summary.records_added or summary.records_merged:
        summary.changes |= Changes.of(RECORDS, AUDIT)
    return summary


def write_not_imported(path: Path, table: Table, rows: Sequence[SkippedRow]) -> None:
    """The "not imported" report: each row's number, why, and its cells as the file has them
    (so it can be corrected and imported again). UTF-8 with a byte order mark, like exports."""
    cells = {row.number: row.cells for row in table.rows}
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([table.unit, "reason", *(table.label(i) for i in range(len(table.headers)))])
    for row in rows:
        values = [
            "" if value is None else neutralise(str(value)) for value in cells.get(row.number, ())
        ]
        writer.writerow([row.number, "; ".join(row.reasons), *values])
    write_file(path, out.getvalue(), encoding="utf-8-sig")


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
    records: dict[int, tuple[CpeRecord, list[tuple[str, Decimal]]]] = {
        record.record_id: (record, [])
        for record in CpeRecord.select().where(CpeRecord.user == user_id)
    }
    lines = tuples(
        RecordCredit.select(RecordCredit.record, RecordCredit.field_of_study, RecordCredit.credits)
        .join(CpeRecord)
        .where(CpeRecord.user == user_id)
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


def with_defaults(
    mapping: Mapping[str, int], constants: dict[str, str], *, spread: bool = False
) -> dict[str, str]:
    """The constants, plus the honest "Not stated" for a delivery method, and for a field of
    study, that the file has no column for and no value was given (history from logs that never
    recorded them: an internal auditor's log has hours but no NASBA fields). ``spread``: the
    hours are spread over one column per field, which says the field."""
    given = dict(constants)
    if "delivery_method" not in mapping and "delivery_method" not in given:
        given["delivery_method"] = NOT_STATED
    if "field_of_study" not in mapping and "field_of_study" not in given and not spread:
        given["field_of_study"] = NOT_STATED
    return given
