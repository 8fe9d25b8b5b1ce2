"""A spreadsheet's rows read as our record fields, whatever their layout.

The mapped import needs the same thing from every layout: one ``Row`` per field of study of a
record, its cells converted for the field they are mapped to, and every problem noted where the
person will look. A plain sheet has one row per field; a platform's export may name several
fields with their hours in one cell ("Auditing (2), Taxes (2)"); a board's reporting form spreads
the hours over one column per field. All three come out the same way here.
"""

from __future__ import annotations

import operator
from collections.abc import Mapping
from decimal import Decimal
from itertools import repeat
from typing import Any

from cpe_desktop.rules.fields import BEHAVIORAL_ETHICS, REGULATORY_ETHICS
from cpe_desktop.services.interchange.cells import (
    credits_cell,
    field_cell,
    parse_date_range,
    plain_iso_days,
)
from cpe_desktop.services.interchange.csv_format import restore
from cpe_desktop.services.interchange.grouping import Problems, Row
from cpe_desktop.services.interchange.mapping import ETHICS_PART
from cpe_desktop.services.interchange.tabular import Table
from cpe_desktop.services.interchange.vocabulary import combined_fields

_ETHICS_FIELDS = frozenset({REGULATORY_ETHICS, BEHAVIORAL_ETHICS})


def read_rows(
    table: Table,
    mapping: Mapping[str, int],
    problems: Problems,
    constants: Mapping[str, str],
    hours: Mapping[int, str] | None = None,
) -> list[Row]:
    """Every record row of ``table`` read through ``mapping`` as ``Row``s by our field names,
    each problem noted at its row: the values given for every row filled in, a combined subject
    cell split into one row per field, a form with one hours column per field unpivoted."""
    read = _Reader()
    if hours:
        return _unpivoted(table, mapping, problems, constants, hours, read)
    part = mapping.get(ETHICS_PART)
    if part is None:
        quick = _read_columns(table, mapping, constants, read)
        if quick is not None:
            return quick
    rows = []
    for table_row in table.rows:
        combined = None
        if "field_of_study" in mapping:
            combined = read.combined(table.cell(table_row, mapping["field_of_study"]))
        per_field = ("field_of_study", "credits") if combined is not None else ()
        cells = _read_cells(table, table_row, mapping, problems, read, skip=per_field)
        cells.pop(ETHICS_PART, None)
        if combined is None and not any(value != "" for value in cells.values()):
            continue  # a row with data only elsewhere
        _complete(cells, table, table_row, mapping, constants, read)
        if combined is None and part is not None:
            rows.extend(
                _ethics_split(table.cell(table_row, part), table_row.number, problems, cells)
            )
            continue
        if combined is None:
            rows.append(Row(table_row.number, cells))
            continue
        rows.extend(_split_row(table, table_row, mapping, problems, cells, combined, read))
    return rows


# The fields whose cells are converted (dates, credits, vocabulary): worth remembering per text.
_CONVERTED = frozenset(
    {"completed_on", "started_on", "credits", "field_of_study", "delivery_method"}
)


class _Reader:
    """What one sheet's cells read as, each text worked out once: a sheet repeats its dates,
    credits and words on row after row (the conversions depend on nothing but the text)."""

    def __init__(self) -> None:
        self._cells: dict[str, dict[str, tuple[Any, str | None]]] = {}  # by field, by text
        self._plans: dict[tuple[int, tuple[str, ...]], list[Any]] = {}
        self._combined: dict[str, list[tuple[str, str]] | None] = {}
        self._ranges: dict[str, tuple[Any, Any] | None] = {}

    def cell(self, name: str, value: Any) -> tuple[Any, str | None]:
        """``field_cell(name, value)``."""
        if value.__class__ is not str:
            return field_cell(name, value)
        if name not in _CONVERTED:  # text as it is (``text_cell``), a formula's guard removed
            return (value if value[:1] != "'" else restore(value)), None
        texts = self._texts(name)
        found = texts.get(value)
        if found is None:
            found = texts[value] = field_cell(name, value)
        return found

    def _texts(self, name: str) -> dict[str, tuple[Any, str | None]]:
        """A converted field's texts as read so far (``field_cell``), by text."""
        texts = self._cells.get(name)
        if texts is None:
            texts = self._cells[name] = {}
        return texts

    def plan(
        self, mapping: Mapping[str, int], skip: tuple[str, ...]
    ) -> list[tuple[str, int, bool, dict[str, tuple[Any, str | None]] | None]]:
        """How ``_read_cells`` reads a row through ``mapping``, worked out once per mapping and
        ``skip`` (this reader lives for one sheet's reading, ``mapping`` with it): each mapped
        field but the ethics part (read by the caller) in turn, with its column, whether it is
        left empty (in ``skip``), and its texts as read (``_texts``; None: a text field, taken
        as it is)."""
        key = (id(mapping), skip)
        found = self._plans.get(key)
        if found is None:
            found = self._plans[key] = [
                (name, index, name in skip, self._texts(name) if name in _CONVERTED else None)
                for name, index in mapping.items()
                if name != ETHICS_PART
            ]
        return found

    def combined(self, value: Any) -> list[tuple[str, str]] | None:
        """``combined_fields(value)``."""
        if value.__class__ is not str:
            return combined_fields(value)
        if value not in self._combined:
            self._combined[value] = combined_fields(value)
        found = self._combined[value]
        return None if found is None else list(found)

    def date_range(self, text: str) -> tuple[Any, Any] | None:
        """``parse_date_range(text)``."""
        if text not in self._ranges:
            self._ranges[text] = parse_date_range(text)
        return self._ranges[text]


