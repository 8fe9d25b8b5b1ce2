"""The words people's spreadsheets use for fields of study and delivery methods.

``rules.fields`` accepts only names that can mean one thing anywhere in the application. An
imported spreadsheet speaks a wider language: a board's classification codes (AA, TX, PSR, MAS),
a tracker's "Accounting & Auditing" column, "Conference" or "On-Demand" for the format, "Taxes
(8.0)" with the hours repeated in the cell. ``field_of`` and ``delivery_of`` map those onto the
NASBA names for the import only, as a board's own reporting form means them:

* "A&A" / "Accounting & Auditing" / "AA" is a board's single accounting-and-auditing category;
  it is read as Accounting (both are technical fields and a board's A&A minimum counts either).
* "Ethics" and "PSR" (Professional Standards & Responsibilities) are the ethics a board requires,
  which is Regulatory Ethics; "Behavioral Ethics" stays what it says.
* "Online" alone could be a live webinar or a self-study course, so it is not guessed:
  ``field_choices`` / ``delivery_choices`` name the possibilities for the message that refuses it.

A person's own answers ("Ethics" is Behavioral Ethics in *my* log, "Online" was self-study) are
remembered per user (``word_choices``) and put in force around an import with ``use_words``: inside
it a remembered word wins over this vocabulary, and a vague word the user has answered is read.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from types import MappingProxyType

from cpe_desktop.rules import fields as f

_FIELD_WORDS: Mapping[str, tuple[str, ...]] = {
    f.ACCOUNTING: (
        "A&A",
        "AA",
        "A and A",
        "Accounting & Auditing",
        "Accounting/Auditing",
        "Acct/Audit",
        "Accounting & Audit",
        "ACCT",
    ),
    # The IRS's continuing-education categories for enrolled agents and return preparers
    # (Federal Tax Law, Federal Tax Law Updates, Ethics): tax law is the Taxes field.
    f.TAXES: (
        "TX",
        "TAX",
        "Tax Planning",
        "Tax Compliance",
        "Federal Tax Law",
        "Federal Tax Law Updates",
        "Federal Tax Updates",
        "Tax Law",
        "Tax Law Updates",
        "Federal Tax",
    ),
    f.REGULATORY_ETHICS: (
        "Ethics",
        "PSR",
        "Professional Standards & Responsibilities",
        "Professional Standards and Responsibility",
        "Professional Standards",
        "Professional Ethics",
        "ETH",
        "State Ethics",
    ),
    f.INFORMATION_TECHNOLOGY: ("Technology", "Tech", "IT"),
    # MS: the Ohio board's code for management services (AA, TX, MS, PSR …).
    f.MANAGEMENT_SERVICES: ("MAS", "MS", "Consulting", "Management Advisory"),
    f.BUSINESS_LAW: ("BL", "Law", "Legal"),
    f.FINANCE: ("FIN", "Financial Planning"),
    f.SPECIALIZED_KNOWLEDGE: ("SK", "Specialized"),
    f.PERSONAL_DEVELOPMENT: ("PD",),
    f.BEHAVIORAL_ETHICS: ("Behavioral",),
    f.COMPUTER_SOFTWARE: ("Computer Software", "Software", "Software & Applications"),
}
_FIELD_AMBIGUOUS: Mapping[str, tuple[str, ...]] = {
    "Computer Science": (f.INFORMATION_TECHNOLOGY, f.COMPUTER_SOFTWARE),
    "Computers": (f.INFORMATION_TECHNOLOGY, f.COMPUTER_SOFTWARE),
    "Management": (f.MANAGEMENT_SERVICES, f.BUSINESS_MANAGEMENT),
    "Governmental": (f.ACCOUNTING_GOVERNMENTAL, f.AUDITING_GOVERNMENTAL),
    "Government": (f.ACCOUNTING_GOVERNMENTAL, f.AUDITING_GOVERNMENTAL),
    "Yellow Book": (f.AUDITING_GOVERNMENTAL, f.ACCOUNTING_GOVERNMENTAL),
    "Non-technical": f.NON_TECHNICAL_FIELDS,
    "Technical": f.TECHNICAL_FIELDS,
}
_DELIVERY_WORDS: Mapping[str, tuple[str, ...]] = {
    f.GROUP_LIVE: (
        "Conference",
        "Seminar",
        "Classroom",
        "In-person",
        "In person seminar",
        "In-person conference",
        "Live in person",
        "Live seminar",
        "Workshop",
        "Lecture",
        "Chapter meeting",
        "Live event",
        "GL",
        # Learning systems' training types (a firm's LMS export): instructor-led in a room.
        "ILT",
        "Instructor-led",
        "Instructor-led training",
        "In person",
    ),
    f.GROUP_INTERNET_BASED: (
        "Virtual",
        "Virtual conference",
        "Virtual seminar",
        "Live online",
        "Live virtual",
        "Online live",
        "Live stream",
        "Livestream",
        "Live Web",
        "Webcast",
        "Webinar (live)",
        "Live webinar",
        "Web conference",
        "Zoom",
        "Interactive webinar",
        # Learning systems' "virtual classroom": instructor-led, live, over the internet.
        "Virtual Classroom",
        "Virtual instructor-led",
        "Virtual instructor-led training",
        "VILT",
        "Virtual ILT",
    ),
    f.QAS_SELF_STUDY: (
        "On-Demand",
        "On Demand",
        "On-demand webinar",
        "On-demand webcast",
        "Self-study",
        "Self Study",
        "Selfstudy",
        "Online course",
        "Online self-study",
        "Online self study",
        "Self-paced",
        "Self paced",
        "Recorded webinar",
        "Archived webinar",
        "Archived webcast",
        "SS",
        "QAS SS",
    ),
    f.NANO_LEARNING: ("Nano", "Nano-learning", "Microlearning", "Micro-learning"),
}
_DELIVERY_AMBIGUOUS: Mapping[str, tuple[str, ...]] = {
    "Online": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "Internet": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "Web": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "Web-based": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "E-learning": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "Video": (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY),
    "Group": (f.GROUP_LIVE, f.GROUP_INTERNET_BASED),
    "Other": f.DELIVERY_METHODS,
}

# Hours repeated after the name: "Taxes (8.0)", "Taxes - 8 hrs", "Taxes: 2", "Taxes 1.5 CPE".
_TRAILING_HOURS = re.compile(
    r"""^(?P<name>.*?\D)\s*(?:
        [(\[]\s*\d+(?:\.\d+)?\s*(?:hrs?|hours?|credits?|cpe|h)?\s*[)\]]
      | [-:\u2013]\s*\d+(?:\.\d+)?\s*(?:hrs?|hours?|credits?|cpe|h)?
      | \s\d+(?:\.\d+)?\s*(?:hrs?|hours?|credits?|cpe|h)
    )\s*$""",
    re.IGNORECASE | re.VERBOSE,
)


def _key(text: str) -> str:
    """As ``rules.fields`` matches names: letters and digits, case-folded, "&" read as "and"."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return "".join(ch for ch in text if ch.isalnum())


