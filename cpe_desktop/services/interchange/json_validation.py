"""Checking a whole ``cpe-tracker/1`` document before any of it is written.

A backup or a file from another machine is imported all or nothing, and a person fixing it needs
every problem at once, each at its JSON path (``users[1].records[4].credits[0].credits``). This
module walks the document, rejects unknown keys at every level, checks each item's fields (see
:mod:`.checks`) and turns the document into a :class:`Plan` of cleaned values for the writer.
Nothing here writes to the database.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.db.models import Credential, CustomField
from cpe_desktop.services import custom_fields as custom_fields_service
from cpe_desktop.services import preferences as preferences_service
from cpe_desktop.services import requirements as requirements_service
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import sections
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
from cpe_desktop.services.interchange.json_parts import (
    collect,
    kind_of,
    list_at,
    object_at,
    short,
    validator,
)
from cpe_desktop.services.interchange.sections import (
    Item,
    license_ref_key,
    record_ref_key,
)
from cpe_desktop.services.interchange.sections import check as check_section
from cpe_desktop.services.validation import present

FORMAT = "cpe-tracker/1"
DOCUMENT_KEYS = ("format", "requirements", "credentials", "custom_fields", "firm_settings", "users")
# What else an account holds, each written only when it has something (so a file of people,
# licenses and records alone reads as it always did), then the owned sections (:mod:`.sections`).
ACCOUNT_KEYS = ("custom", "preferences", "certificates")
CREDENTIAL_KEYS = ("code", "name", "issuing_body", "custom")
CUSTOM_FIELD_KEYS = ("entity", "name", "type", "options", "required")
CERTIFICATE_KEYS = ("sha256", "name", "media_type", "size")
# A license's and a record's keys beyond those the field checks know.
LICENSE_EXTRA = ("custom",)
RECORD_EXTRA = ("certificate_sha256", "custom")
_SHA256 = re.compile(r"[0-9a-f]{64}")
# Warnings name at most this many records each, so a long file still gives a short summary.
_SHOWN_PATHS = 3


@dataclass
class Person:
    path: str
    values: dict[str, Any]
    licenses: list[Item] = field(default_factory=list)
    records: list[Item] = field(default_factory=list)
    custom: dict[str, Any] = field(default_factory=dict)
    preferences: dict[str, str] = field(default_factory=dict)
    certificates: list[Item] = field(default_factory=list)
    sections: dict[str, list[Item]] = field(default_factory=dict)  # by sections.Section.name

    @property
    def email(self) -> str:
        return self.values["email"]


@dataclass
class Plan:
    """A valid document, ready to write: rules as given, people with cleaned values."""

    requirements: list[Item]
    people: list[Person]
    warnings: list[str]
    credentials: list[Item] = field(default_factory=list)
    custom_fields: list[Item] = field(default_factory=list)
    firm_settings: dict[str, str] = field(default_factory=dict)  # {setting: stored text}


def check_document(ctx: ServiceContext, document: Any, user_email: str | None = None) -> Plan:
    """Check ``document`` completely; raise one ValidationError listing every problem by path.

    With ``user_email``, the plan holds only that person (the whole document is still checked).
    """
    if not isinstance(document, Mapping):
        raise ValidationError(
            "document", f'must be a JSON object with "format": "{FORMAT}" (got {kind_of(document)})'
        )
    fmt = document.get("format")
    if fmt != FORMAT:
        shown = "it is missing" if "format" not in document else f"got {short(fmt)}"
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
    fields = _check_custom_fields(document.get("custom_fields"), errors)
    known = _Known(fields.definitions)
    credentials = _check_credentials(document.get("credentials"), errors, known)
    new_credentials = frozenset(
        item.values["code"]
        for item in credentials
        if Credential.get_or_none(Credential.code == item.values.get("code")) is None
    )
    people, warnings = _check_people(ctx, document, errors, named, known, new_credentials)
    firm = _check_settings(
        document.get("firm_settings"), "firm_settings", preferences_service.FIRM_SETTINGS, errors
    )
    if firm and not ctx.actor.is_admin:
        warnings.append("firm_settings: only an administrator sets the firm's mail server")
        firm = {}
    raise_collected(errors)
    if user_email is not None:
        wanted = user_email.strip().lower()
        people = [person for person in people if person.email == wanted]
        if not people:
            raise ValidationError("user", f"{user_email!r} is not one of the people in the file")
    return Plan(rules, people, warnings, credentials, fields.items, firm)


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


def _check_requirements(value: Any, errors: dict[str, str]) -> list[Item]:
    rules: list[Item] = []
    for index, rule in enumerate(list_at(value, "requirements", "requirement rules", errors)):
        path = f"requirements[{index}]"
        if not object_at(rule, path, "a requirement rule", errors):
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
    ctx: ServiceContext,
    document: Mapping[str, Any],
    errors: dict[str, str],
    named: _Named,
    known: _Known,
    new_credentials: frozenset[str] = frozenset(),
) -> tuple[list[Person], list[str]]:
    people: list[Person] = []
    warnings: list[str] = []
    certificates: list[str] = []
    first_path: dict[str, str] = {}
    raw_people = list_at(document.get("users"), "users", "people", errors, required=True)
    nested = ("licenses", "records", *ACCOUNT_KEYS, *(s.name for s in sections.SECTIONS))
    for index, raw in enumerate(raw_people):
        path = f"users[{index}]"
        if not object_at(raw, path, "a person", errors):
            continue
        own = {key: value for key, value in raw.items() if key not in nested}
        checked = check_user(own, (*USER_KEYS, *nested))
        add_errors(errors, under(path, checked.errors))
        person = Person(path, checked.values)
        email = checked.values.get("email")
        if isinstance(email, str):
            if email in first_path:
                errors.setdefault(
                    f"{path}.email", f"{email} appears twice (also at {first_path[email]})"
                )
            first_path.setdefault(email, path)
        person.custom = known.values(raw.get("custom"), "user", f"{path}.custom", errors)
        what = "licenses"
        for j, item in enumerate(list_at(raw.get("licenses"), f"{path}.licenses", what, errors)):
            item_path = f"{path}.licenses[{j}]"
            if object_at(item, item_path, "a license", errors):
                own_keys = {k: v for k, v in item.items() if k not in LICENSE_EXTRA}
                result = check_license(own_keys, LICENSE_KEYS + LICENSE_EXTRA, named.attributes)
                code = item.get("credential") if isinstance(item.get("credential"), str) else None
                if code in new_credentials and "credential" in result.errors:
                    del result.errors["credential"]  # added by this file, before its licenses
                add_errors(errors, under(item_path, result.errors))
                custom = known.values(item.get("custom"), "license", f"{item_path}.custom", errors)
                extra = {"custom": custom, "credential": code}
                person.licenses.append(Item(item_path, result.values, extra))
        shas = _check_certificates(raw.get("certificates"), path, errors, person)
        what = "CPE records"
        for j, item in enumerate(list_at(raw.get("records"), f"{path}.records", what, errors)):
            item_path = f"{path}.records[{j}]"
            if not object_at(item, item_path, "a CPE record", errors):
                continue
            own_keys = {k: v for k, v in item.items() if k not in RECORD_EXTRA}
            result = check_record(ctx, own_keys, RECORD_KEYS + RECORD_EXTRA, named.topics)
            add_errors(errors, under(item_path, result.errors))
            title = result.values.get("title", "?")
            warnings.extend(f"{item_path} ({title}): {text}" for text in result.warnings)
            sha = item.get("certificate_sha256")
            if sha is not None and (not isinstance(sha, str) or sha not in shas):
                errors.setdefault(
                    f"{item_path}.certificate_sha256",
                    f"names no certificate of {path}.certificates",
                )
            if result.values.get("certificate") and sha is None:
                certificates.append(item_path)
            custom = known.values(item.get("custom"), "record", f"{item_path}.custom", errors)
            extra = {"custom": custom, "certificate_sha256": sha}
            person.records.append(Item(item_path, result.values, extra))
        person.preferences = _check_preferences(raw.get("preferences"), path, errors)
        licenses = {_license_ref(item) for item in person.licenses}
        records = {_record_ref(item.values) for item in person.records}
        found = {"license": licenses, "record": records}
        for section in sections.SECTIONS:
            value = raw.get(section.name)
            person.sections[section.name] = check_section(section, value, path, errors, found)
        people.append(person)
    if certificates:
        shown = ", ".join(certificates[:_SHOWN_PATHS])
        hidden = len(certificates) - _SHOWN_PATHS
        more = f" and {hidden} more" if hidden > 0 else ""
        count = len(certificates)
        naming = (
            "1 record names a certificate file"
            if count == 1
            else f"{count} records name certificate files"
        )
        warnings.append(
            f"{naming} ({shown}{more}); certificate files are not part of the import: attach them "
            "to the records in the app"
        )
    return people, warnings


# --- what else an account holds ---------------------------------------------------------------


class _Known:
    """The custom fields an item's ``custom`` values may name: the database's, and the
    document's (written first)."""

    def __init__(self, from_document: dict[tuple[str, str], CustomField]) -> None:
        self.fields = {(f.entity, f.field_name): f for f in custom_fields_service.list_fields()}
        for key, definition in from_document.items():
            self.fields.setdefault(key, definition)

    def values(self, raw: Any, entity: str, path: str, errors: dict[str, str]) -> dict[str, Any]:
        if raw is None:
            return {}
        if not isinstance(raw, Mapping):
            errors.setdefault(path, f"must be an object of custom field values, not {kind_of(raw)}")
            return {}
        found: dict[str, Any] = {}
        for name, value in raw.items():
            step = member(path, key_name(str(name)))
            definition = self.fields.get((entity, name))
            if definition is None:
                errors.setdefault(step, f"is not a custom field of a {entity}")
                continue
            if value is None:
                continue
            if isinstance(value, (dict, list)):
                errors.setdefault(step, f"must be a single value, not {kind_of(value)}")
                continue
            try:
                custom_fields_service.parse_value(definition, value)
            except ValueError as exc:
                errors.setdefault(step, str(exc))
                continue
            found[name] = value
        return found


