"""Which sponsor a certificate names, its NASBA registry number, and how it was delivered.

The sponsor, its registry number and the delivery method are read from labels (also printed
as data keys: a "sponsor:" block's "name:", "nationalRegistry:"), from the phrases
certificates use ("… is registered with the National Association of State Boards of
Accountancy as a sponsor …", "Presented by …", "Authorized by …") and, for the delivery method,
from the one method the text mentions. The title is read in ``titles``; helpers and
the label vocabulary live in ``parse``; each ``find_*`` returns ``(value, source)``
or None.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from cpe_desktop.rules.fields import (
    BLENDED_LEARNING,
    GROUP_INTERNET_BASED,
    GROUP_LIVE,
    NANO_LEARNING,
    QAS_SELF_STUDY,
    normalize_delivery_method,
)
from cpe_desktop.services.certificates.parse import (
    ABBREVIATIONS,
    DASH,
    METHOD,
    SPONSOR,
    Found,
    cut,
    first_agreed,
    labelled,
)
from cpe_desktop.services.certificates.titles import plausible_name, same_name

_I = re.IGNORECASE

# --- sponsor -------------------------------------------------------------------------------
_REGISTERED = re.compile(
    r"(?m)^(?P<name>[^\n]{2,150}?)\s+(?:is|has\s+been)\s+(?:registered|approved)\s+(?:with|by)"
    r"\s+(?:the\s+)?(?:National\s+Association\s+of\s+State\s+Boards|NASBA)",
    _I,
)
_BY = re.compile(
    r"\b(?:presented|sponsored|offered|provided|hosted|authorized|authorised)\s+by\s+"
    r"(?P<name>[^\n,;]{2,150})",
    _I,
)
_BLOCK = re.compile(r"^(?:cpe\s+|program\s+)?(?:sponsor|provider)\s*:$", _I)
_KEY_NAME = re.compile(r"^name\s*:\s*(?P<name>.+)$", _I)
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


_COMPANY_END = {"inc", "co", "corp", "ltd", "llc", "llp", "plc", "pc", "pllc"}


def _sponsor_name(value: str, *, dash: bool = True) -> str:
    """The name at the start of ``value``. ``dash``: a spaced dash ends it ("Acme – a NASBA
    sponsor"); not in "… – Riverbend Chapter is registered with NASBA", where the whole is the
    name."""
    for end in _NAME_END.finditer(value):
        if not dash and end.group().strip() in DASH.replace("\\", ""):
            continue
        head = value[: end.start()]
        last = head.rsplit(None, 1)[-1:]
        company = end.group().startswith(".") and last and last[0].casefold() in _COMPANY_END
        value = f"{head}." if company else head  # "Brightpath Training Inc. in …" keeps "Inc."
        break
    value = cut(value)
    return re.sub(r"\s*\((?:[^()]*\d[^()]*)\)$", "", value).strip()


def find_sponsor(lines: list[str], people: Iterable[str] = ()) -> Found[str] | None:
    """The sponsor; never one of ``people``'s names (the participant's)."""
    flat = "\n".join(lines)
    by_label = [(_sponsor_name(v), s) for v, s in labelled(lines, SPONSOR)]
    for index, line in enumerate(lines[:-1]):  # "sponsor:" over "name: …", as data keys print
        if _BLOCK.match(line):
            for below in lines[index + 1 : index + 4]:
                if key := _KEY_NAME.match(below):
                    by_label.append((_sponsor_name(key.group("name")), f"{line}\n{below}"))
                    break
    registered = [
        (_sponsor_name(_last_sentence(m.group("name")), dash=False), m.group(0).split("\n", 1)[0])
        for m in _REGISTERED.finditer(flat)
    ]
    by_phrase = [(_sponsor_name(m.group("name")), m.group(0)) for m in _BY.finditer(flat)]
    people = list(people)

    def sound(group: list[Found[str]]) -> list[Found[str]]:
        return [
            (name, source)
            for name, source in group
            if plausible_name(name, longest=150) and not any(same_name(name, p) for p in people)
        ]

    return first_agreed(*(sound(group) for group in (by_label, registered, by_phrase)))


_ID_WORD = r"(?:ID|identification|number|num|no\.?|\#)(?:\s*(?:number|no\.?|\#))?\s*[:#.]?\s*\#?\s*"
_REGISTRY = r"(?:NASBA|National\s*Registry(?:\s+of\s+CPE\s+Sponsors)?|QAS)(?:\s+CPE)?"
_SPONSOR_ID = re.compile(
    rf"(?:(?P<strong>{_REGISTRY}(?:\s+(?:sponsor|registry|registration)){{0,2}}\s*{_ID_WORD}"
    rf"|{_REGISTRY}(?:\s+(?:sponsor|registry)){{1,2}}\s*:?\s*(?=\d{{5}})"
    rf"|{_REGISTRY}\s*:\s*(?=\d{{5}})|registry\s*{_ID_WORD})"
    rf"|(?:CPE\s+)?sponsor\s*{_ID_WORD})(?P<id>\d{{4,7}})(?![\d/.-])",
    _I,
)
# A label alone on its line ("NASBA SPONSOR REGISTRY ID", "Sponsor ID"), the number under it.
_ID_LABEL_ALONE = re.compile(
    rf"^(?:(?P<strong>{_REGISTRY}(?:\s+(?:sponsor|registry|registration)){{0,2}})\s+)?"
    r"(?:(?:cpe\s+)?sponsor\s+)?(?:registry\s+)?(?:id|identification|number|no\.?|#)"
    r"(?:\s*(?:number|no\.?|#))?\s*:?$",
    _I,
)
_ID_ALONE = re.compile(r"^#?\s*(?P<id>\d{4,7})$")


def find_sponsor_id(lines: list[str]) -> Found[str] | None:
    strong: list[Found[str]] = []
    weak: list[Found[str]] = []
    for index, line in enumerate(lines[:-1]):
        label, number = _ID_LABEL_ALONE.match(line), _ID_ALONE.match(lines[index + 1])
        if label and number and re.search(r"sponsor|registry|nasba|qas", line, _I):
            group = strong if label.group("strong") else weak
            group.append((number.group("id"), f"{line}\n{lines[index + 1]}"))
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