def word_key(text: str) -> str:
    """What tells two words apart: "ethics", "ETHICS" and "Ethics." are one word."""
    return _key(text)


def _index(words: Mapping[str, tuple[str, ...]]) -> dict[str, str]:
    return {_key(word): name for name, spellings in words.items() for word in spellings}


_FIELDS = _index(_FIELD_WORDS)
_DELIVERY = _index(_DELIVERY_WORDS)
_FIELD_CHOICES = {_key(word): choices for word, choices in _FIELD_AMBIGUOUS.items()}
_DELIVERY_CHOICES = {_key(word): choices for word, choices in _DELIVERY_AMBIGUOUS.items()}


def _without_hours(text: str) -> str:
    match = _TRAILING_HOURS.match(text.strip())
    return match["name"].strip(" -:\u2013") if match else text


def field_word(text: str) -> str:
    """The word a field-of-study cell names, without hours repeated after it ("Taxes (8.0)" ->
    "Taxes"): what a person is asked about and what is remembered."""
    return _without_hours(text).strip()


FIELD_OF_STUDY = "field_of_study"
DELIVERY_METHOD = "delivery_method"
WORD_KINDS = (FIELD_OF_STUDY, DELIVERY_METHOD)
_NAMED_BY = {FIELD_OF_STUDY: f.normalize_field, DELIVERY_METHOD: f.normalize_delivery_method}

