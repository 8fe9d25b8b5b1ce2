"""Where the table is in a person's spreadsheet, and which of its rows are not records.

Real CPE logs rarely start with their column names: a title row ("CPE log — Jane Doe, 2024"),
a board form's merged two-row header, a field-descriptions sheet before the data. Rows below the
header are not all records either: a TOTAL line, a year heading, a footnote. This module finds
the header (the row whose cells best match the headings we know, with sub-headings under merged
cells joined "Parent Child"), the sheet that holds records, sets aside the rows that are not
records (each with a reason in words) and names a layout it recognises ("Looks like …").

Pure functions over plain rows ``(number, cells)``; :mod:`tabular` builds the Table from them.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from itertools import compress
from typing import Any

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.mapping import guess_mapping, normalise_heading
from cpe_desktop.services.interchange.tabular import SetAside, cell_text

Found = list[tuple[int, tuple[Any, ...]]]

# The header is looked for among this many non-blank rows at the top.
SEARCH_ROWS = 30
# A merged header: the header row and at most this many rows of sub-headings under it.
MAX_HEADER_ROWS = 3


@dataclass(frozen=True)
class Header:
    """The header found: index of its first row in ``found``, how many rows, joined headings."""

    index: int
    depth: int
    headings: tuple[str, ...]
    score: int


def _text(value: Any) -> str:
    return cell_text(value)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


_DIGIT = re.compile(r"[0-9]")  # what normalise_heading keeps of a number
_NUMBER = re.compile(r"[-+]?\$?\d[\d,]*(\.\d+)?|[-+]?\.\d+")
_DATEISH = re.compile(r"\d{1,4}[/.-]\d{1,2}([/.-]\d{1,4})?")


def _number(value: Any) -> Decimal | None:
    """A cell's number (a typed number, or text that is only a number), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        return Decimal(str(value))
    if isinstance(value, str) and _NUMBER.fullmatch(value.strip()):
        try:
            return Decimal(value.strip().replace("$", "").replace(",", ""))
        except InvalidOperation:
            return None
    return None


def _number_of(value: Any, numbers: dict[str, Decimal | None]) -> Decimal | None:
    """:func:`_number`, a text's remembered in ``numbers`` (a sheet repeats its texts)."""
    if value.__class__ is not str:
        return _number(value)
    found = numbers.get(value, _UNKNOWN)
    if found is _UNKNOWN:
        found = numbers[value] = _number(value)
    return found


_UNKNOWN: Any = object()


def _heading_like(value: Any) -> bool:
    """Could this cell be a column heading (text, not a number or a date)?"""
    if not isinstance(value, str) or not value.strip():
        return False
    text = value.strip()
    return _number(text) is None and not _DATEISH.search(text)


def score(headings: Sequence[str]) -> int:
    """How many of our record fields the headings name (what makes a row the header)."""
    return len(guess_mapping(list(headings)))


def _filled(cells: Sequence[Any]) -> list[int]:
    try:  # a CSV row: all text
        return [i for i, value in enumerate(cells) if value.strip()]
    except AttributeError:  # a spreadsheet's numbers, dates, empty cells
        return [
            i
            for i, value in enumerate(cells)
            if value is not None and not (isinstance(value, str) and not value.strip())
        ]


def _join(parent: Sequence[str], child: Sequence[Any]) -> tuple[str, ...] | None:
    """Headings with a row of sub-headings joined under them, or None when it is not one.

    A row is sub-headings when its cells are all text (no numbers, no dates), the row above has
    at least two headings (one cell alone is a title), at least one sub-heading sits under a
    blank cell (the blank continues the merged heading to its left: "Hours" over "A&A | Tax")
    and at least one heading has nothing under it (merged down: "Date" over both rows). A row
    with a name under every heading is the header itself, not sub-headings.
    """
    above = _filled(parent)
    below = _filled(child)
    if len(above) < 2 or not below or not all(_heading_like(child[i]) for i in below):
        return None
    width = max(len(parent), len(child))
    joined: list[str] = []
    carried = ""  # a heading merged across the blank cells to its right
    under_blank = alone = False
    for i in range(width):
        top = parent[i] if i < len(parent) else ""
        sub = _text(child[i]) if i < len(child) else ""
        if top:
            alone = alone or not sub
            carried = top if sub else ""
            joined.append(f"{top} {sub}" if sub else top)
        elif sub:
            under_blank = under_blank or bool(carried)
            joined.append(f"{carried} {sub}" if carried else sub)
        else:
            # Blank above and below: still inside a heading merged across several columns
            # ("Technical" over "A&A | Tax | Other"), which the next sub-heading continues.
            joined.append("")
    return tuple(joined) if under_blank and alone else None


