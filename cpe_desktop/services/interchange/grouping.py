"""Rows of a records spreadsheet turned into records: grouping, checking, and where errors go.

The CSV template import and the mapped CSV/XLSX import read files differently but must judge the
rows the same way: one row per field of study, rows sharing title, completion date and sponsor
are one record and must agree on the record's other columns, and every problem is reported at
the line (or row) and column a person has to fix in their spreadsheet. That shared part is here.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.db.models import User
from cpe_desktop.rules.fields import normalize_delivery_method
from cpe_desktop.services import requirements
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.checks import RECORD_KEYS
from cpe_desktop.services.interchange.common import MAX_ERRORS
from cpe_desktop.services.interchange.record_checks import RecordChecks, value_key
from cpe_desktop.services.records import NOT_STATED, not_stated
from cpe_desktop.services.validation import parse_date

EMAIL = "email"  # only in exports of several people; see check_emails
# Columns of the record itself (not of one field of study). Rows of one record must not disagree
# on them: a blank cell says nothing (as merge treats it) and the record takes the filled one.
SHARED = ("delivery_method", "sponsor_id", "started_on", "ethics_jurisdiction", "notes", "topics")
_SHARED = frozenset(SHARED)
# What a record is built from (the certificate is not part of a spreadsheet).
KEYS = tuple(dict.fromkeys([*(key for key in RECORD_KEYS if key != "certificate"), "started_on"]))
# Progress: checking every row takes most of an import, writing them (in bulk) the rest.
CHECKED_PERCENT = 80
_CREDIT_ERROR = re.compile(r"credits\[(\d+)\](?:\.(field|credits))?")


@dataclass(slots=True)
class Row:
    """One non-blank row: its line (CSV) or row (XLSX) number and its cells by our field name.

    Cells hold what the record checks accept: text, or a date for ``completed_on`` and
    ``started_on`` and a number for ``credits`` where the spreadsheet had real ones.
    """

    line: int
    cells: dict[str, Any]


@dataclass(slots=True)
class Group:
    """The rows of one record and, once checked, the record's values for the record service."""

    rows: list[Row]
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RowError:
    """One problem: its line or row, its column (as the file names it) and what is wrong."""

    row: int
    column: str
    message: str
    unit: str = "line"

    @property
    def where(self) -> str:
        return (
            f"{self.unit} {self.row}, {self.column}" if self.column else f"{self.unit} {self.row}"
        )


class Problems:
    """Problems by line (or row) and column, reported in file order.

    ``order`` ranks our field names as the file's columns are ordered; ``labels`` says what the
    file calls each of our fields (a mapped spreadsheet's "Hours" for ``credits``).
    """

    def __init__(
        self,
        order: Mapping[str, int] | None = None,
        *,
        unit: str = "line",
        labels: Mapping[str, str] | None = None,
    ) -> None:
        self.items: list[tuple[int, int, str, str]] = []
        self.order = dict(order or {})
        self.unit = unit
        self.labels = dict(labels or {})

    @classmethod
    def for_columns(cls, columns: list[str], unit: str = "line") -> Problems:
        return cls({name: index for index, name in enumerate(columns)}, unit=unit)

    def add(self, line: int, column: str, message: str) -> None:
        self.items.append((line, self.order.get(column, len(self.order)), column, message))

    def __bool__(self) -> bool:
        return bool(self.items)

    def errors(self) -> list[RowError]:
        """Every problem once per place, in file order (line, then column)."""
        seen: set[tuple[int, str]] = set()
        found = []
        for line, _, column, message in sorted(self.items, key=lambda item: item[:2]):
            label = self.labels.get(column, column)
            if (line, label) not in seen:
                seen.add((line, label))
                found.append(RowError(line, label, message, self.unit))
        return found

    def as_dict(self) -> dict[str, str]:
        errors = {error.where: error.message for error in self.errors()}
        shown = dict(list(errors.items())[:MAX_ERRORS])
        if len(errors) > MAX_ERRORS:
            shown["…"] = f"and {len(errors) - MAX_ERRORS} more problems"
        return shown

    def raise_all(self) -> None:
        raise ValidationError(self.as_dict())


def percent_reporter(
    progress: Callable[[int, str], None] | None, low: int, high: int
) -> Callable[[int, int, str], None]:
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


def group_rows(rows: list[Row]) -> list[Group]:
    """Rows sharing title, completion date and sponsor, in the order they first appear."""
    groups: dict[object, Group] = {}
    days: dict[str, dt.date | None] = {}  # each date's text read once (a record's rows repeat it)
    for row in rows:
        key = group_key(row.cells, row.line, days)
        group = groups.get(key)
        if group is None:  # a group made only for a record's first row
            group = groups[key] = Group([])
        group.rows.append(row)
    return list(groups.values())