# The words the person importing has answered, {kind: {word's key: NASBA name}}; set by use_words.
_NONE_REMEMBERED: Mapping[str, Mapping[str, str]] = MappingProxyType({})
_REMEMBERED: ContextVar[Mapping[str, Mapping[str, str]]] = ContextVar(
    "cpe_import_words", default=_NONE_REMEMBERED
)


@contextmanager
def use_words(words: Mapping[str, Mapping[str, str]] | None) -> Iterator[None]:
    """Within the block, ``words`` ({"field_of_study": {word: NASBA name}, "delivery_method":
    {...}}, a user's remembered answers) win over the built-in vocabulary in ``field_of`` and
    ``delivery_of``. A word that is itself a NASBA name, or an answer that is not one, is ignored.
    Per thread and per task (a context variable); blocks nest, the inner one in force."""
    index: dict[str, dict[str, str]] = {}
    for kind, named_by in _NAMED_BY.items():
        answers = (words or {}).get(kind) or {}
        index[kind] = {
            _key(word): name
            for word, answer in answers.items()
            if isinstance(word, str) and isinstance(answer, str) and _key(word)
            if named_by(word) is None and (name := named_by(answer)) is not None
        }
    token = _REMEMBERED.set(index)
    try:
        yield
    finally:
        _REMEMBERED.reset(token)


def remembered(kind: str, text: str) -> str | None:
    """The NASBA name the person's remembered answer gives ``text`` (see ``use_words``), or None."""
    answers = _REMEMBERED.get().get(kind)
    if not answers or not isinstance(text, str):
        return None
    candidates = (text, _without_hours(text)) if kind == FIELD_OF_STUDY else (text,)
    for candidate in dict.fromkeys(candidates):
        found = answers.get(_key(candidate))
        if found is not None:
            return found
    return None


def field_of(text: object) -> str | None:
    """The NASBA field of study ``text`` names in a spreadsheet, or None (unknown or ambiguous).
    Inside ``use_words``, the person's remembered answer wins over the built-in vocabulary."""
    if not isinstance(text, str) or not text.strip():
        return None
    candidates = dict.fromkeys((text, _without_hours(text)))
    for candidate in candidates:
        found = f.normalize_field(candidate)
        if found is not None:
            return found
    found = remembered(FIELD_OF_STUDY, text)
    if found is not None:
        return found
    for candidate in candidates:
        found = _FIELDS.get(_key(candidate))
        if found is not None:
            return found
    return None


def delivery_of(text: object) -> str | None:
    """The NASBA delivery method ``text`` names in a spreadsheet, or None (unknown or ambiguous).
    Inside ``use_words``, the person's remembered answer wins over the built-in vocabulary."""
    if not isinstance(text, str) or not text.strip():
        return None
    return (
        f.normalize_delivery_method(text)
        or remembered(DELIVERY_METHOD, text)
        or _DELIVERY.get(_key(text))
    )


def built_in(kind: str, text: str) -> str | None:
    """What the shipped vocabulary alone reads ``text`` as (no remembered answers); None when it
    does not know the word or the word is too vague."""
    token = _REMEMBERED.set(_NONE_REMEMBERED)
    try:
        return field_of(text) if kind == FIELD_OF_STUDY else delivery_of(text)
    finally:
        _REMEMBERED.reset(token)


def field_choices(text: str) -> tuple[str, ...]:
    """The fields of study a word could mean when it is too vague to choose one; () otherwise."""
    return _FIELD_CHOICES.get(_key(_without_hours(text)), ())


