"""Which program and sponsor a certificate names, and how it was delivered.

The title, the sponsor, its NASBA registry number and the delivery method are read from labels,
from the phrases certificates use ("has successfully completed …", "… is registered with the
National Association of State Boards of Accountancy as a sponsor …") and, for the delivery
method, from the one method the text mentions. Helpers and the label vocabulary live in
``certificate_parse``; each ``find_*`` returns ``(value, source)`` or None.
"""

from __future__ import annotations

import re

from cpe_desktop.rules.fields import (
    BLENDED_LEARNING,
    GROUP_INTERNET_BASED,
    GROUP_LIVE,
    NANO_LEARNING,
    QAS_SELF_STUDY,
    normalize_delivery_method,
    normalize_field,
)
from cpe_desktop.services.certificate_parse import (
    ABBREVIATIONS,
    CREDITS_INLINE,
    DASH,
    KIND,
    METHOD,
    SPONSOR,
    TITLE_NAMED,
    Found,
    cut,
    dates_in,
    first_agreed,
    labelled,
)

_I = re.IGNORECASE

# --- title and sponsor ---------------------------------------------------------------------
_COMPLETED = re.compile(
    r"\b(?:(?:has|have)\s+(?:successfully\s+)?(?:completed|attended|participated\s+in)"
    r"|for\s+(?:having\s+)?(?:successfully\s+)?(?:completing|completed|attending|attended"
    r"|participating\s+in|participation\s+in|(?:the\s+successful\s+)?completion\s+of)"
    r"|successful\s+completion\s+of|successfully\s+completed)\s+"
    rf"(?:(?:the|a|an)\s+)?(?:(?:self[\s-]*study|nano|live|online|on[\s-]*demand|cpe|qas)\s+)?"
    rf"(?:following\s+)?(?:(?:{KIND}|module|conference)s?\b)?\s*(?:(?:entitled|titled)\s+)?:?\s*",
    _I,
)
_TITLE_END = re.compile(
    r"[\"\u201c\u201d]?\s*(?:\s(?:on|dated)\s+(?=\w+\.?\s+\d|\d)|\s*,?\s(?:presented|sponsored"
    r"|offered|provided|hosted|delivered|held|conducted|given)\s+(?:by|on|at)\b"
    r"|\s(?:for\s+a\s+total|earning|and\s+(?:is|has|was|earned)|worth|totall?ing|consisting)\b"
    r"|\s(?:with|for)\s+\d|\.\s|\.?$|\n(?=[A-Za-z][\w ()#/.]{0,40}:))",
)


_NOT_A_NAME = re.compile(r"^(?:the\s+)?(?:requirements?|following|training|hours|credits?)\b", _I)


def _plausible_name(value: str, *, longest: int = 200) -> bool:
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


def _unquote(value: str) -> str:
    return value.strip().strip("\"'\u201c\u201d\u2018\u2019").strip()


def find_title(lines: list[str]) -> Found[str] | None:
    named = [(_unquote(v), s) for v, s in labelled(lines, TITLE_NAMED)]
    by_kind = [(_unquote(v), s) for v, s in labelled(lines, KIND)]  # "Program: …"
    by_phrase: list[Found[str]] = []
    flat = "\n".join(lines)
    for match in _COMPLETED.finditer(flat):
        rest = flat[match.end() : match.end() + 400]
        if rest.startswith(('"', "\u201c")):
            quoted = re.match(r"[\"\u201c]([^\"\u201d\n]{3,250})[\"\u201d]", rest)
            title, taken = (quoted.group(1), quoted.end()) if quoted else ("", 0)
        else:
            end = _TITLE_END.search(rest)
            title = rest[: end.start()] if end else rest
            if title.count("\n") > 1:  # no clear end: only the first line is surely title
                title = title.split("\n", 1)[0]
            taken = len(title)
        line_start = flat.rfind("\n", 0, match.start()) + 1
        source = flat[line_start : match.end() + taken].strip()
        by_phrase.append((_unquote(" ".join(title.split())), source))
    quoted_lines = [
        (line[1:-1].strip(), line)
        for line in lines
        if len(line) > 5 and line[0] in '"\u201c' and line[-1] in '"\u201d'
    ]
    groups = (named, by_kind, by_phrase, quoted_lines)
    return first_agreed(*([c for c in g if _plausible_name(c[0], longest=250)] for g in groups))


_REGISTERED = re.compile(
    r"(?m)^(?P<name>[^\n]{2,150}?)\s+(?:is|has\s+been)\s+(?:registered|approved)\s+(?:with|by)"
    r"\s+(?:the\s+)?(?:National\s+Association\s+of\s+State\s+Boards|NASBA)",
    _I,
)
_BY = re.compile(
    r"\b(?:presented|sponsored|offered|provided|hosted)\s+by\s+(?P<name>[^\n,;]{2,150})", _I
)
_NAME_END = re.compile(
    rf"\s(?:on|at|in\s+(?:partnership|association|cooperation))\s|\.\s|\s\(|\s[{DASH}]\s"
    r"|\s(?:is|has)\s|\s(?:NASBA|Sponsor)\b",
    _I,
)