def header_at(found: Found, index: int, to_text: Callable[[Any], str] = _text) -> Header:
    """The header starting at ``found[index]``, with any rows of sub-headings under it."""
    headings = tuple(to_text(value) for value in found[index][1])
    depth = 1
    while depth < MAX_HEADER_ROWS and index + depth < len(found):
        number, cells = found[index + depth]
        if number != found[index + depth - 1][0] + 1:
            break  # sub-headings sit directly under the heading
        joined = _join(headings, cells)
        if joined is None:
            break
        headings, depth = joined, depth + 1
    return Header(index, depth, headings, score(headings))


def find_header(
    found: Found, header_row: int | None = None, to_text: Callable[[Any], str] = _text
) -> Header:
    """The header: row ``header_row`` when given, else the best-scoring of the first rows.

    Ties go to the earlier row, so a file whose first row is its header reads as it always did.
    """
    if header_row is not None:
        for index, (number, _cells) in enumerate(found):
            if number == header_row:
                return header_at(found, index, to_text)
        raise ValidationError("header row", f"{header_row} is blank or not in the file")
    best = header_at(found, 0, to_text)
    for index in range(1, min(len(found), SEARCH_ROWS)):
        candidate = header_at(found, index, to_text)
        if candidate.score > best.score:
            best = candidate
    return best


# --- rows that are not records ----------------------------------------------------------------

_TOTAL = re.compile(r"^(grand |sub ?|year |annual )?totals?\b|\b(sub ?)?totals?:?$", re.IGNORECASE)
_YEAR = re.compile(r"^(\D{0,20}\s)?(19|20)\d\d(\s\D{0,20})?$")
_NOTE = re.compile(r"^(\*|†|note|notes|n\.b\.|source|prepared|printed|page \d)", re.IGNORECASE)


# A learning platform's or firm system's status column: a course registered for, in progress or
# dropped is in the export but was not taken (yet); only a completed one is a CPE record.
_STATUS_HEADINGS = frozenset(
    {
        "status",
        "completion status",
        "course status",
        "registration status",
        "enrollment status",
        "enrolment status",
    }
)
_NOT_TAKEN = frozenset(
    {
        "registered",
        "enrolled",
        "in progress",
        "inprogress",
        "started",
        "not started",
        "incomplete",
        "not completed",
        "withdrawn",
        "cancelled",
        "canceled",
        "dropped",
        "failed",
        "pending",
        "waitlisted",
        "wait listed",
        "no show",
        "did not attend",
        "absent",
        "scheduled",
    }
)


def _status_column(wanted: list[str]) -> int | None:
    for index, heading in enumerate(wanted):
        if heading in _STATUS_HEADINGS:
            return index
    return None


def _label(cells: Sequence[Any]) -> str:
    first = _filled(cells)
    return _text(cells[first[0]]) if first else ""


def _quoted(text: str, limit: int = 50) -> str:
    return repr(text if len(text) <= limit else text[: limit - 1] + "…")


def set_aside(
    headings: Sequence[str], rows: Found
) -> tuple[list[tuple[int, tuple[Any, ...]]], list[SetAside]]:
    """The rows below the header split into records and rows set aside (with a reason)."""
    mapping = guess_mapping(list(headings))
    date_column = mapping.get("completed_on")
    label_columns = {mapping[f] for f in ("title", "completed_on") if f in mapping} or {0}
    wanted = [normalise_heading(h) for h in headings]
    named = [i for i, h in enumerate(wanted) if h]
    status = _status_column(wanted)
    records: list[tuple[int, tuple[Any, ...]]] = []
    aside: list[SetAside] = []
    # Per column, the sum of the numbers of the records since the last totals line: only a row of
    # numbers alone asks for them, so the records are added up then (in order, so exactly alike).
    sums = _Sums()
    headings_of: dict[str, str] = {}  # a text cell as a heading reads, each text worked out once
    plain = frozenset(i for i in named if not _DIGIT.search(wanted[i]))  # headings without digits
    numbers: dict[str, Decimal | None] = {}  # a text cell's number (_number), each text once
    # Only the rows that may not be records are asked one by one (every row, when the sheet is
    # not of the common shape); the others are records, taken in runs.
    asked = _may_not_be_records(rows, wanted, named, status, label_columns, plain, headings_of)
    done = 0
    for index in range(len(rows)) if asked is None else asked:
        if index > done:
            run = rows[done:index]
            records.extend(run)
            sums.pending.extend(map(_CELLS, run))
        number, cells = rows[index]
        done = index + 1
        reason = _not_taken(cells, status) or _not_a_record(
            cells, wanted, named, date_column, label_columns, sums, headings_of, plain, numbers
        )
        if reason is None:
            records.append((number, cells))
            sums.pending.append(cells)
        else:
            aside.append(SetAside(number, reason))
            if reason.startswith(("a totals", "a subtotal", "a year", "a section")):
                sums.clear()
    if done < len(rows):
        run = rows[done:]
        records.extend(run)
        sums.pending.extend(map(_CELLS, run))
    return records, aside


