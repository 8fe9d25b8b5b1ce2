"""NASBA vocabulary: the 2016 fields of study and the delivery methods.

Certificates, spreadsheets and old records spell these names in many ways ("Tax", "Webinar",
"Ethics (Regulatory)"). Every other module works with the canonical names defined here, and the
importers and forms use ``normalize_field`` / ``normalize_delivery_method`` to map what people write
onto them. Only unambiguous aliases are accepted: a name that could mean two fields (plain "Ethics",
"Computer Science") is rejected so the user chooses, rather than guessed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache

# --- Fields of study (NASBA, 2016) ----------------------------------------------------------------

ACCOUNTING = "Accounting"
ACCOUNTING_GOVERNMENTAL = "Accounting (Governmental)"
AUDITING = "Auditing"
AUDITING_GOVERNMENTAL = "Auditing (Governmental)"
BUSINESS_LAW = "Business Law"
ECONOMICS = "Economics"
FINANCE = "Finance"
INFORMATION_TECHNOLOGY = "Information Technology"
MANAGEMENT_SERVICES = "Management Services"
REGULATORY_ETHICS = "Regulatory Ethics"
SPECIALIZED_KNOWLEDGE = "Specialized Knowledge"
STATISTICS = "Statistics"
TAXES = "Taxes"

BEHAVIORAL_ETHICS = "Behavioral Ethics"
BUSINESS_MANAGEMENT = "Business Management & Organization"
COMMUNICATIONS_MARKETING = "Communications and Marketing"
COMPUTER_SOFTWARE = "Computer Software & Applications"
PERSONAL_DEVELOPMENT = "Personal Development"
PERSONNEL_HR = "Personnel/Human Resources"
PRODUCTION = "Production"

TECHNICAL_FIELDS: tuple[str, ...] = (
    ACCOUNTING,
    ACCOUNTING_GOVERNMENTAL,
    AUDITING,
    AUDITING_GOVERNMENTAL,
    BUSINESS_LAW,
    ECONOMICS,
    FINANCE,
    INFORMATION_TECHNOLOGY,
    MANAGEMENT_SERVICES,
    REGULATORY_ETHICS,
    SPECIALIZED_KNOWLEDGE,
    STATISTICS,
    TAXES,
)
NON_TECHNICAL_FIELDS: tuple[str, ...] = (
    BEHAVIORAL_ETHICS,
    BUSINESS_MANAGEMENT,
    COMMUNICATIONS_MARKETING,
    COMPUTER_SOFTWARE,
    PERSONAL_DEVELOPMENT,
    PERSONNEL_HR,
    PRODUCTION,
)
FIELDS_OF_STUDY: tuple[str, ...] = TECHNICAL_FIELDS + NON_TECHNICAL_FIELDS
ETHICS_FIELDS: tuple[str, ...] = (REGULATORY_ETHICS, BEHAVIORAL_ETHICS)

# --- Delivery methods -----------------------------------------------------------------------------

GROUP_LIVE = "Group Live"
GROUP_INTERNET_BASED = "Group Internet Based"
QAS_SELF_STUDY = "QAS Self Study"
NANO_LEARNING = "Nano Learning"
BLENDED_LEARNING = "Blended Learning"
INDEPENDENT_STUDY = "Independent Study"
INSTRUCTOR = "Instructor"
AUTHOR = "Author"
COLLEGE_COURSE = "College Course"

DELIVERY_METHODS: tuple[str, ...] = (
    GROUP_LIVE,
    GROUP_INTERNET_BASED,
    QAS_SELF_STUDY,
    NANO_LEARNING,
    BLENDED_LEARNING,
    INDEPENDENT_STUDY,
    INSTRUCTOR,
    AUTHOR,
    COLLEGE_COURSE,
)
# What boards cap as "self-study"; Independent Study is a different thing and is not included.
SELF_STUDY_METHODS: tuple[str, ...] = (QAS_SELF_STUDY, NANO_LEARNING)
# Credit claimed for something other than attending a program.
NON_PROGRAM_METHODS: tuple[str, ...] = (INSTRUCTOR, AUTHOR, COLLEGE_COURSE)

# --- Aliases --------------------------------------------------------------------------------------
# Only names that can mean exactly one canonical value. Case, spacing, punctuation and "&" vs "and"
# are already ignored by the matching key, so list words, not spellings.

_FIELD_ALIASES: Mapping[str, tuple[str, ...]] = {
    ACCOUNTING: ("Acct",),
    ACCOUNTING_GOVERNMENTAL: (
        "Governmental Accounting",
        "Government Accounting",
        "Accounting Government",
    ),
    AUDITING: ("Audit",),
    AUDITING_GOVERNMENTAL: (
        "Governmental Auditing",
        "Government Auditing",
        "Auditing Government",
        "Governmental Audit",
    ),
    ECONOMICS: ("Econ",),
    INFORMATION_TECHNOLOGY: ("IT", "Info Tech", "Information Tech"),
    # "Management Advisory Services" is the pre-2016 name of the same field.
    MANAGEMENT_SERVICES: ("Management Advisory Services",),
    REGULATORY_ETHICS: ("Ethics (Regulatory)", "Ethics - Regulatory", "Regulatory Ethic"),
    SPECIALIZED_KNOWLEDGE: (
        "Specialized Knowledge and Applications",
        "Specialised Knowledge",
        "Specialised Knowledge and Applications",
    ),
    STATISTICS: ("Stats",),
    TAXES: ("Tax", "Taxation"),
    BEHAVIORAL_ETHICS: (
        "Ethics (Behavioral)",
        "Ethics (Behavioural)",
        "Behavioural Ethics",
        "Behavioral Ethic",
    ),
    BUSINESS_MANAGEMENT: (
        "Business Management and Organisation",
        "Business Management",
    ),
    # Before 2016 these were two fields; NASBA merged both into this one.
    COMMUNICATIONS_MARKETING: (
        "Communication and Marketing",
        "Communications",
        "Marketing",
    ),
    COMPUTER_SOFTWARE: ("Computer Software and Application",),
    PERSONNEL_HR: ("Personnel/HR", "Personnel", "Human Resources", "HR"),
}

_METHOD_ALIASES: Mapping[str, tuple[str, ...]] = {
    GROUP_LIVE: ("Live", "In Person", "In-Person Live", "Seminar", "Classroom", "Group-Live"),
    GROUP_INTERNET_BASED: (
        "Webinar",
        "Webcast",
        "Live Webinar",
        "Live Webcast",
        "GIB",
        "Group Internet",
        "Internet Based",
        "Group Internet Based Live",
    ),
    QAS_SELF_STUDY: (
        "Self Study",
        "QAS",
        "Self Study QAS",
        "QAS Self-Study Program",
        "Self-Study (QAS)",
    ),
    NANO_LEARNING: ("Nano", "NanoLearning", "QAS Nano Learning", "Nano Learning QAS"),
    BLENDED_LEARNING: ("Blended",),
    INDEPENDENT_STUDY: ("Independent",),
    INSTRUCTOR: ("Instructing", "Teaching", "Presenter", "Speaker", "Discussion Leader"),
    AUTHOR: ("Authoring", "Writing", "Published Article"),
    COLLEGE_COURSE: ("College", "University Course", "Academic Course", "College Credit"),
}


def _key(text: str) -> str:
    """Reduce a name to what matters for matching: letters and digits, case-folded."""
    text = unicodedata.normalize("NFKC", text).casefold().replace("&", " and ")
    return "".join(ch for ch in text if ch.isalnum())


def _build_index(
    canonical: Iterable[str], aliases: Mapping[str, tuple[str, ...]]
) -> dict[str, str]:
    index: dict[str, str] = {}
    for name in canonical:
        for spelling in (name, *aliases.get(name, ())):
            key = _key(spelling)
            # A key claimed by two names would make matching order-dependent: fail at import.
            if index.get(key, name) != name:
                raise AssertionError(f"alias {spelling!r} is ambiguous")
            index[key] = name
    return index


_FIELD_INDEX = _build_index(FIELDS_OF_STUDY, _FIELD_ALIASES)
_METHOD_INDEX = _build_index(DELIVERY_METHODS, _METHOD_ALIASES)

# "Name (Note)" with exactly one parenthetical, e.g. "Group Internet Based (GIB)".
_PARENTHETICAL = re.compile(r"^([^()]*)\(([^()]*)\)([^()]*)$")


def _lookup(text: object, index: Mapping[str, str]) -> str | None:
    if not isinstance(text, str):
        return None
    found = index.get(_key(text))
    if found is not None:
        return found
    # Certificates often repeat the name in brackets ("Self Study (QAS)" is an alias, but also
    # "Group Live (In Person)"): accept only when both halves independently name the same value.
    match = _PARENTHETICAL.match(text)
    if match is None:
        return None
    outside = index.get(_key(match.group(1) + " " + match.group(3)))
    inside = index.get(_key(match.group(2)))
    return outside if outside is not None and outside == inside else None


# An import checks the same few spellings tens of thousands of times: each is worked out once.
@lru_cache(maxsize=4096)
def _field_named(text: str) -> str | None:
    return _lookup(text, _FIELD_INDEX)


@lru_cache(maxsize=4096)
def _method_named(text: str) -> str | None:
    return _lookup(text, _METHOD_INDEX)


def normalize_field(text: str) -> str | None:
    """The canonical field of study ``text`` names, or None when it names none (or several)."""
    return _field_named(text) if isinstance(text, str) else None


def normalize_delivery_method(text: str) -> str | None:
    """The canonical delivery method ``text`` names, or None when it names none (or several)."""
    return _method_named(text) if isinstance(text, str) else None


def is_technical(field: str) -> bool:
    """True for a technical field of study (aliases accepted); False otherwise, unknown included."""
    return normalize_field(field) in TECHNICAL_FIELDS


def is_non_technical(field: str) -> bool:
    """True for a non-technical field of study (aliases accepted); False otherwise."""
    return normalize_field(field) in NON_TECHNICAL_FIELDS


def is_ethics(field: str) -> bool:
    """True for Regulatory Ethics or Behavioral Ethics (aliases accepted)."""
    return normalize_field(field) in ETHICS_FIELDS


def is_self_study(delivery_method: str) -> bool:
    """True for the methods boards cap as self-study: QAS Self Study and Nano Learning."""
    return normalize_delivery_method(delivery_method) in SELF_STUDY_METHODS