def _last_sentence(text: str) -> str:
    """The text after the last full stop that ends a sentence (not "Inc." or "Co.")."""
    start = 0
    for match in re.finditer(r"[.!?]\s+", text):
        word = text[: match.start()].rsplit(None, 1)[-1].casefold() if text[: match.start()] else ""
        if word.strip(".") not in ABBREVIATIONS:
            start = match.end()
    return text[start:]


def _sponsor_name(value: str) -> str:
    end = _NAME_END.search(value)
    value = cut(value[: end.start()] if end else value)
    return re.sub(r"\s*\((?:[^()]*\d[^()]*)\)$", "", value).strip()


def find_sponsor(lines: list[str]) -> Found[str] | None:
    flat = "\n".join(lines)
    by_label = [(_sponsor_name(v), s) for v, s in labelled(lines, SPONSOR)]
    registered = [
        (_sponsor_name(_last_sentence(m.group("name"))), m.group(0).split("\n", 1)[0])
        for m in _REGISTERED.finditer(flat)
    ]
    by_phrase = [(_sponsor_name(m.group("name")), m.group(0)) for m in _BY.finditer(flat)]
    groups = (by_label, registered, by_phrase)
    return first_agreed(*([c for c in g if _plausible_name(c[0], longest=150)] for g in groups))


_ID_WORD = r"(?:ID|identification|number|num|no\.?|\#)(?:\s*(?:number|no\.?|\#))?\s*[:#.]?\s*\#?\s*"
_REGISTRY = r"(?:NASBA|National\s+Registry(?:\s+of\s+CPE\s+Sponsors)?|QAS)(?:\s+CPE)?"
_SPONSOR_ID = re.compile(
    rf"(?:(?P<strong>{_REGISTRY}(?:\s+(?:sponsor|registry|registration))?\s*{_ID_WORD}"
    rf"|{_REGISTRY}\s+(?:sponsor|registry)\s*:?\s*(?=\d{{5}})|registry\s*{_ID_WORD})"
    rf"|(?:CPE\s+)?sponsor\s*{_ID_WORD})(?P<id>\d{{4,7}})(?![\d/.-])",
    _I,
)


def find_sponsor_id(lines: list[str]) -> Found[str] | None:
    strong: list[Found[str]] = []
    weak: list[Found[str]] = []
    for line in lines:
        for match in _SPONSOR_ID.finditer(line):
            before = line[: match.start()].rstrip(" :,;|(").split()
            if match.group("strong"):
                strong.append((match.group("id"), line))
            elif not before or before[-1].casefold() in {"cpe", "program", "course"}:
                # "Texas Sponsor #…", "State Sponsor No." are a state board's numbers.
                weak.append((match.group("id"), line))
    return first_agreed(strong, weak)


# --- delivery method -------------------------------------------------------------------------
_METHOD_PHRASES = (
    (re.compile(r"\bgroup[\s-]*internet[\s-]*based\b", _I), GROUP_INTERNET_BASED),
    (re.compile(r"\bgroup[\s-]*live\b", _I), GROUP_LIVE),
    (re.compile(r"\bnano[\s-]*learning\b", _I), NANO_LEARNING),
    (re.compile(r"\b(?:qas\s+)?self[\s-]*study\b(?!\s*(?:\(qas\)\s*)?(?:program\s+)?sponsor)", _I),
     QAS_SELF_STUDY),
    (re.compile(r"\bblended[\s-]*learning\b", _I), BLENDED_LEARNING),
)  # fmt: skip


def _methods_in(text: str) -> set[str]:
    return {method for pattern, method in _METHOD_PHRASES if pattern.search(text)}


def find_delivery_method(lines: list[str], ignore: tuple[str, ...] = ()) -> Found[str] | None:
    """The labelled method, else the only one mentioned outside ``ignore`` (title, sponsor)."""
    by_label = []
    for value, source in labelled(lines, METHOD):
        method = normalize_delivery_method(value)
        named = _methods_in(value)
        if method is None and len(named) == 1:
            method = named.pop()
        if method is not None:
            by_label.append((method, source))
    mentions = []
    for line in lines:
        text = line
        for name in filter(None, ignore):  # "Summit Self-Study CPE" says nothing of the method
            text = text.replace(name, " ")
        mentions += [(method, line) for method in _methods_in(text)]
    return first_agreed(by_label, mentions)


# --- course topics -------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return re.findall(r"[^\W_]+", text.casefold())


def topic_words(topic: str, places: tuple[str, ...] | list[str] = ()) -> list[str]:
    """What a topic's name says beyond the jurisdiction it starts with: "California Regulatory
    Review" -> ["regulatory", "review"]; a topic that is only a place keeps its words."""
    words = _words(topic)
    for place in sorted(places, key=len, reverse=True):
        start = _words(place)
        if start and words[: len(start)] == start and len(words) > len(start):
            return words[len(start) :]
    return words


def find_topics(
    title: str, topics: list[str], places: tuple[str, ...] | list[str] = ()
) -> list[str]:
    """The course topics a certificate's title names: each one's significant words
    (``topic_words``) appear in the title, in order and side by side, case aside ("Regulatory
    Review 2026" -> "California Regulatory Review"); in the order of ``topics``."""
    said = f" {' '.join(_words(title))} "
    return [
        t for t in topics if (words := topic_words(t, places)) and f" {' '.join(words)} " in said
    ]
