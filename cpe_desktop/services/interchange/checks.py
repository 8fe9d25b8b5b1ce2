"""Field checks for imported people, licenses and records, run before anything is written.

An import is all or nothing and must report every problem of a file at once, each naming where it
is (a JSON path, a CSV line and column). The services check one item as they write it and stop at
the first bad one, so the importers check everything first, here, with the same limits and rules
(NASBA credits, vocabulary, dates); the services still check again as they write.

Each check returns the cleaned values (ready for the service) and the problems keyed by field name
relative to the item (``title``, ``credits[1].credits``); the caller places them under its path.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cpe_desktop.services.context import ROLES, ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.licenses import (
    MAX_OPENING_HOURS,
    STATUSES,
    check_tracking,
    read_attributes,
)
from cpe_desktop.services.name_lists import names_list
from cpe_desktop.services.passwords import MIN_LENGTH
from cpe_desktop.services.records import read_record_fields
from cpe_desktop.services.validation import MISSING, Validator, present

USER_KEYS = ("name", "email", "role", "birth_date", "active", "password")
LICENSE_KEYS = (
    "credential",
    "jurisdiction",
    "license_number",
    "issued_on",
    "expires_on",
    "period_end_override",
    "status",
    "tracked_from",
    "opening_hours",
    "opening_ethics_hours",
    "home_jurisdiction",
    "attributes",
)
RECORD_KEYS = (
    "title",
    "sponsor",
    "sponsor_id",
    "started_on",
    "completed_on",
    "delivery_method",
    "credits",
    "ethics_jurisdiction",
    "notes",
    "topics",
    "certificate",
)
CREDIT_KEYS = ("field", "credits")
_CENT = Decimal("0.01")
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_PATH = re.compile(r"[A-Za-z_][A-Za-z0-9_]*(?:\[[0-9]+\]|\.[A-Za-z_][A-Za-z0-9_]*)*")


def key_name(key: str) -> str:
    """A key as a JSON path step: plain (``email``) or quoted (``["a b"]``) when it is odd.

    Quoting keeps every path on one line however strange a key someone typed.
    """
    return key if _KEY.fullmatch(key) else "[" + json.dumps(key) + "]"


def member(prefix: str, name: str) -> str:
    """The path step(s) ``name`` below ``prefix``: ``users[0].email``, ``users[0]["a b"]``."""
    if not prefix:
        return name
    return prefix + name if name.startswith("[") else f"{prefix}.{name}"


def under(prefix: str, errors: Mapping[str, str], *, raw: bool = False) -> list[tuple[str, str]]:
    """Every error of an item placed under the item's path.

    ``raw``: the names come from a service's validator, where an unknown key is named as typed;
    such names are quoted unless they already read as a path.
    """
    placed = []
    for name, message in errors.items():
        if raw and not _PATH.fullmatch(name):
            name = key_name(name)
        placed.append((member(prefix, name), message))
    return placed


@dataclass
class Checked:
    """An item's cleaned values, its problems (field -> message) and its warnings."""

    values: dict[str, Any]
    errors: dict[str, str]
    warnings: list[str] = field(default_factory=list)


def _validator(data: Mapping[str, Any], keys: Sequence[str]) -> Validator:
    v = Validator(data, keys)
    # Only unknown keys are flagged so far: quote odd ones and say which keys the format has.
    v.errors = {
        key_name(name): f"is not a known key (expected {', '.join(keys)})" for name in v.errors
    }
    return v