def group_key(
    cells: Mapping[str, Any], line: int, days: dict[str, dt.date | None] | None = None
) -> object:
    """Title, date and sponsor; a row whose title or date is unusable stands alone.

    ``days``: dates already read from their text, filled as texts are read."""
    title = cells.get("title")
    title = (title if title.__class__ is str else _text(title)).strip()
    raw = cells.get("completed_on", "")
    if days is not None and raw.__class__ is str and raw in days:
        completed = days[raw]
    else:
        try:
            completed = parse_date(raw)
        except ValueError:
            completed = None
        if days is not None and raw.__class__ is str:
            days[raw] = completed
    if not title or not isinstance(completed, dt.date):
        return ("line", line)
    sponsor = cells.get("sponsor")
    return (title, completed, (sponsor if sponsor.__class__ is str else _text(sponsor)).strip())


def check_groups(
    ctx: ServiceContext,
    groups: list[Group],
    problems: Problems,
    *,
    progress: Callable[[int], None] | None = None,
) -> list[str]:
    """Judge every group as a record (filling ``group.values``); problems go to ``problems``.

    Returns the warnings (NASBA increments, more than 10 credits per program day), each naming
    the record's first line; they never refuse a row. ``progress`` is
    told how many groups have been judged so far, now and then.
    """
    warnings: list[str] = []
    judge = GroupJudge(ctx, problems)
    checks = judge.checks
    # Records whose rows hold the same cells but for the title and last day, judged once: the
    # first one's values and warnings, when it was judged alike (``GroupJudge.judge``) and
    # without a problem; the others take them with their own title and day.
    alike: dict[tuple[Any, ...], tuple[dict[str, Any], list[str]]] = {}
    plans: dict[tuple[str, ...], tuple[int, int] | None] = {}
    unit = problems.unit
    for index, group in enumerate(groups):
        first = group.rows[0]
        key = _alike_key(group.rows, plans)
        seen = alike.get(key) if key is not None else None
        if seen is not None:
            cells = first.cells
            title = checks.title_text(cells["title"])
            day = checks.lone_day(cells["completed_on"])
            if title is not None and day is not None:
                values, said = seen
                values = dict(values)
                values["title"] = title
                values["completed_on"] = day
                values["credits"] = [dict(line) for line in values["credits"]]
                group.values = values
                if said:
                    warnings.extend(f"{unit} {first.line} ({title}): {w}" for w in said)
                if progress is not None and index % 200 == 199:
                    progress(index + 1)
                continue
        said, reusable = judge.judge(group)
        if said:
            title = group.values.get("title", "")
            where = f"{unit} {first.line}"
            warnings.extend(f"{where} ({title}): {w}" for w in said)
        if key is not None and reusable:
            kept = dict(group.values)
            kept["credits"] = [dict(line) for line in kept["credits"]]
            alike[key] = (kept, list(said))
        if progress is not None and index % 200 == 199:
            progress(index + 1)
    return warnings


class GroupJudge:
    """Each group of rows judged as a record the long way (the record reader's judgment, through
    ``RecordChecks``): the topics read once, not once a record."""

    def __init__(self, ctx: ServiceContext, problems: Problems) -> None:
        self.problems = problems
        self.checks = RecordChecks(ctx, KEYS, requirements.known_topics())

    def judge(self, group: Group) -> tuple[list[str], bool]:
        """Fill ``group.values`` (problems go to ``problems``); the record's warnings, and whether
        records alike but for their title and last day (``RecordChecks.title_text`` and
        ``lone_day`` not None) are judged the same but for those two values: it was judged
        through a stand-in with a lone last day, without a problem."""
        problems = self.problems
        placed = len(problems.items)
        alike_rows = _check_agreement(problems, group)
        cells = group.rows[0].cells
        data: dict[str, object] = (
            {name: cells[name] for name in KEYS if name in cells and name != "credits"}
            if alike_rows  # the first row's values (what _shared_value gives then)
            else {
                name: _shared_value(group, name) if name in _SHARED else cells[name]
                for name in KEYS
                if name in cells and name != "credits"
            }
        )
        data["credits"] = [
            {"field": row.cells.get("field_of_study", ""), "credits": row.cells.get("credits", "")}
            for row in group.rows
        ]
        checked = self.checks.check(data)
        for name, message in checked.errors.items():
            place(problems, group, name, message)
        checked.values.pop("certificate", None)
        group.values = checked.values
        reusable = (
            self.checks.alike
            and not checked.errors
            and len(problems.items) == placed
            and checked.values.get("credits").__class__ is list
        )
        return checked.warnings, reusable