_CELLS = operator.itemgetter(1)


def _may_not_be_records(
    rows: Found,
    wanted: list[str],
    named: list[int],
    status: int | None,
    label_columns: set[int],
    plain: frozenset[int],
    headings_of: dict[str, str],
) -> list[int] | None:
    """The indices (in order) of the rows that ``_not_taken`` or ``_not_a_record`` might set
    aside: every other row is a record. Told column by column, each distinct text once, for a
    sheet of the common shape (every row as wide, every cell a text, a label column); None for
    any other sheet, whose rows are then all asked one by one.

    A row is surely a record when its status (if any) is not one of ``_NOT_TAKEN``, none of its
    cells under a heading reads as that heading (so it cannot repeat the header), none holds
    "total", and both a label column and a second column are filled (so it is not one value
    alone, nor numbers without a label).
    """
    if not rows or len(wanted) < 2:
        return None
    cells = list(map(_CELLS, rows))
    widths = set(map(len, cells))
    if len(widths) != 1:
        return None
    width = widths.pop()
    labels = sorted(i for i in label_columns if i < width)
    if width < 2 or not labels:
        return None
    columns = list(zip(*cells, strict=True))
    distinct = [set(column) for column in columns]
    if {str} != set().union(*(map(type, values) for values in distinct)):
        return None
    asked: set[int] = set()
    count = range(len(rows))

    def rows_holding(column: int, chosen: set[str]) -> None:
        if chosen:
            asked.update(compress(count, map(chosen.__contains__, columns[column])))

    if status is not None and status < width:
        rows_holding(
            status, {v for v in distinct[status] if normalise_heading(_text(v)) in _NOT_TAKEN}
        )
    if len(named) >= 2:
        for i in named:
            # A text reads as its heading only if it holds the heading's first word (in any
            # case): most columns hold it in none of their texts, told in one search.
            if i < width and wanted[i].split()[0] in _lowered(distinct[i]):
                rows_holding(i, {v for v in distinct[i] if _reads_as(v, i, wanted, plain)})
    for i in range(width):
        if "total" in _lowered(distinct[i]):
            rows_holding(i, {v for v in distinct[i] if "total" in v.lower()})
    label = labels[0]
    others = [i for i in range(width) if i != label]
    # The second column: the first never blank, else the one filled in most rows.
    other = next((i for i in others if all(map(str.strip, distinct[i]))), None)
    if other is None:
        other = max(others, key=lambda i: sum(map(bool, map(str.strip, columns[i]))))
    for i in (label, other):
        if not all(map(str.strip, distinct[i])):
            rows_holding(i, {v for v in distinct[i] if not v.strip()})
    return sorted(asked)


def _lowered(texts: set[str]) -> str:
    """The texts joined by a separator no word holds, in lower case."""
    return "\x1f".join(texts).lower()


def _reads_as(value: str, i: int, wanted: list[str], plain: frozenset[int]) -> bool:
    """Does the text ``value`` under column ``i`` read as its heading (``_not_a_record``)?"""
    if i in plain and _DIGIT.search(value):
        return False
    return normalise_heading(_text(value)) == wanted[i]


class _Sums:
    """Per column, the sum of the numbers in the records since the last totals line."""

    def __init__(self) -> None:
        self.pending: list[Sequence[Any]] = []  # records not added up yet
        self.totals: dict[int, Decimal] = {}

    def clear(self) -> None:
        self.pending.clear()
        self.totals.clear()

    def get(self, column: int) -> Decimal | None:
        for cells in self.pending:
            for i, value in enumerate(cells):
                amount = _number(value) if isinstance(value, int | float | str) else None
                if amount is not None:
                    self.totals[i] = self.totals.get(i, Decimal(0)) + amount
        self.pending.clear()
        return self.totals.get(column)


