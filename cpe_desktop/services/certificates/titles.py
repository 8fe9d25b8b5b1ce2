"""Which program a certificate is for, and whose name is on it.

The title is read from a label ("Course Title:", "Program:"), from the phrase that leads to it
("has successfully completed …", "for the successful completion of …") or from a line printed
in quotes. A certificate prints the participant's name as prominently as the title, in the same
places and often in quotes too, so every candidate equal to a participant's name (the signed-in
person's, passed in, and the names the certificate gives after "This certifies that",
"Participant:" …) or to the sponsor is dropped; lead-in words ("the qualified assessment for",
"the continuing professional education program") are taken off. Each ``find_*`` returns
``(value, source)`` or None, as in ``parse``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable

from cpe_desktop.rules.fields import normalize_delivery_method, normalize_field
from cpe_desktop.services.certificates.parse import (
    CREDITS_INLINE,
    KIND,
    TITLE,
    TITLE_NAMED,
    Found,
    dates_in,
    first_agreed,
    labelled,
)

_I = re.IGNORECASE
_LEAD = (
    r"(?:(?:the|a|an)\s+)?"
    r"(?:(?:qualified\s+assessment|final\s+exam(?:ination)?|exam(?:ination)?|assessment)"
    r"\s+(?:for|of|on)\s+(?:the\s+)?)?"
    r"(?:continuing\s+(?:professional\s+)?education\s+)?"
    r"(?:(?:self[\s-]*study|nano|live|online|on[\s-]*demand|cpe|qas)\s+)?(?:following\s+)?"
    rf"(?:(?:{KIND}|module|conference)s?\b)?\s*(?:(?:of|at|for)(?=\s*\n)\s*)?"
    r"(?:(?:entitled|titled|named)\s+)?:?\s*"
)
_COMPLETED = re.compile(
    r"\b(?:(?:has|have)\s+(?:successfully\s+)?(?:completed|attended|participated\s+in)"
    r"|for\s+(?:having\s+)?(?:successfully\s+)?(?:completing|completed|attending|attended"
    r"|participating\s+in|participation\s+in|(?:the\s+successful\s+)?completion\s+of)"
    r"|successful\s+completion\s+of|successfully\s+completed"
    r"|(?:attended|completed)(?=\s+the\s+continuing\s+(?:professional\s+)?education)"
    r"|(?:(?<=\n)|^)(?:attended|completed|participated\s+in)(?=\s+the\b))\s+" + _LEAD,
    _I,
)
# What the program was, in running text, on the line before its title ("for attending the
# chapter webinar", "the 6-hour instructor-led training course"): a description, not a title.
_DESCRIPTION = re.compile(
    r"^(?=[a-z]|\d+(?:\.\d+)?[\s-]*(?i:hour|day|week|minute|credit)s?\b)"
    rf"[^\n]{{0,60}}?\b(?i:{KIND}|module|conference|workshop)s?\s*:?\s*$"
)
_LEAD_IN = re.compile(rf"^{_LEAD}", _I)
_BARE_LABEL = re.compile(rf"^(?:{TITLE})\s*:?$", _I)
_NEXT_THING = (
    r"completed|held|earned|attended|awarded|issued|presented|sponsored|offered|provided|dates?"
    r"|given|dated|signed"
    r"|worth|total|this|cpe|credits?|fields?|delivery|nasba|sponsor|location|instructors?"
)
_MONTH = r"jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec"
_TITLE_END = re.compile(
    r"[\"\u201c\u201d]?\s*(?:\s(?:on|dated)\s+(?=\w+\.?\s+\d|\d)|\s*,?\s(?:presented|sponsored"
    r"|offered|provided|hosted|delivered|held|conducted|given)\s+(?:by|on|at)\b"
    r"|\s(?:for\s+a\s+total|earning|and\s+(?:is|has|was|earned)|worth|totall?ing|consisting)\b"
    r"|\s(?:with|for)\s+\d|\.\s|\.?$|\n(?=[A-Za-z][\w ()#/.]{0,40}:)"
    rf"|\n(?=(?i:{_NEXT_THING})\b)|\n(?=(?i:{_MONTH})[a-z]*\.?\s+\d|\d{{1,4}}[/.-]\d)"
    rf"|\n(?=(?i:{KIND})s?\s*:?\s*(?:\n|$)))",  # a heading alone on its line: "Session"
)
_QUOTED = re.compile(r"[\"\u201c]([^\"\u201d\n]{3,250}(?:\n[^\"\u201d\n]{1,250})?)[\"\u201d]")
_NOT_A_NAME = re.compile(r"^(?:the\s+)?(?:requirements?|following|training|hours|credits?)\b", _I)


def plausible_name(value: str, *, longest: int = 200) -> bool:
    letters = sum(ch.isalpha() for ch in value)
    return (
        letters >= 3
        and not _NOT_A_NAME.match(value)
        and len(value) <= longest
        and "@" not in value
        and normalize_field(value) is None
        and normalize_delivery_method(value) is None
        and not CREDITS_INLINE.search(value)
        and not dates_in(value)
    )


def same_name(a: str, b: str) -> bool:
    """Whether two names are the same but for case, spacing, quotes and punctuation."""
    return bool(_key(a)) and _key(a) == _key(b)


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).casefold()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in text).split())


def _unquote(value: str) -> str:
    return value.strip().strip("\"'\u201c\u201d\u2018\u2019").strip()


# --- the participant -----------------------------------------------------------------------
_PERSON_LABEL = (
    r"participant(?:'s|\u2019s)?(?:\s+name)?|name\s+of\s+(?:the\s+)?participant|attendee(?:\s+name)?"
    r"|learner|student|recipient|awarded\s+to|presented\s+to|issued\s+to"
)
_NAME_KEY = re.compile(r"^name\s*:\s*(?P<name>.+)$", _I)
_PERSON_LEAD = re.compile(
    r"^(?:this\s+(?:is\s+to\s+)?certif(?:y|ies)\s+that|this\s+certificate\s+is\s+(?:awarded|"
    r"presented)\s+to|(?:is\s+)?(?:hereby\s+)?(?:awarded|presented|issued)\s+to|certifies\s+that)"
    r"\s*:?$",
    _I,
)
_HEADING = re.compile(r"^(?P<word>[A-Za-z]+)\s*:$")


def find_participants(lines: list[str]) -> set[str]:
    """The names the certificate gives as its participant's (not to be taken for a title)."""
    names: set[str] = set()
    for index, line in enumerate(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if _PERSON_LEAD.match(line) and following:
            names.add(_unquote(following))
    names.update(_unquote(value) for value, _ in labelled(lines, _PERSON_LABEL))
    for index, line in enumerate(lines):  # "Name: …", but not a "sponsor:" block's "name: …"
        above = _HEADING.match(lines[index - 1]) if index else None
        key = _NAME_KEY.match(line)
        if key and not (above and above.group("word").casefold() in {"sponsor", "provider"}):
            names.add(_unquote(key.group("name")))
    return {name for name in names if name}


# --- the title -------------------------------------------------------------------------------
def _lead_off(value: str) -> str:
    return _unquote(_LEAD_IN.sub("", _unquote(value), count=1))


def _after_phrase(flat: str) -> list[Found[str]]:
    """Titles after "has successfully completed …" and its kin."""
    found: list[Found[str]] = []
    for match in _COMPLETED.finditer(flat):
        rest = flat[match.end() : match.end() + 400]
        first, _, below = rest.partition("\n")
        if below and _DESCRIPTION.match(first):  # the title is on the next line
            if _BARE_LABEL.match(below.partition("\n")[0]):
                continue  # a table of labels follows ("Course title", "Course ID" …)
            rest = below
        if rest.startswith(('"', "\u201c")):
            quoted = _QUOTED.match(rest)
            title, taken = (quoted.group(1), quoted.end()) if quoted else ("", 0)
        else:
            end = _TITLE_END.search(rest)
            title = rest[: end.start()] if end else rest
            taken = len(title)
            if title.count("\n") > 1:  # three lines and more: where the title ends is unclear
                title = ""
        line_start = flat.rfind("\n", 0, match.start()) + 1
        source = flat[line_start : match.end() + taken].strip()
        found.append((" ".join(title.split()), source))
    return found


def find_title(
    lines: list[str], people: Iterable[str] = (), sponsor: str | None = None
) -> Found[str] | None:
    """The program's title; never one of ``people``'s names or the ``sponsor``."""
    others = [*people, *find_participants(lines), *([sponsor] if sponsor else [])]
    named = labelled(lines, TITLE_NAMED, wraps=True)
    # "Program: …"; a bare "Session" or "Course" over a line is a table's column heading.
    by_kind = labelled(lines, KIND, wraps=True, bare=False)
    by_phrase = _after_phrase("\n".join(lines))
    quoted_lines = [
        (line[1:-1].strip(), line)
        for line in lines
        if len(line) > 5 and line[0] in '"\u201c' and line[-1] in '"\u201d'
    ]

    def sound(group: list[Found[str]]) -> list[Found[str]]:
        titles = [(_lead_off(value), source) for value, source in group]
        return [
            (title, source)
            for title, source in titles
            if plausible_name(title, longest=250)
            and not _DESCRIPTION.match(title)
            and not any(same_name(title, o) for o in others)
        ]

    return first_agreed(*(sound(group) for group in (named, by_kind, by_phrase, quoted_lines)))