def _alike_key(
    rows: list[Row], plans: dict[tuple[str, ...], tuple[int, int] | None]
) -> tuple[Any, ...] | None:
    """The cells of a record's rows, but for their titles and last days, as a key that only
    records judged alike share (values other than text as ``record_checks``' keys write them);
    None: rows without a title or last day column, or with a value that has no such key.
    ``plans``: where each set of columns holds the title and the last day (in order)."""
    parts = []
    for row in rows:
        cells = row.cells
        names = tuple(cells)
        plan = plans.get(names, _NO_PLAN)
        if plan is _NO_PLAN:
            plan = None
            if "title" in names and "completed_on" in names:
                at_title, at_day = names.index("title"), names.index("completed_on")
                plan = (min(at_title, at_day), max(at_title, at_day))
            plans[names] = plan
        if plan is None:
            return None
        values = tuple(cells.values())
        low, high = plan
        if low == 0 and high == 1:  # the template's columns
            values = values[2:]
        else:
            values = values[:low] + values[low + 1 : high] + values[high + 1 :]
        if not _TEXT_KINDS.issuperset(map(type, values)):
            keyed = [value if value.__class__ is str else value_key(value) for value in values]
            if any(
                part is None and value is not None
                for part, value in zip(keyed, values, strict=True)
            ):
                return None
            values = tuple(keyed)
        parts.append((names, values))
    return tuple(parts)


_NO_PLAN: Any = object()
_TEXT_KINDS = frozenset({str, type(None)})


def check_emails(problems: Problems, rows: list[Row], user: User) -> None:
    """An ``email`` column may only name the person the records are imported for.

    One error per other address, at its first line: a multi-person export gives one, not 300.
    """
    others: dict[str, list[int]] = {}
    for row in rows:
        email = row.cells.get(EMAIL)
        if email is None:  # most files have no email column
            continue
        email = _text(email).strip()
        if email and email.lower() != user.email:
            others.setdefault(email, []).append(row.line)
    unit = problems.unit
    for email, lines in others.items():
        more = f" (and {len(lines) - 1} more {unit}s)" if len(lines) > 1 else ""
        problems.add(
            lines[0],
            EMAIL,
            f"{email!r}{more} is not {user.email}, whose records these are; import each "
            "person's rows separately (export with --user EMAIL)",
        )


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ("" if value is None else str(value))


def _method(text: str) -> str | None:
    return normalize_delivery_method(text) or (NOT_STATED if not_stated(text) else None)


def _same(column: str, a: str, b: str) -> bool:
    a, b = a.strip(), b.strip()
    if column == "delivery_method" and _method(a) is not None:
        return _method(a) == _method(b)
    return a == b


def _blank(value: Any) -> bool:
    return not _text(value).strip()


def _shared_value(group: Group, name: str) -> Any:
    """The record's value of a column: the first row's, or for a shared column the first filled
    one (a row that leaves Notes blank says nothing about the record's notes)."""
    first = group.rows[0]
    if len(group.rows) > 1 and name in SHARED and _blank(first.cells.get(name)):
        for row in group.rows[1:]:
            if name in row.cells and not _blank(row.cells[name]):
                return row.cells[name]
    return first.cells[name]


def _check_agreement(problems: Problems, group: Group) -> bool:
    """Each filled shared cell must agree with the first row that filled that column.

    True: every row holds the same shared cells, each text or none (one row; or rows as a
    spreadsheet repeats them), so the record's value of each is the first row's."""
    if len(group.rows) < 2:  # one row agrees with itself (most records of an import)
        return True
    opening = group.rows[0].cells
    shared = tuple(map(opening.get, SHARED))
    if _TEXT_KINDS.issuperset(map(type, shared)) and all(
        tuple(map(row.cells.get, SHARED)) == shared for row in group.rows[1:]
    ):
        return True  # the same text on every row (as a spreadsheet repeats it) agrees
    for column in SHARED:
        filled = [row for row in group.rows if not _blank(row.cells.get(column))]
        if len(filled) < 2:
            continue
        first = filled[0]
        a = _text(first.cells.get(column))
        for row in filled[1:]:
            b = _text(row.cells.get(column))
            if not _same(column, a, b):
                problems.add(
                    row.line,
                    column,
                    f"{b.strip()!r} differs from {a.strip()!r} on {problems.unit} {first.line}; "
                    f"{problems.unit}s with the same title, date and sponsor are one record and "
                    "must agree (a blank cell agrees with any)",
                )
    return False


def place(problems: Problems, group: Group, name: str, message: str) -> None:
    """Put a record-level error (``credits[1].credits``) on the line and column it is about."""
    match = _CREDIT_ERROR.fullmatch(name)
    if match and int(match.group(1)) < len(group.rows):
        row = group.rows[int(match.group(1))]
        column = "field_of_study" if match.group(2) == "field" else "credits"
        problems.add(row.line, column, message)
    else:
        problems.add(group.rows[0].line, name, message)
