"""The rules that pick a certificate's facts out of its text (see ``text``).

Each ``find_*`` function takes the certificate's cleaned lines and returns ``(value, source)``,
``source`` being the line(s) the value was read from, or None. A value is taken only from a
label ("Sponsor:"), a fixed phrase ("has successfully completed …", "… is registered with the
National Association of State Boards of Accountancy") or, for dates and delivery methods, a
value that is the only one of its kind in the text. Where candidates of the same strength
disagree the answer is None: an empty field costs the user a few keystrokes, a wrong one may
cost them a board audit.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import Decimal
from typing import TypeVar

from cpe_desktop.rules.fields import (
    normalize_field,
)

T = TypeVar("T")
Found = tuple[T, str]
Entry = tuple[str, Decimal | None, str]  # field of study, its credits, the source line

MAX_LINE = 400
DASH = "\\-\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
NUM = r"\d{1,3}(?:\.\d{1,2})?(?!\.?\d)"
_I = re.IGNORECASE

# --- labels ------------------------------------------------------------------------------------
KIND = r"(?:course|program|programme|webcast|webinar|seminar|session|event|class)"
TITLE_NAMED = rf"{KIND}\s+(?:title|name)|title\s+of\s+(?:the\s+)?{KIND}|title"
TITLE = rf"{TITLE_NAMED}|{KIND}"
SPONSOR = (
    r"(?:program\s+|course\s+|cpe\s+)?(?:sponsor|provider)(?:\s+name)?"
    r"|(?:sponsored|provided|offered|issued|hosted)\s+by"
)
DONE = (
    r"date\s+(?:completed|earned|attended|passed)|completion\s+date|date\s+of\s+(?:completion"
    r"|attendance)|completed\s+on|completed|(?:attendance|exam)\s+date"
)
DATE = rf"{KIND}\s+dates?|dates?(?:\s*\(s\))?\s+of\s+(?:the\s+)?{KIND}|dates?(?:\s*\(s\))?"
METHOD = (
    r"(?:instructional\s+)?delivery\s+(?:method|format|type)|method\s+of\s+delivery"
    r"|instructional\s+method|(?:program|course|learning)\s+(?:format|type)|delivery|format"
)
FIELD = (
    r"(?:recommended\s+|nasba\s+)?(?:fields?|field\s*\(s\))\s+of\s+study|subject\s+areas?"
    r"|areas?\s+of\s+study|knowledge\s+areas?|cpe\s+(?:fields?|categor(?:y|ies))|categor(?:y|ies)"
)
_OTHER = (
    r"participant|attendee|awarded\s+to|presented\s+to|recipient|instructors?|presenters?"
    r"|speakers?|location|venue|license(?:\s+(?:no|number))?|certificate\s+(?:no|number|id)"
    r"|(?:total\s+)?(?:cpe\s+)?(?:credits?|credit\s+hours?|hours)|nasba(?:\s+sponsor)?(?:\s+id)?"
    r"|sponsor\s+(?:id|no|number)|registry\s+(?:id|no|number)|date\s+issued|issued?\s+(?:date|on)"
)
# A value ends where the next label starts ("… 2025 Credits: 4.0"); words that often sit inside
# titles ("Program", "Session") are not used to cut.
_CUT = re.compile(rf"\s(?:{SPONSOR}|{DONE}|{DATE}|{METHOD}|{FIELD}|{_OTHER})\s*[:#]", _I)
_LABEL_START = re.compile(
    rf"^(?:{TITLE}|{SPONSOR}|{DONE}|{DATE}|{METHOD}|{FIELD}|{_OTHER})\s*(?:\(s\)\s*)?:", _I
)
# A label preceded by one of these words is another thing ("Issue Date:", "Job Title:").
_NOT_AFTER = {
    "birth", "issue", "issued", "due", "expiration", "expiry", "print", "printed", "start",
    "registration", "end", "effective", "report", "job", "position", "license", "certificate",
    "sponsor", "nasba", "qas", "registry", "exam", "renewal",
}  # fmt: skip


ABBREVIATIONS = {"inc", "co", "corp", "ltd", "llc", "llp", "pc", "pa", "st", "no", "jr", "sr"}


def clean_lines(text: str) -> list[str]:
    """Lines with compatibility characters folded and runs of spaces collapsed, blanks dropped."""
    lines = (" ".join(raw.split()) for raw in unicodedata.normalize("NFKC", text).splitlines())
    return [line[:MAX_LINE] for line in lines if line]


def cut(value: str) -> str:
    """``value`` up to the next label, without the punctuation around it ("Inc." keeps its dot)."""
    match = _CUT.search(value)
    value = value[: match.start()] if match else value
    value = value.strip(" \t,;:|\u00b7\u2022" + DASH.replace("\\", ""))
    words = value.rstrip(".").rsplit(None, 1)
    if value.endswith(".") and words and words[-1].casefold() not in ABBREVIATIONS:
        value = value.rstrip(". ")
    return value


_KEY = re.compile(r"^[a-z][A-Za-z]{1,30}\s*:(?:\s|$)")  # a data key: "name: …", "courseTitle:"


def keyed(label: str) -> str:
    """``label`` also as a data key: "courseTitle", "completionDate", "fieldOfStudy"."""
    return label.replace(r"\s+", r"\s*")


OPEN_END = re.compile(
    r"(?:[:,&\u2013-]|\b(?:and|of|for|the|a|an|in|on|to|with|from|by|or|at|vs\.?))$", _I
)


def _shape(text: str) -> str:
    return re.sub(r"\d", "9", text)


def labelled(
    lines: list[str], label: str, *, wraps: bool = False, bare: bool = True
) -> list[Found[str]]:
    """Values after ``label:`` in a line (up to the next label), or on the next line.

    ``wraps``: a value that cannot end where its line does ("… Conference:", "… and") goes on
    with the next line when that is not a label of its own. ``bare``: a label alone on its line
    without a colon counts too ("Program Title" over the title). A label over a column of values
    alike ("Date" over "06/02/2025", "06/03/2025") heads a table: its first row is not its value.
    """
    label = keyed(label)
    head = re.compile(rf"(?:^|(?<=[\s,;|]))(?:{label})\s*(?:\(s\)\s*)?:(?P<rest>.*)$", _I)
    alone = re.compile(rf"^(?:{label})\s*(?:\(s\)\s*)?{':?' if bare else ':'}$", _I)
    found: list[Found[str]] = []
    for index, line in enumerate(lines):
        rest = raw = None
        for match in head.finditer(line):
            before = line[: match.start()].split()
            if not before or before[-1].casefold().strip(".,;|") not in _NOT_AFTER:
                raw = match.group("rest")
                rest = cut(raw)
                break
        if rest is None and alone.match(line):
            rest = raw = ""
        if rest is None or raw is None:
            continue
        source = line
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if not rest and following and not (_LABEL_START.match(following) or _KEY.match(following)):
            after = lines[index + 2] if index + 2 < len(lines) else ""
            if re.search(r"\d", following) and _shape(after) == _shape(following):
                continue  # a column of numbers or dates under a heading
            raw, rest, source = following, cut(following), f"{line}\n{following}"
            following = after
        ends_open = not _CUT.search(raw) and OPEN_END.search(raw.rstrip())
        goes_on = following and not _LABEL_START.match(following)
        if wraps and rest and ends_open and goes_on and not _CUT.search(f" {following}"):
            colon = ":" if raw.rstrip().endswith(":") else ""
            rest, source = f"{rest}{colon} {cut(following)}", f"{source}\n{following}"
        if rest:
            found.append((rest, source))
    return found


def agreed(candidates: list[Found[T]]) -> Found[T] | None:
    """The one value all candidates agree on (the first one's source), else None."""
    values = {value for value, _ in candidates}
    return candidates[0] if len(values) == 1 else None


def first_agreed(*groups: list[Found[T]]) -> Found[T] | None:
    """From the strongest group that has candidates, the value they agree on."""
    for group in groups:
        if group:
            return agreed(group)
    return None


# --- dates -----------------------------------------------------------------------------------
_MON = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?"
    r"|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
_ORD = r"(?:st|nd|rd|th)?"
_RANGE = rf"\s*(?:[{DASH}]|to|through|thru|&|and)\s*"
_DATE_RE = re.compile(
    rf"(?<![\w/.])(?:(?P<m1>{_MON})\.?\s+(?P<d1>\d{{1,2}}){_ORD}(?:{_RANGE}(?:(?P<m1b>{_MON})\.?\s+)?"
    rf"(?P<d1b>\d{{1,2}}){_ORD})?,?\s+(?P<y1>\d{{4}})"
    rf"|(?:\d{{1,2}}{_ORD}{_RANGE})?(?P<d2>\d{{1,2}}){_ORD}(?:\s+day)?(?:\s+of)?[\s{DASH}]+"
    rf"(?P<m2>{_MON})\.?,?"
    rf"[\s{DASH}]+(?P<y2>\d{{4}})"
    r"|(?P<y3>\d{4})-(?P<m3>\d{1,2})-(?P<d3>\d{1,2})"
    r"|(?P<a4>\d{1,2})(?P<sep>[/-])(?P<b4>\d{1,2})(?P=sep)(?P<y4>\d{4}|\d{2}))(?![\w/])",
    _I,
)
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBERS = {name: number for number, name in enumerate(_MONTHS, start=1)}


def _date_of(match: re.Match[str]) -> dt.date | None:
    g = match.groupdict()
    if g["y1"]:
        month_name = g["m1b"] or g["m1"]  # a range ends on its second day
        year, month, day = int(g["y1"]), _MONTH_NUMBERS[month_name[:3].lower()], g["d1b"] or g["d1"]
    elif g["y2"]:
        year, month, day = int(g["y2"]), _MONTH_NUMBERS[g["m2"][:3].lower()], g["d2"]
    elif g["y3"]:
        year, month, day = int(g["y3"]), int(g["m3"]), g["d3"]
    else:
        first, second, year = int(g["a4"]), int(g["b4"]), int(g["y4"])
        year += 2000 if year < 100 else 0
        # NASBA certificates are American: month first, unless the first number cannot be one.
        month, day = (second, first) if first > 12 else (first, second)
    try:
        date = dt.date(year, month, int(day))
    except ValueError:
        return None
    return date if 1980 <= date.year <= 2100 else None


def dates_in(text: str) -> list[dt.date]:
    return [d for d in map(_date_of, _DATE_RE.finditer(text)) if d is not None]


_DONE_PHRASE = re.compile(
    r"\b(?:completed|attended|held|participated|took\s+place|earned)\b[^\n]{0,150}?\bon\s+", _I
)
_NOT_COMPLETION = re.compile(
    r"expir|issued?\b|print|birth|\bdue\b|valid|revis|copyright|\u00a9|renew|since", _I
)


def find_date(lines: list[str]) -> Found[dt.date] | None:
    """The completion date: the end of a labelled range, or the only date in the text."""
    labelled_done: list[tuple[dt.date, str]] = []
    labelled_any: list[tuple[dt.date, str]] = []
    for group, label in ((labelled_done, DONE), (labelled_any, DATE)):
        for value, source in labelled(lines, label):
            dates = dates_in(value)
            if dates:
                group.append((dates[-1], source))
    by_phrase = []
    for line in lines:
        for match in _DONE_PHRASE.finditer(line):
            date = _DATE_RE.match(line, match.end())
            found = _date_of(date) if date else None
            if found is not None:
                by_phrase.append((found, line))
    alone = [
        (d, line) for line in lines if not _NOT_COMPLETION.search(line) for d in dates_in(line)
    ]
    everywhere = {d for line in lines for d in dates_in(line)}
    only = alone if len(everywhere) == 1 else []
    return first_agreed(labelled_done, labelled_any, by_phrase, only)


# --- credits and fields of study -------------------------------------------------------------
_QUALIFIER = r"(?:(?:total|recommended|approved|earned|awarded|number\s+of|nasba)\s+)*"
_AFTER = r"(?:\s+(?:earned|awarded|recommended|granted|approved))?"
_CREDITS_LABEL = re.compile(
    rf"(?:^|(?<=[\s,;|(]))(?P<label>{_QUALIFIER}(?:(?:cpe|ce|cpd)(?:\s*(?:credits?|hours?"
    rf"|credit\s+hours?|units?))?|credits?|credit\s+hours?){_AFTER})\s*(?:\(s\)\s*)?:\s*"
    rf"(?P<num>{NUM})(?![/{DASH}]\d)",
    _I,
)
CREDITS_INLINE = re.compile(
    rf"(?<![\d.])(?P<num>{NUM})\s*(?:total\s+)?(?>(?:nasba\s+)?(?:cpe|ce|cpd)\s*(?:credits?|hours?"
    r"|credit\s+hours?|units?)?|credit\s+hours?|credits?|hours?\s+of\s+(?:cpe|ce|continuing))\b"
    r"(?!\s*(?:=|per\b|minute|-\s*minute))",
    _I,
)


def _amount(text: str) -> Decimal | None:
    value = Decimal(text)
    return value if 0 < value <= 200 else None


_CREDITS_ALONE = re.compile(
    rf"^(?P<label>{_QUALIFIER}(?:cpe\s+|ce\s+)?(?:credits?|credit\s+hours?|hours)){_AFTER}:?$", _I
)
_NUMBER_ALONE = re.compile(rf"^(?P<num>{NUM})$")


def find_credits(lines: list[str], skip: frozenset[str] = frozenset()) -> Found[Decimal] | None:
    """The total credits; ``skip`` are lines already read as one field's credits."""
    totals: list[tuple[Decimal, str]] = []
    by_label: list[tuple[Decimal, str]] = []
    inline: list[tuple[Decimal, str]] = []
    for index, line in enumerate(lines):
        alone = _CREDITS_ALONE.match(line)
        below = _NUMBER_ALONE.match(lines[index + 1]) if index + 1 < len(lines) else None
        if alone and below and (amount := _amount(below.group("num"))) is not None:
            is_total = "total" in alone.group("label").casefold()
            (totals if is_total else by_label).append((amount, f"{line}\n{lines[index + 1]}"))
        labelled_here = False
        for match in _CREDITS_LABEL.finditer(line):
            labelled_here = True
            amount = _amount(match.group("num"))
            if amount is not None:
                is_total = "total" in match.group("label").casefold()
                (totals if is_total else by_label).append((amount, line))
        if labelled_here or line in skip:
            continue
        for match in CREDITS_INLINE.finditer(line):
            amount = _amount(match.group("num"))
            if amount is not None:
                inline.append((amount, line))
    return first_agreed(totals, by_label, inline)


_UNIT = r"(?:\s*(?:cpe|ce)?\s*(?:credits?|credit\s+hours?|hours?|hrs?\.?|units?)(?:\s*\(s\))?)?"
_NAME_FIRST = re.compile(
    rf"^(?P<name>.+?)\s*(?P<sep>[{DASH}:=]|\(|\s)\s*(?P<num>{NUM})(?P<unit>{_UNIT})\s*\)?$", _I
)
_NUM_FIRST = re.compile(
    rf"^(?P<num>{NUM})(?P<unit>{_UNIT})\s*(?P<sep>in|of|[{DASH}:])?\s*(?P<name>\D.*)$", _I
)
_HEADER_WORDS = re.compile(r"^(?:(?:cpe\s+|total\s+)?(?:credits?|hours?|credit\s+hours?)\s*)*$", _I)
_FIELD_HEAD = re.compile(
    rf"(?:^|(?<=[\s,;|]))(?:{keyed(FIELD)})\s*(?:\(s\)\s*)?"
    r"(?:(?:&|and)\s*(?:cpe\s+)?(?:credits?|hours|credit\s+hours)\s*)?:?(?P<rest>.*)$",
    _I,
)
# "CPE credit: 1.2 in Information Technology", "CPE credits: 2.0 (Communications and Marketing)"
_LABEL_IN_FIELD = re.compile(
    rf"(?:^|(?<=[\s,;|]))(?:cpe\s+)?(?:credits?|credit\s+hours?)\s*:\s*(?P<num>{NUM})"
    r"(?:\s*(?:cpe\s+)?(?:credits?|hours?))?\s*(?:in\s+(?P<name>[A-Za-z][A-Za-z &/()]*?)"
    r"|\((?P<inside>[A-Za-z][A-Za-z &/]*)\))(?=\s*(?:[.,;]|$))",
    _I,
)
_IN_FIELD = re.compile(
    rf"(?<![\d.])(?P<num>{NUM})\s*(?:cpe|ce)?\s*(?:credits?|hours?|credit\s+hours?)\s+in\s+"
    r"(?:the\s+(?:field|area)\s+of\s+(?:study\s+)?)?(?P<name>[A-Za-z][A-Za-z &/()]*?)"
    r"(?=\s*(?:[.,;]|$|\band\b|\bon\b|\bfor\b))",
    _I,
)


def _entry(part: str, strict: bool) -> tuple[str, Decimal | None] | None:
    """A field of study, with its credits if given; ``strict``: only "Field – 2.0" forms."""
    part = part.strip(" .")
    for pattern in (_NAME_FIRST, _NUM_FIRST):
        match = pattern.match(part)
        if match is None or not (field := normalize_field(match.group("name").strip(" .:"))):
            continue
        num, marked = match.group("num"), (match.group("sep") or "").strip() or match["unit"]
        # Outside a labelled list "Economics 101" is a title, "Economics – 1.0" a field's credits.
        if strict and not (marked or "." in num):
            return None
        return field, _amount(num)
    field = None if strict else normalize_field(part)
    return (field, None) if field else None


def _entries(text: str, *, strict: bool = False) -> list[tuple[str, Decimal | None]]:
    """Every part of ``text`` as (field, credits); empty unless every part is one."""
    parts = [p for p in re.split(r"\s*[;,|]\s*", text) if p.strip()]
    found = [_entry(p, strict) for p in parts]
    entries = [entry for entry in found if entry is not None]
    if not entries or len(entries) != len(found):  # nothing, or a part that is no entry
        return []
    if strict and any(c is None for _, c in entries):
        return []
    return entries


def find_fields(lines: list[str]) -> list[Entry]:
    """Fields of study with their credits: a labelled list or table, or lines of "Field – n"."""
    found: list[Entry] = []
    used: set[int] = set()
    for index, line in enumerate(lines):
        head = _FIELD_HEAD.search(line)
        if head is not None:
            rest = cut(head.group("rest"))
            rest = "" if _HEADER_WORDS.match(rest) else rest
            found += [(f, c, line) for f, c in _entries(rest)]
            for row in range(index + 1, min(index + 13, len(lines))):  # the table under it
                entries = _entries(lines[row])
                if not entries:
                    break
                used.add(row)
                found += [(f, c, lines[row]) for f, c in entries]
        elif index not in used:
            found += [(f, c, line) for f, c in _entries(line, strict=True)]
    if not found:
        for line in lines:
            matches = [*_IN_FIELD.finditer(line), *_LABEL_IN_FIELD.finditer(line)]
            for match in matches:
                name = match.groupdict().get("inside") or match.group("name")
                field = normalize_field(name.strip())
                if field:
                    found.append((field, _amount(match.group("num")), line))
    by_field: dict[str, Entry] = {}
    for entry in found:
        seen = by_field.setdefault(entry[0], entry)
        if seen[1] != entry[1]:
            return []  # the same field with two amounts: which is right is unknown
    return list(by_field.values())


def reconcile(fields: list[Entry], total: Found[Decimal]) -> list[Entry]:
    """A lone field takes the total; per-field credits that do not add up to it are dropped."""
    amount, source = total
    if len(fields) == 1 and fields[0][1] is None:
        field, _, line = fields[0]
        return [(field, amount, line if line == source else f"{line}\n{source}")]
    amounts = [c for _, c, _ in fields]
    if None not in amounts and sum(amounts) != amount:  # type: ignore[arg-type]
        return [(f, None, line) for f, _, line in fields]
    return fields