def _not_taken(cells: Sequence[Any], status: int | None) -> str | None:
    """A row whose status says the course was not completed ("Registered", "In progress")."""
    if status is None or status >= len(cells):
        return None
    said = _text(cells[status])
    if normalise_heading(said) in _NOT_TAKEN:
        return f"not completed (status {_quoted(said)}), not a course taken"
    return None


def _not_a_record(
    cells: Sequence[Any],
    wanted: list[str],
    named: list[int],
    date_column: int | None,
    label_columns: set[int],
    sums: _Sums,
    headings_of: dict[str, str],
    plain: frozenset[int],
    numbers: dict[str, Decimal | None],
) -> str | None:
    filled = _filled(cells)
    if len(named) >= 2:
        same = 0
        # A repeated header reads as at least half its headings: past this many cells that do
        # not, the row is none (most rows are told after half their cells).
        spare = len(named) // 2
        for i in named:
            if i < len(cells):
                value = cells[i]
                if value.__class__ is str:
                    if i in plain and _DIGIT.search(value):
                        heading = None  # its digits stay in the heading it reads as: not this
                    else:
                        heading = headings_of.get(value)
                        if heading is None:
                            heading = headings_of[value] = normalise_heading(_text(value))
                else:
                    heading = normalise_heading(_text(value))
                if heading == wanted[i]:
                    same += 1
                    continue
            spare -= 1
            if spare < 0:
                break
        if same * 2 >= len(named):
            return "repeats the header row"
    # Every totals word holds "total" (any case): most rows have none and skip the patterns.
    if "total" in _all_text(cells).lower():
        texts = [_text(cells[i]) for i in filled if isinstance(cells[i], str)]
        dated = (
            date_column is not None
            and date_column < len(cells)
            and not _blank(cells[date_column])
            and not _TOTAL.search(_text(cells[date_column]))
        )
        for text in texts:
            if _TOTAL.search(text) and len(text.split()) <= 4 and not dated:
                kind = "a subtotal" if text.lower().startswith("sub") else "a totals line"
                return f"{kind} ({_quoted(text)}), not a course"
    if len(filled) == 1 and len(wanted) > 1:
        text = _text(cells[filled[0]])
        if _YEAR.fullmatch(text):
            return f"a year heading ({_quoted(text)}), not a course"
        if _NOTE.match(text) or len(text) > 60:
            return f"a note ({_quoted(text)}), not a course"
        if _heading_like(cells[filled[0]]):
            return f"a section heading ({_quoted(text)}), not a course"
        if _number(cells[filled[0]]) is None:
            return f"only one value ({_quoted(text)}), not a course"
    numbers_only = filled and all(_number_of(cells[i], numbers) is not None for i in filled)
    if numbers_only and not any(i in label_columns for i in filled):
        if all(sums.get(i) == _number(cells[i]) for i in filled):
            return "a totals line without a label: its numbers are the sums of the rows above"
        return "only numbers, with no course or date: not a record"
    return None


def _all_text(cells: Sequence[Any]) -> str:
    """The row's text cells joined by a separator no word holds."""
    try:
        return "\x1f".join(cells)
    except TypeError:  # not all text (a spreadsheet's numbers and dates)
        return "\x1f".join(value for value in cells if isinstance(value, str))


