"""Checking a whole ``cpe-tracker/1`` document before any of it is written.

A backup or a file from another machine is imported all or nothing, and a person fixing it needs
every problem at once, each at its JSON path (``users[1].records[4].credits[0].credits``). This
module walks the document, rejects unknown keys at every level, checks each item's fields (see
:mod:`.checks`) and turns the document into a :class:`Plan` of cleaned values for the writer.
Nothing here writes to the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.services import requirements as requirements_service
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.checks import (
    LICENSE_KEYS,
    RECORD_KEYS,
    USER_KEYS,
    check_license,
    check_record,
    check_user,
    key_name,
    member,
    under,
)
from cpe_desktop.services.interchange.common import add_errors, raise_collected

FORMAT = "cpe-tracker/1"
DOCUMENT_KEYS = ("format", "requirements", "users")
PERSON_KEYS = (*USER_KEYS, "licenses", "records")
# Warnings name at most this many records each, so a long file still gives a short summary.
_SHOWN_PATHS = 3


@dataclass
class Item:
    """One checked item: where it is in the document and its cleaned values."""

    path: str
    values: dict[str, Any]


@dataclass
class Person:
    path: str
    values: dict[str, Any]
    licenses: list[Item] = field(default_factory=list)
    records: list[Item] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.values["email"]


@dataclass
class Plan:
    """A valid document, ready to write: rules as given, people with cleaned values."""

    requirements: list[Item]
    people: list[Person]
    warnings: list[str]


def check_document(ctx: ServiceContext, document: Any, user_email: str | None = None) -> Plan:
    """Check ``document`` completely; raise one ValidationError listing every problem by path.

    With ``user_email``, the plan holds only that person (the whole document is still checked).
    """
    if not isinstance(document, Mapping):
        raise ValidationError(
            "document", f'must be a JSON object with "format": "{FORMAT}" (got {_kind(document)})'
        )
    fmt = document.get("format")
    if fmt != FORMAT:
        shown = "it is missing" if "format" not in document else f"got {_short(fmt)}"
        raise ValidationError("format", f'must be "{FORMAT}" ({shown})')
    errors: dict[str, str] = {}
    try:
        _find_surrogates(document, "", errors)
    except RecursionError:
        raise ValidationError("document", "is nested too deeply to be a CPE Tracker file") from None
    raise_collected(errors)  # such text cannot even be stored: say where it is, and stop
    for key in document:
        if key not in DOCUMENT_KEYS:
            errors[key_name(str(key))] = f"is not a known key (expected {', '.join(DOCUMENT_KEYS)})"
    rules = _check_requirements(document.get("requirements"), errors)
    named = _named(document.get("requirements"))
    people, warnings = _check_people(ctx, document, errors, named)
    raise_collected(errors)
    if user_email is not None:
        wanted = user_email.strip().lower()
        people = [person for person in people if person.email == wanted]
        if not people:
            raise ValidationError("user", f"{user_email!r} is not one of the people in the file")
    return Plan(rules, people, warnings)


def _find_surrogates(value: Any, path: str, errors: dict[str, str]) -> None:
    """Every text (key or value) holding a lone surrogate, by its path.

    JSON's ``\\udcff`` escape reads as a character that is no Unicode text at all: no database
    can store it and no file can hold it, so it is refused here with where it is, before any
    check or write would trip over it.
    """
    if isinstance(value, str):
        bad = _surrogate(value)
        if bad is not None:
            errors.setdefault(
                path or "document",
                f"contains an invalid character (lone surrogate U+{ord(bad):04X})",
            )
    elif isinstance(value, Mapping):
        for key, item in value.items():
            step = member(path, key_name(str(key)))
            bad = _surrogate(str(key))
            if bad is not None:
                errors.setdefault(
                    step,
                    f"is a key with an invalid character (lone surrogate U+{ord(bad):04X})",
                )
            _find_surrogates(item, step, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _find_surrogates(item, f"{path}[{index}]", errors)


def _surrogate(text: str) -> str | None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        return text[exc.start]
    return None


def _kind(value: Any) -> str:
    names = {dict: "an object", list: "a list", str: "text", bool: "true/false", type(None): "null"}
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return "a number"
    return names.get(type(value), type(value).__name__)


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _list(value: Any, path: str, what: str, errors: dict[str, str], *, required=False) -> list:
    """The list at ``path`` (absent or null: empty unless required), else an error."""
    if value is None:
        if required:
            errors.setdefault(path, f"is required: a list of {what} (it may be empty)")
        return []
    if not isinstance(value, list):
        errors.setdefault(path, f"must be a list of {what}, not {_kind(value)}")
        return []
    return value


def _object(value: Any, path: str, what: str, errors: dict[str, str]) -> bool:
    if isinstance(value, Mapping):
        return True
    errors.setdefault(path, f"must be an object describing {what}, not {_kind(value)}")
    return False


def _check_requirements(value: Any, errors: dict[str, str]) -> list[Item]:
    rules: list[Item] = []
    for index, rule in enumerate(_list(value, "requirements", "requirement rules", errors)):
        path = f"requirements[{index}]"
        if not _object(rule, path, "a requirement rule", errors):
            continue
        try:
            requirements_service.validate(dict(rule))
        except ValidationError as exc:
            add_errors(errors, under(path, exc.errors, raw=True))
            continue
        rules.append(Item(path, dict(rule)))
    return rules


@dataclass(frozen=True)
class _Named:
    """What records and licenses may name: the course topics and the license attributes of the
    rules in the database and in the document (its rules are written first)."""

    topics: frozenset[str]
    attributes: dict[str, str]


def _named(raw_rules: Any) -> _Named:
    """Read from the document's rules as written, even those with errors of their own: a
    record naming a topic of a broken rule is reported once, at the rule."""
    topics = set(requirements_service.known_topics())
    attributes = requirements_service.attribute_choices()
    for rule in raw_rules if isinstance(raw_rules, list) else ():
        parts = rule.get("components") if isinstance(rule, Mapping) else None
        for part in parts if isinstance(parts, list) else ():
            if not isinstance(part, Mapping):
                continue
            topic, condition = part.get("topic"), part.get("applies_if")
            if isinstance(topic, str) and topic.strip():
                topics.add(topic.strip())
            if isinstance(condition, str) and condition.strip():
                name = condition.strip()
                attributes.setdefault(name, requirements_service.attribute_label(name))
    return _Named(frozenset(topics), attributes)


def _check_people(
    ctx: ServiceContext, document: Mapping[str, Any], errors: dict[str, str], named: _Named
) -> tuple[list[Person], list[str]]:
    people: list[Person] = []
    warnings: list[str] = []
    certificates: list[str] = []
    first_path: dict[str, str] = {}
    raw_people = _list(document.get("users"), "users", "people", errors, required=True)
    for index, raw in enumerate(raw_people):
        path = f"users[{index}]"
        if not _object(raw, path, "a person", errors):
            continue
        own = {key: value for key, value in raw.items() if key not in ("licenses", "records")}
        checked = check_user(own, PERSON_KEYS)
        add_errors(errors, under(path, checked.errors))
        person = Person(path, checked.values)
        email = checked.values.get("email")
        if isinstance(email, str):
            if email in first_path:
                errors.setdefault(
                    f"{path}.email", f"{email} appears twice (also at {first_path[email]})"
                )
            first_path.setdefault(email, path)
        what = "licenses"
        for j, item in enumerate(_list(raw.get("licenses"), f"{path}.licenses", what, errors)):
            item_path = f"{path}.licenses[{j}]"
            if _object(item, item_path, "a license", errors):
                result = check_license(item, LICENSE_KEYS, named.attributes)
                add_errors(errors, under(item_path, result.errors))
                person.licenses.append(Item(item_path, result.values))
        what = "CPE records"
        for j, item in enumerate(_list(raw.get("records"), f"{path}.records", what, errors)):
            item_path = f"{path}.records[{j}]"
            if not _object(item, item_path, "a CPE record", errors):
                continue
            result = check_record(ctx, item, RECORD_KEYS, named.topics)
            add_errors(errors, under(item_path, result.errors))
            title = result.values.get("title", "?")
            warnings.extend(f"{item_path} ({title}): {text}" for text in result.warnings)
            if result.values.get("certificate"):
                certificates.append(item_path)
            person.records.append(Item(item_path, result.values))
        people.append(person)
    if certificates:
        shown = ", ".join(certificates[:_SHOWN_PATHS])
        hidden = len(certificates) - _SHOWN_PATHS
        more = f" and {hidden} more" if hidden > 0 else ""
        warnings.append(
            f"{len(certificates)} record(s) name a certificate file ({shown}{more}); certificate "
            "files are not part of the import: attach them to the records in the app"
        )
    return people, warnings