def check_user(data: Mapping[str, Any], keys: Sequence[str] = USER_KEYS) -> Checked:
    """A person: name and email required; role, birth date, active and password optional."""
    v = _validator(data, keys)
    values = {
        "name": v.text("name", required=True, max_length=200),
        "email": v.email("email", required=True),
        "role": v.choice("role", ROLES),
        "birth_date": v.date("birth_date"),
        "active": v.boolean("active"),
        "password": v.text("password", max_length=1024),
    }
    email = values["email"]
    if isinstance(email, str) and len(email) > 254:  # lower-casing can lengthen text ("İ")
        v.error("email", "must be at most 254 characters")
    password = values["password"]
    if isinstance(password, str) and len(password) < MIN_LENGTH:
        v.error("password", f"must be at least {MIN_LENGTH} characters (or left empty for none)")
    values = present(values)
    for name in ("role", "active", "password"):  # absent or null: the service's default
        if values.get(name) is None:
            values.pop(name, None)
    return Checked(values, dict(v.errors))


def check_license(
    data: Mapping[str, Any],
    keys: Sequence[str] = LICENSE_KEYS,
    attribute_choices: Mapping[str, str] | None = None,
) -> Checked:
    """A license: a known credential code and a jurisdiction; dates in order; ``attributes``
    from ``attribute_choices`` (default: those the rules in the database know), as a list."""
    v = _validator(data, keys)
    values: dict[str, Any] = {
        "jurisdiction": v.text("jurisdiction", required=True, max_length=100),
        "license_number": v.text("license_number", max_length=100),
        "issued_on": v.date("issued_on"),
        "expires_on": v.date("expires_on"),
        "period_end_override": v.date("period_end_override"),
        "status": v.choice("status", STATUSES),
        "tracked_from": v.date("tracked_from"),
        "opening_hours": v.decimal("opening_hours", minimum=0, maximum=MAX_OPENING_HOURS),
        "opening_ethics_hours": v.decimal(
            "opening_ethics_hours", minimum=0, maximum=MAX_OPENING_HOURS
        ),
        "home_jurisdiction": v.text("home_jurisdiction", max_length=100),
    }
    attributes = read_attributes(v, attribute_choices)
    if attributes is not MISSING:
        values["attributes"] = names_list(attributes)
    code = v.text("credential", required=True, max_length=20)
    if isinstance(code, str):
        try:
            values["credential_id"] = by_code(code).credential_id
        except ValidationError as exc:
            v.error("credential", exc.errors["credential"])
    issued, expires = values["issued_on"], values["expires_on"]
    if isinstance(issued, dt.date) and isinstance(expires, dt.date) and expires < issued:
        v.error("expires_on", "must not be before the issue date")
    check_tracking(v, values)
    values = present(values)
    for name in ("status", "tracked_from"):  # absent or null: the service's default
        if values.get(name) is None:
            values.pop(name, None)
    return Checked(values, dict(v.errors))


def check_record(
    ctx: ServiceContext,
    data: Mapping[str, Any],
    keys: Sequence[str] = RECORD_KEYS,
    known_topics: Collection[str] | None = None,
) -> Checked:
    """A record, judged by the record service's own reader (the same rules as the forms).

    ``values`` holds what :func:`records.create_record` takes (``credits`` as canonical fields
    with exact decimals; ``topics`` as the column's JSON text) plus ``certificate``; warnings
    are the NASBA increment notes. ``known_topics``: the topics ``topics`` may name (default:
    those the rules in the database name; an import adds its own rules' topics).
    """
    v = _validator(data, keys)
    values, credits, warnings = read_record_fields(  # started_on and topics included
        v, ctx, data, known_topics=known_topics
    )
    if "certificate" in keys:
        values["certificate"] = v.text("certificate", max_length=255)
    values["credits"] = (
        MISSING if credits is MISSING else [{"field": f, "credits": c} for f, c in credits]
    )
    errors = {
        (name if _PATH.fullmatch(name) else _quoted_path(name)): message
        for name, message in v.errors.items()
    }
    return Checked(present(values), errors, warnings)


def _quoted_path(name: str) -> str:
    """``credits[0].a b`` → ``credits[0]["a b"]``: an odd key typed inside a credit line."""
    head, _, key = name.partition("].")
    return f"{head}]{key_name(key)}" if key else name