# --- recognised layouts -----------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """A layout recognised by its headings: each heading a set of accepted spellings
    (normalised; one ending in ``*`` accepts any heading that starts with it, such as the
    "CPE hours claimed Technical A&A" of a merged header), of which all but ``may_miss`` must be
    present. The first layout that matches names the file."""

    name: str
    headings: tuple[frozenset[str], ...]
    may_miss: int = 1

    def matches(self, present: set[str]) -> bool:
        found = sum(1 for spellings in self.headings if _any_present(spellings, present))
        return found >= len(self.headings) - self.may_miss


def _any_present(spellings: frozenset[str], present: set[str]) -> bool:
    for spelling in spellings:
        if spelling.endswith("*"):
            if any(heading.startswith(spelling[:-1]) for heading in present):
                return True
        elif spelling in present:
            return True
    return False


# Names are neutral (what kind of file, not whose product): the corpus copies the public forms'
# and documented exports' columns, not one company's file (tests/import_corpus/README.md).
LAYOUTS: tuple[Layout, ...] = (
    Layout(
        "the NASBA CPE Audit Service credit upload template",
        (
            frozenset({"program title", "program name"}),
            frozenset({"sponsor name"}),
            frozenset({"nasba sponsor id", "sponsor id", "nasba sponsor number"}),
            frozenset({"date completed", "completion date"}),
            frozenset({"field of study"}),
            frozenset({"cpe credits", "credits", "credit hours"}),
            frozenset({"delivery method"}),
        ),
    ),
    Layout(
        "a state society's CPE history export",
        (
            frozenset({"course activity title", "course title", "activity title"}),
            frozenset({"date of course completion", "course completion date"}),
            frozenset({"cpe provider name", "provider name"}),
            frozenset({"cpe credit hours", "credits completed", "credit hours"}),
            frozenset({"subject areas", "subject area"}),
        ),
    ),
    # A society's event history: event code, date and title, and where it was held.
    Layout(
        "a state society's CPE history export",
        (
            frozenset({"event code", "event id", "event number"}),
            frozenset({"event date", "event dates"}),
            frozenset({"event title", "event name"}),
            frozenset({"location", "event location"}),
            frozenset({"field of study", "fields of study"}),
            frozenset({"cpe credits", "cpe hours", "credits"}),
        ),
    ),
    # Compliance platforms' all-certificates / compliance-summary export: the fields of a
    # course combined in one "Subject Areas" cell ("Auditing (2), Taxes (2)"), a certificate.
    Layout(
        "a compliance platform's certificate export",
        (
            frozenset({"course name", "course title"}),
            frozenset({"provider", "provider name", "sponsor"}),
            frozenset({"sponsor id", "nasba sponsor id"}),
            frozenset({"completion date", "date completed"}),
            frozenset({"delivery method"}),
            frozenset({"subject areas", "subject area"}),
            frozenset({"total credits", "total cpe credits"}),
            frozenset({"certificate", "certificate file", "certificate name"}),
        ),
    ),
    # CPE tracking platforms' CSV export: start and end dates, a format in plain words
    # (Conference, Virtual, On-Demand), credits completed and an approval status.
    Layout(
        "a CPE tracking platform's export",
        (
            frozenset({"title", "course title"}),
            frozenset({"cpe provider name", "provider name"}),
            frozenset({"start date"}),
            frozenset({"end date"}),
            frozenset({"format"}),
            frozenset({"field of study"}),
            frozenset({"credits completed"}),
            frozenset({"status"}),
        ),
    ),
    # State boards' CPE reporting forms: the dates, title and sponsor of each program, and the
    # hours claimed (in category columns under a merged "CPE hours claimed" heading); all four.
    Layout(
        "a state board's CPE reporting form",
        (
            frozenset({"date s of program", "dates of program", "program dates"}),
            frozenset({"program title", "title of program"}),
            frozenset({"sponsor name", "name of sponsor"}),
            frozenset({"cpe hours claimed*", "hours claimed*"}),
        ),
        may_miss=0,
    ),
    # A board's CPE report by classification code (AA, TX, PSR, MS).
    Layout(
        "a board's CPE report by classification code",
        (
            frozenset({"exact title of course"}),
            frozenset({"date of course completion"}),
            frozenset({"classification", "classification code"}),
            frozenset({"sponsor", "sponsor name"}),
            frozenset({"cpe credits", "cpe hours"}),
        ),
    ),
    # A board's CPE worksheet kept for an audit.
    Layout(
        "a state board's CPE worksheet",
        (
            frozenset({"date"}),
            frozenset({"course activity title"}),
            frozenset({"cpe provider name"}),
            frozenset({"format"}),
            frozenset({"subject"}),
            frozenset({"cpe credit hours"}),
        ),
    ),
)


def looks_like(headings: Sequence[str]) -> str | None:
    """The name of the known layout these headings are, or None."""
    present = {normalise_heading(h) for h in headings if h}
    for layout in LAYOUTS:
        if layout.matches(present):
            return layout.name
    return None


# --- which sheet ------------------------------------------------------------------------------

_INSTRUCTIONS = re.compile(
    r"instruction|field desc|description|read ?me|how to|help|guide|notes|cover", re.IGNORECASE
)


def sheet_rank(name: str, found: Found) -> tuple[int, int]:
    """How well a sheet holds records (higher is better): a sheet that is not help (its name
    does not say instructions or field descriptions) and has a recognised header comes first,
    then the header's score. A field-descriptions sheet names headings too, so it must lose on
    its name, not on its score.
    """
    if not found:
        return (0, -1)
    header = find_header(found)
    helper = bool(_INSTRUCTIONS.search(name))
    return (int(header.score > 0 and not helper), header.score)