def _read_cells(
    table: Table,
    table_row: Any,
    mapping: Mapping[str, int],
    problems: Problems,
    read: _Reader,
    skip: tuple[str, ...] = (),
) -> dict[str, Any]:
    """The row's cells converted for the fields they are mapped to (problems noted); fields in
    ``skip`` are left empty, to be filled by the caller."""
    cells: dict[str, Any] = {}
    given = table_row.cells
    width = len(given)
    for name, index, left, texts in read.plan(mapping, skip):
        if left:
            cells[name] = ""
            continue
        value = given[index] if index < width else None  # table.cell
        if value.__class__ is str:  # read.cell's, inline
            if texts is None:  # text as it is, a formula's guard removed
                cells[name] = value if value[:1] != "'" else restore(value)
                continue
            found = texts.get(value)
            if found is None:
                found = texts[value] = field_cell(name, value)
        else:
            found = field_cell(name, value)
        value, problem = found
        if problem is not None:
            problems.add(table_row.number, name, problem)
        cells[name] = value
    return cells


def _read_columns(
    table: Table, mapping: Mapping[str, int], constants: Mapping[str, str], read: _Reader
) -> list[Row] | None:
    """``read_rows``'s rows of a sheet of the common shape, read column by column (each distinct
    text converted once) instead of row by row; None for any other sheet, read the usual way.

    The common shape: no ethics part (the caller's test) and no hours columns, every mapped
    cell present and a text, no combined subject cell, no range of dates, no cell with a
    problem, and a column never empty (so no row is skipped for holding data only elsewhere).
    """
    if not table.rows:
        return None
    plan = read.plan(mapping, ())
    if not plan:
        return None
    given = list(map(_CELLS, table.rows))
    if min(map(len, given)) <= max(index for _, index, _, _ in plan):
        return None  # a mapped cell missing from some row
    names: list[str] = []
    columns: list[list[Any]] = []
    raw: dict[str, list[Any]] = {}
    plain_days: dict[str, set[str]] = {}  # a date column's texts, all plain ISO days
    for name, index, _left, texts in plan:
        column = list(map(operator.itemgetter(index), given))
        distinct = set(column)
        if {str} != set(map(type, distinct)):
            return None
        if texts is None:  # text as it is, a formula's guard removed
            if "\x1f'" in "\x1f" + "\x1f".join(distinct):  # (or a text holding "\x1f'")
                return None
            read_as = column
        else:
            if name in _DAYS and (days := plain_iso_days(distinct)) is not None:
                plain_days[name] = distinct  # (never a range of dates)
                texts.update(zip(days, zip(days.values(), repeat(None), strict=False), strict=True))
            for value in distinct.difference(texts):
                texts[value] = field_cell(name, value)
            if {None} != set(map(_PROBLEM, map(texts.__getitem__, distinct))):
                return None  # a problem, noted the usual way
            read_as = list(map(_VALUE, map(texts.__getitem__, column)))
        names.append(name)
        columns.append(read_as)
        raw[name] = column
    if "field_of_study" in raw and any(
        read.combined(value) is not None for value in set(raw["field_of_study"])
    ):
        return None
    if not any(all(value != "" for value in set(column)) for column in columns):
        return None  # a row may hold data only elsewhere
    if (
        "completed_on" in raw
        and "completed_on" not in plain_days
        and any(read.date_range(value) is not None for value in set(raw["completed_on"]))
    ):
        return None  # a first day from a range of dates
    count = len(given)
    for name, value in constants.items():
        if name in raw:
            columns[names.index(name)] = [value] * count
        else:
            names.append(name)
            columns.append([value] * count)
    numbers = map(_NUMBER, table.rows)
    return list(map(Row, numbers, map(dict, map(zip, repeat(names), zip(*columns, strict=True)))))