def delivery_choices(text: str) -> tuple[str, ...]:
    """The delivery methods a word could mean when it is too vague to choose one; () otherwise."""
    return _DELIVERY_CHOICES.get(_key(text), ())


_PART = re.compile(r"^\s*(?P<name>[^()]+?)\s*\(\s*(?P<hours>\d+(?:\.\d+)?)\s*\)\s*$")


def combined_parts(text: object) -> list[tuple[str, str]] | None:
    """A cell shaped as several names with their hours ("Auditing (2), Taxes (2)", "Taxes (4);
    Ethics (2)") as [(name as written, hours as written)], whatever the names; None otherwise."""
    if not isinstance(text, str) or "(" not in text:
        return None
    parts = [p for p in re.split(r"[,;\n]", text) if p.strip()]
    found = []
    for part in parts:
        match = _PART.match(part)
        if match is None:
            return None
        found.append((match["name"], match["hours"]))
    return found if len(found) >= 2 else None


def combined_fields(text: object) -> list[tuple[str, str]] | None:
    """A cell naming several fields with their hours ("Auditing (2), Taxes (2)", "Taxes (4);
    Ethics (2)") as [(NASBA field, hours as written)]; None when the cell is not such a list or
    any part is not a field this module can name."""
    parts = combined_parts(text)
    if parts is None:
        return None
    found = []
    for name, hours in parts:
        field = field_of(name)
        if field is None:
            return None
        found.append((field, hours))
    return found


def column_kind(values: list[object]) -> str | None:
    """ "field_of_study" or "delivery_method" when most of a column's filled cells (at least
    four of five, and at least three) name one, or could mean one of a few ("Online"); None
    otherwise. Lets an import find such a column under a heading it does not know ("Type",
    "Training Type", "Classification"), its vague words then asked about, not guessed."""
    filled = [v for v in values if isinstance(v, str) and v.strip()]
    if len(filled) < 3:
        return None
    kinds = (
        ("field_of_study", field_of, field_choices),
        ("delivery_method", delivery_of, delivery_choices),
    )
    for kind, reader, vague in kinds:
        named = sum(1 for v in filled if reader(v) is not None or vague(v) or combined_fields(v))
        if named * 5 >= len(filled) * 4:
            return kind
    return None


# A board reporting form's catch-all hour columns ("Technical: A&A | Tax | Other technical |
# Ethics", "Non-technical"): as column headings of such a form they are read as the NASBA field
# that is itself the catch-all of its kind, so technical hours stay technical and non-technical
# hours non-technical. As a cell's value in a log, "Non-technical" stays too vague to guess.
_CATCH_ALL_COLUMNS = {
    _key("Other technical"): f.SPECIALIZED_KNOWLEDGE,
    _key("Other technical subjects"): f.SPECIALIZED_KNOWLEDGE,
    _key("Non-technical"): f.PERSONAL_DEVELOPMENT,
    _key("Nontechnical"): f.PERSONAL_DEVELOPMENT,
}


def field_in_heading(heading: str) -> str | None:
    """The field of study a column heading ends with ("CPE hours claimed Technical A&A" ->
    Accounting, "Hours: Tax" -> Taxes): the longest last words that name one; None if none do.
    For a form whose hours are spread over one column per field."""
    found = heading_word(heading)
    return found[1] if found is not None else None


def heading_word(heading: str) -> tuple[str, str] | None:
    """(the heading's last words that name a field, that field) for ``field_in_heading``:
    ("A&A", Accounting) for "CPE hours claimed Technical A&A"; None if no last words do. The
    longest such words win: "Hours by IRS category Federal Tax Law" is Taxes, not Business Law."""
    words = heading.replace(":", " ").split()
    # The longest last words first: "Federal Tax Law" is Taxes before "Law" alone is Business Law.
    for start in range(len(words)):
        tail = " ".join(words[start:])
        found = field_of(tail) or _CATCH_ALL_COLUMNS.get(_key(tail))
        if found is not None:
            return tail, found
    return None