@dataclass
class _Fields:
    items: list[Item]
    definitions: dict[tuple[str, str], CustomField]


def _check_custom_fields(value: Any, errors: dict[str, str]) -> _Fields:
    items: list[Item] = []
    definitions: dict[tuple[str, str], CustomField] = {}
    stored = {(f.entity, f.field_name): f for f in custom_fields_service.list_fields()}
    for index, raw in enumerate(list_at(value, "custom_fields", "custom fields", errors)):
        path = f"custom_fields[{index}]"
        if not object_at(raw, path, "a custom field", errors):
            continue
        v = validator(raw, CUSTOM_FIELD_KEYS)
        data = {
            "entity": v.choice("entity", custom_fields_service.ENTITIES, required=True),
            "field_name": v.text("name", required=True, max_length=100),
            "field_type": v.choice("type", custom_fields_service.FIELD_TYPES, required=True),
            "options": raw.get("options"),
            "required": bool(v.boolean("required")) if v.has("required") else False,
        }
        options = data["options"]
        if options is not None and not (
            isinstance(options, list)
            and options
            and all(isinstance(o, str) and o.strip() for o in options)
        ):
            v.error("options", "must be a list of choices (text)")
        elif data["field_type"] == "choice" and options is None:
            v.error("options", "a choice field needs its list of choices")
        collect(v, path, errors)
        if v.errors:
            continue
        key = (data["entity"], data["field_name"])
        options = json.dumps([o.strip() for o in data["options"]]) if data["options"] else None
        definition = CustomField(
            entity=key[0], field_name=key[1], field_type=data["field_type"], options=options
        )
        existing = stored.get(key)
        if existing is not None and (existing.field_type, existing.options or None) != (
            definition.field_type,
            definition.options,
        ):
            errors.setdefault(
                path,
                f"the custom field {key[1]!r} of a {key[0]} is already defined here as "
                f"{existing.field_type} with other choices or type; make them the same first",
            )
            continue
        if key in definitions:
            errors.setdefault(f"{path}.name", f"{key[1]!r} of a {key[0]} is defined twice")
            continue
        definitions[key] = definition
        items.append(Item(path, data))
    return _Fields(items, definitions)