_CELLS = operator.attrgetter("cells")
_DAYS = ("completed_on", "started_on")
_VALUE = operator.itemgetter(0)  # of a (value, problem) that ``field_cell`` gives
_PROBLEM = operator.itemgetter(1)
_NUMBER = operator.attrgetter("number")


def _complete(
    cells: dict[str, Any],
    table: Table,
    table_row: Any,
    mapping: Mapping[str, int],
    constants: Mapping[str, str],
    read: _Reader,
) -> None:
    """The values given for every row, and a first day from a range of dates."""
    cells.update(constants)
    if "completed_on" in mapping:
        _first_day_from_range(cells, table.cell(table_row, mapping["completed_on"]), read)


def _unpivoted(
    table: Table,
    mapping: Mapping[str, int],
    problems: Problems,
    constants: Mapping[str, str],
    hours: Mapping[int, str],
    read: _Reader,
) -> list[Row]:
    """Rows of a form with one hours column per field: a row per filled hours cell, the same
    record's other cells repeated (they group back into one record with several credit lines)."""
    rows: list[Row] = []
    for table_row in table.rows:
        cells = _read_cells(table, table_row, mapping, problems, read)
        _complete(cells, table, table_row, mapping, constants, read)
        lines = []
        for index, field_name in hours.items():
            amount, problem = read.cell("credits", table.cell(table_row, index))
            if problem is not None:
                problems.add(table_row.number, "credits", problem)
            elif amount not in ("", None):
                lines.append({**cells, "field_of_study": field_name, "credits": amount})
        if not lines and any(v != "" for k, v in cells.items() if k not in constants):
            problems.add(table_row.number, "credits", "no hours in any of the hours columns")
        rows.extend(Row(table_row.number, line) for line in lines)
    return rows


def _ethics_split(value: Any, number: int, problems: Problems, cells: dict[str, Any]) -> list[Row]:
    """A row whose credits include some ethics hours (an "Ethics hours (included in CPE hours)"
    cell): the ethics hours as a Regulatory Ethics line, the rest in the row's own field. A row
    whose own field is an ethics field, or with no ethics hours, stays one line."""
    amount, problem = credits_cell(value)
    if problem is not None:
        problems.add(number, ETHICS_PART, problem)
        return [Row(number, cells)]
    if amount in ("", None):
        return [Row(number, cells)]
    try:
        ethics = Decimal(str(amount))
    except ArithmeticError:
        problems.add(number, ETHICS_PART, f"{amount!r} is not a number of hours")
        return [Row(number, cells)]
    try:
        total = Decimal(str(cells.get("credits")))
    except ArithmeticError:
        return [Row(number, cells)]  # the credits' own problem is said by the record check
    if ethics < 0 or ethics > total:
        problems.add(
            number, ETHICS_PART, f"{ethics} ethics hours cannot be part of {total} credits"
        )
        return [Row(number, cells)]
    if ethics == 0 or str(cells.get("field_of_study", "")) in _ETHICS_FIELDS:
        return [Row(number, cells)]
    lines = [Row(number, {**cells, "field_of_study": REGULATORY_ETHICS, "credits": ethics})]
    if ethics < total:
        lines.insert(0, Row(number, {**cells, "credits": total - ethics}))
    return lines


def _split_row(
    table: Table,
    table_row: Any,
    mapping: Mapping[str, int],
    problems: Problems,
    cells: dict[str, Any],
    combined: list[tuple[str, str]],
    read: _Reader,
) -> list[Row]:
    """One row per field of a combined cell ("Auditing (2), Taxes (2)"): each with its hours;
    their sum must be the row's credits when it has a credits cell."""
    total = sum((Decimal(hours) for _, hours in combined), Decimal(0))
    if "credits" in mapping:
        stated, problem = read.cell("credits", table.cell(table_row, mapping["credits"]))
        if problem is None and stated not in ("", None):
            try:
                agrees = Decimal(str(stated)) == total
            except ArithmeticError:
                agrees = False
            if not agrees:
                problems.add(
                    table_row.number,
                    "credits",
                    f"the fields' hours add up to {total}, not the {stated} credits in this row",
                )
    return [
        Row(table_row.number, {**cells, "field_of_study": field, "credits": Decimal(hours)})
        for field, hours in combined
    ]


def _first_day_from_range(cells: dict[str, Any], completed: Any, read: _Reader) -> None:
    """A completion cell holding a range ("Mar 2-5, 2026") also gives the program's first day,
    unless a first-day column says otherwise (that column wins)."""
    if cells.get("started_on", "") != "" or not isinstance(completed, str):
        return
    days = read.date_range(completed)
    if days is not None:
        cells["started_on"] = days[0]


__all__ = ["read_rows"]
