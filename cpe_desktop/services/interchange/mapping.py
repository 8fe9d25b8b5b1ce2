"""Which column of a person's spreadsheet holds which part of a CPE record.

People keep their CPE in spreadsheets of their own ("Date", "Course", "CPE Hours", "NASBA ID"),
exported from a provider's portal or typed by hand. Importing one starts by mapping its columns
to our record fields: ``guess_mapping`` recognises the common headings (and the template's own
names exactly), the window lets the person correct the guess, and ``mapping_problems`` says what
is still missing before any row is read.

A mapping is ``{our field: 0-based column index}``; a field without a column is left out.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence

from cpe_desktop.services.interchange.csv_format import HEADER, OPTIONAL, REQUIRED
from cpe_desktop.services.interchange.grouping import EMAIL
from cpe_desktop.services.interchange.tabular import Table
from cpe_desktop.services.interchange.vocabulary import column_kind, field_in_heading

ColumnMapping = dict[str, int]

# The ethics hours counted inside a row's credits ("Ethics hours (included in CPE hours)", as an
# internal auditor's log keeps them): the credits are split into the ethics part and the rest.
ETHICS_PART = "ethics_part"
# Our fields in the order the window lists them; ``email`` only checks whose rows these are.
FIELDS = (*HEADER, *OPTIONAL, ETHICS_PART, EMAIL)
LABELS = {
    "completed_on": "Date completed",
    "started_on": "First day (multi-day)",
    "title": "Course title",
    "sponsor": "Sponsor",
    "sponsor_id": "NASBA sponsor ID",
    "delivery_method": "Delivery method",
    "field_of_study": "Field of study",
    "credits": "Credits",
    "ethics_jurisdiction": "Ethics jurisdiction",
    "notes": "Notes",
    "topics": "Course topics",
    ETHICS_PART: "Of the credits, ethics",
    EMAIL: "Person's email",
}
# Headings people use, compared after normalising (lower case, punctuation as spaces). The
# template's names (``completed_on``) normalise to one of these too.
ALIASES: dict[str, tuple[str, ...]] = {
    "completed_on": (
        "completed on",
        "date",
        "completion date",
        "date completed",
        "date of completion",
        "completed",
        "course date",
        "program date",
        "date attended",
        "certificate date",
        # The last day of a program that ran several days.
        "end date",
        "date ended",
        "ended",
        "ended on",
        "end",
        "last day",
        "finish date",
        "to",
        "to date",
        "date to",
        # One cell of dates ("Mar 2-5, 2026"): its last day, and its first goes to started_on.
        "dates",
        "program dates",
        "course dates",
        "event dates",
        # Board forms, society histories and platform exports.
        "date of course completion",
        "course completion date",
        "program completion date",
        "completion",
        "date earned",
        "date of program",
        "date of course",
        "date taken",
        "event date",
        "webinar date",
        "activity date",
        "date of attendance",
        "program end date",
        "course end date",
        "date s",
    ),
    "started_on": (
        "started on",
        "start date",
        "date started",
        "started",
        "start",
        "starting date",
        "begin date",
        "beginning date",
        "date begun",
        "began",
        "begins",
        "first day",
        "from",
        "from date",
        "date from",
        "program start",
        "course start",
        "course start date",
        "program start date",
    ),
    "title": (
        "title",
        "exact title of course",
        "title of course",
        "course",
        "course title",
        "course name",
        "program",
        "program title",
        "program name",
        "programme",
        "session",
        "session title",
        "course activity title",
        "activity title",
        "course program title",
        "course program name",
        "course program",
        "name of course",
        "name of program",
        "program course title",
        "event name",
        "event title",
        "webinar title",
        "course name title",
        # Internal auditors' and other credentials' logs call a course an activity.
        "activity",
        "activity name",
        "learning activity",
        "cpe activity",
        "activity description",
        "description of activity",
    ),
    "sponsor": (
        "sponsor",
        "provider",
        "sponsor name",
        "provider name",
        "cpe sponsor",
        "cpe provider",
        "organization",
        "organisation",
        "vendor",
        "cpe provider name",
        "course provider",
        "program sponsor",
        "sponsoring organization",
        "sponsor organization",
        "sponsor provider",
        "provider sponsor",
        "sponsor provider name",
        "name of sponsor",
        "education provider",
        "training provider",
        "cpe sponsor name",
        # The IRS's word for an approved continuing-education provider (enrolled agents).
        "ce provider",
        "ce provider name",
        "ce sponsor",
        "approved provider",
        "program provider",
    ),
    "sponsor_id": (
        "sponsor id",
        "nasba id",
        "nasba sponsor id",
        "nasba",
        "nasba number",
        "nasba registry",
        "nasba registry number",
        "registry",
        "registry number",
        "registry no",
        "sponsor number",
        "sponsor no",
        "provider id",
        "nasba sponsor number",
        "nasba registry id",
        "nasba sponsor registry number",
        "sponsor registry number",
        "sponsor registry id",
        "nasba sponsor registry id",
        "provider number",
    ),
    "delivery_method": (
        "delivery method",
        "format",
        "delivery",
        "delivery format",
        "method",
        "instructional method",
        "learning format",
        "course format",
        "program format",
        "delivery type",
        "method of delivery",
        "delivery method type",
        "instruction method",
        "learning method",
        "format of program",
        "type of program",
    ),
    "field_of_study": (
        "field of study",
        "field",
        "subject area",
        "subject",
        "category",
        "nasba field of study",
        "area of study",
        "subject areas",
        "fields of study",
        "field s of study",
        "subject area s",
        "nasba field",
        "nasba category",
        "cpe category",
        "cpe field of study",
        "subject matter",
        "course category",
        "category of study",
        "classification",
        "classification code",
        "field code",
        "subject code",
        "cpe code",
    ),
    "credits": (
        "credits",
        "cpe",
        "credit",
        "hours",
        "cpe hours",
        "cpe credits",
        "cpe credit",
        "credit hours",
        "hours earned",
        "credits earned",
        "cpe hours earned",
        "cpe earned",
        "cpe credit hours",
        "credits completed",
        "credit hours earned",
        "hours completed",
        "cpe hours completed",
        "cpe credits earned",
        "cpe credits completed",
        "total hours",
        "total cpe",
        "total credits",
        "total cpe hours",
        "total cpe credits",
        "number of hours",
        "no of hours",
        "hours claimed",
        "cpe hours claimed",
        "credits claimed",
        "qualifying hours",
        "hrs",
        "cpe hrs",
        "nasba credits",
        "credit amount",
    ),
    "ethics_jurisdiction": (
        "ethics jurisdiction",
        "ethics state",
        "ethics jurisdiction state",
        "state ethics",
        "ethics board",
    ),
    "notes": ("notes", "note", "comments", "comment", "remarks", "memo"),
    # Course topics the rules name ("California Regulatory Review"), ";"-separated in a cell.
    "topics": (
        "topics",
        "topic",
        "course topic",
        "course topics",
        "cpe topic",
        "cpe topics",
        "required topic",
        "required topics",
    ),
    EMAIL: ("email", "e mail", "email address", "user email", "person email"),
    ETHICS_PART: (
        "of which ethics",
        "ethics included",
        "ethics hours included",
        "incl ethics",
        "including ethics",
        "ethics portion",
    ),
}
_BY_ALIAS = {alias: field for field, aliases in ALIASES.items() for alias in aliases}
_PARENTHESISED = re.compile(r"\([^)]*\)|\[[^\]]*\]")


def normalise_heading(heading: str) -> str:
    """``"CPE Hours (earned)"`` → ``"cpe hours earned"``; ``"Registry #"`` → ``"registry"``."""
    words = re.sub(r"[^0-9a-z]+", " ", heading.lower().replace("_", " "))
    return " ".join(words.split())


# "Ethics hours (included in CPE hours)", "of which ethics", "Ethics (incl. above)": a part of the
# credits, never hours of their own; a plain "Ethics hours" column is not guessed as one.
_INSIDE_CREDITS = re.compile(r"\b(included|incl|of which|including|part of|within|inside)\b")


def _field_for(heading: str) -> str | None:
    words = normalise_heading(heading)
    if "ethics" in words.split() and _INSIDE_CREDITS.search(words):
        return ETHICS_PART
    for candidate in (heading, _PARENTHESISED.sub(" ", heading)):
        field = _BY_ALIAS.get(normalise_heading(candidate))
        if field is not None:
            return field
    return None


def guess_mapping(headers: Sequence[str]) -> ColumnMapping:
    """Our fields to the columns whose headings name them; the leftmost column wins a tie."""
    mapping: ColumnMapping = {}
    for index, heading in enumerate(headers):
        field = _field_for(heading or "")
        if field is not None and field not in mapping:
            mapping[field] = index
    return {field: mapping[field] for field in FIELDS if field in mapping}


def guess_columns(table: Table) -> ColumnMapping:
    """``guess_mapping`` from the headings, then, for a field of study or delivery method still
    without a column, a column whose cells mostly name one (a board's "Classification" of AA,
    TX, PSR; a log's "Type" of Tax, Ethics, A&A)."""
    mapping = guess_mapping(table.headers)
    taken = set(mapping.values())
    width = max((len(row.cells) for row in table.rows), default=len(table.headers))
    for index in range(width):
        if index in taken:
            continue
        kind = column_kind([table.cell(row, index) for row in table.rows])
        if kind is not None and kind not in mapping:
            mapping[kind] = index
            taken.add(index)
    return {field: mapping[field] for field in FIELDS if field in mapping}


def hour_columns(table: Table, mapping: Mapping[str, int]) -> dict[int, str]:
    """For a sheet with no field-of-study and no credits column: the columns holding hours per
    field of study ({column: NASBA field}), named by the end of their heading ("CPE hours
    claimed Technical A&A") and holding only numbers. Two or more, or none at all."""
    if "field_of_study" in mapping or "credits" in mapping:
        return {}
    taken = set(mapping.values())
    found: dict[int, str] = {}
    for index, heading in enumerate(table.headers):
        if index in taken or not heading:
            continue
        field = field_in_heading(heading)
        values = [table.cell(row, index) for row in table.rows]
        filled = [v for v in values if v not in (None, "")]
        if field is None or not filled:
            continue
        if all(_numeric(v) for v in filled):
            found[index] = field
    return found if len(found) >= 2 else {}


def _numeric(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int | float):
        return True
    return isinstance(value, str) and re.fullmatch(r"\s*\d+(\.\d+)?\s*", value) is not None


def mapping_problems(
    table: Table, mapping: Mapping[str, int], *, reported: Iterable[str] | None = None
) -> dict[str, str]:
    """What stops the rows from being read: {our field: what is wrong}, empty when none.

    ``reported``: the required fields whose absence the caller will show together (those it can
    fill itself, such as "Not stated", left out). The file's headings are then listed once, in
    the first of those that is missing, not once per missing column; without it, in each.
    """
    problems: dict[str, str] = {}
    users: dict[int, str] = {}
    for field, index in mapping.items():
        if field not in FIELDS:
            problems[field] = f"is not a record field (fields: {', '.join(FIELDS)})"
        elif not isinstance(index, int) or not 0 <= index < max(len(table.headers), 1):
            problems[field] = f"names column {index!r}, which the file does not have"
        elif index in users:
            problems[field] = (
                f"uses the column {table.label(index)!r}, already chosen for {users[index]}"
            )
        else:
            users[index] = field
    headings = ", ".join(repr(table.label(i)) for i in range(len(table.headers))) or "none"
    shown = [f for f in reported or () if f in REQUIRED and f not in mapping]
    for field in REQUIRED:
        if field not in mapping:
            known = ", ".join(_spelled(alias) for alias in ALIASES[field][:4])
            listed = f" ({headings})" if not shown or field == shown[0] else ""
            problems[field] = (
                f"not found: none of the file's headings{listed} is recognised as "
                f"{LABELS[field].lower()} (for example {known}); rename the column or choose it"
            )
    return problems


def _spelled(alias: str) -> str:
    return repr(alias.title() if alias != "cpe" else "CPE")


def unmapped_columns(table: Table, mapping: Mapping[str, int]) -> list[str]:
    """The file's named columns no field reads from (their contents will not be imported); the
    hours columns of a form with one column per field are read, so they are not listed."""
    used = set(mapping.values()) | set(hour_columns(table, mapping))
    return [heading for index, heading in enumerate(table.headers) if heading and index not in used]