def _check_credentials(value: Any, errors: dict[str, str], known: _Known) -> list[Item]:
    items: list[Item] = []
    for index, raw in enumerate(list_at(value, "credentials", "credentials", errors)):
        path = f"credentials[{index}]"
        if not object_at(raw, path, "a credential", errors):
            continue
        v = validator(raw, CREDENTIAL_KEYS)
        values = {
            "code": v.text("code", required=True, max_length=20),
            "name": v.text("name", required=True, max_length=200),
            "issuing_body": v.text("issuing_body", max_length=200),
        }
        collect(v, path, errors)
        custom = known.values(raw.get("custom"), "credential", f"{path}.custom", errors)
        items.append(Item(path, present(values), {"custom": custom}))
    return items


def _check_preferences(value: Any, path: str, errors: dict[str, str]) -> dict[str, str]:
    return _check_settings(value, f"{path}.preferences", preferences_service.SETTINGS, errors)


def _check_settings(
    value: Any, where: str, declared: Mapping[str, Any], errors: dict[str, str]
) -> dict[str, str]:
    """A person's ``preferences`` or the ``firm_settings``: {setting: its stored text}. The mail
    server a file from before schema 7 gives per person is left out (it is the firm's now)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        errors.setdefault(where, f"must be an object of settings, not {kind_of(value)}")
        return {}
    found: dict[str, str] = {}
    for name, text in value.items():
        step = member(where, key_name(str(name)))
        setting = declared.get(name)
        personal = declared is preferences_service.SETTINGS
        if setting is None and personal and name in preferences_service.FORMERLY_PERSONAL:
            continue
        if setting is None:
            # The SMTP password lives in the system's credential store, never in a file.
            errors.setdefault(step, "is not a known setting")
            continue
        if not isinstance(text, str):
            errors.setdefault(step, f"must be the setting as text, not {kind_of(text)}")
            continue
        try:
            setting.parse(text)
        except ValueError as exc:
            errors.setdefault(step, str(exc))
            continue
        found[name] = text
    return found


def _check_certificates(value: Any, path: str, errors: dict[str, str], person: Person) -> set[str]:
    shas: set[str] = set()
    where = f"{path}.certificates"
    for index, raw in enumerate(list_at(value, where, "certificates", errors)):
        item_path = f"{where}[{index}]"
        if not object_at(raw, item_path, "a certificate", errors):
            continue
        v = validator(raw, CERTIFICATE_KEYS)
        sha = raw.get("sha256")
        if not isinstance(sha, str) or not _SHA256.fullmatch(sha):
            v.error("sha256", "must be the content's SHA-256 as 64 lowercase hex digits")
        elif sha in shas:
            v.error("sha256", "names the same content as another certificate of this person")
        values = {
            "sha256": sha,
            "name": v.text("name", required=True, max_length=255),
            "media_type": v.choice("media_type", attachments.EXTENSIONS, required=True),
            "size": v.integer("size", required=True, minimum=1, maximum=attachments.MAX_BYTES),
        }
        collect(v, item_path, errors)
        if not v.errors:
            shas.add(sha)
            person.certificates.append(Item(item_path, values))
    return shas


def _license_ref(item: Item) -> tuple[Any, ...]:
    values = item.values
    return license_ref_key(
        item.extra.get("credential"), values.get("jurisdiction"), values.get("license_number")
    )


def _record_ref(values: Mapping[str, Any]) -> tuple[Any, ...]:
    return record_ref_key(values.get("title"), values.get("completed_on"), values.get("sponsor"))
