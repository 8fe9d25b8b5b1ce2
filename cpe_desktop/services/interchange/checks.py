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
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from cpe_desktop.rules.credits import check_credits, check_daily_total
from cpe_desktop.rules.fields import (
    DELIVERY_METHODS,
    NON_PROGRAM_METHODS,
    normalize_delivery_method,
    normalize_field,
)
from cpe_desktop.services.context import ROLES, ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.licenses import STATUSES
from cpe_desktop.services.passwords import MIN_LENGTH
from cpe_desktop.services.records import EARLIEST
from cpe_desktop.services.validation import MISSING, Validator, parse_decimal, present

USER_KEYS = ("name", "email", "role", "birth_date", "active", "password")
LICENSE_KEYS = (
    "credential",
    "jurisdiction",
    "license_number",
    "issued_on",
    "expires_on",
    "period_end_override",
    "status",
)
RECORD_KEYS = (
    "title",
    "sponsor",
    "sponsor_id",
    "completed_on",
    "delivery_method",
    "credits",
    "ethics_jurisdiction",
    "notes",
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


def check_license(data: Mapping[str, Any], keys: Sequence[str] = LICENSE_KEYS) -> Checked:
    """A license: a known credential code and a jurisdiction; dates in order."""
    v = _validator(data, keys)
    values: dict[str, Any] = {
        "jurisdiction": v.text("jurisdiction", required=True, max_length=100),
        "license_number": v.text("license_number", max_length=100),
        "issued_on": v.date("issued_on"),
        "expires_on": v.date("expires_on"),
        "period_end_override": v.date("period_end_override"),
        "status": v.choice("status", STATUSES),
    }
    code = v.text("credential", required=True, max_length=20)
    if isinstance(code, str):
        try:
            values["credential_id"] = by_code(code).credential_id
        except ValidationError as exc:
            v.error("credential", exc.errors["credential"])
    issued, expires = values["issued_on"], values["expires_on"]
    if isinstance(issued, dt.date) and isinstance(expires, dt.date) and expires < issued:
        v.error("expires_on", "must not be before the issue date")
    values = present(values)
    if values.get("status") is None:
        values.pop("status", None)
    return Checked(values, dict(v.errors))


def check_record(
    ctx: ServiceContext, data: Mapping[str, Any], keys: Sequence[str] = RECORD_KEYS
) -> Checked:
    """A record: title, date, delivery method and at least one field of study with credits.

    ``values`` holds what :func:`records.create_record` takes (``credits`` as canonical fields
    with exact decimals) plus ``certificate``; warnings are the NASBA increment notes.
    """
    v = _validator(data, keys)
    values: dict[str, Any] = {
        "title": v.text("title", required=True, max_length=300),
        "sponsor": v.text("sponsor", max_length=200),
        "sponsor_id": v.text("sponsor_id", max_length=50),
        "completed_on": v.date("completed_on", required=True),
        "ethics_jurisdiction": v.text("ethics_jurisdiction", max_length=100),
        "notes": v.text("notes", max_length=10_000),
        "certificate": v.text("certificate", max_length=255) if "certificate" in keys else None,
    }
    completed = values["completed_on"]
    if isinstance(completed, dt.date):
        if completed > ctx.clock.today():
            v.error("completed_on", "cannot be in the future")
        elif completed < EARLIEST:
            v.error("completed_on", f"must be after {EARLIEST.isoformat()}")
    method: str | None = None
    raw_method = v.text("delivery_method", required=True, max_length=50)
    if isinstance(raw_method, str):
        method = normalize_delivery_method(raw_method)
        if method is None:
            v.error(
                "delivery_method",
                f"{raw_method!r} is not a delivery method (use one of: "
                f"{', '.join(DELIVERY_METHODS)})",
            )
    values["delivery_method"] = method if method is not None else MISSING
    warnings: list[str] = []
    values["credits"] = _check_credits(v, data.get("credits", MISSING), method, warnings)
    return Checked(present(values), dict(v.errors), warnings)


def _check_credits(v: Validator, raw: Any, method: str | None, warnings: list[str]) -> Any:
    if raw is MISSING or raw is None:
        v.error("credits", "is required: list each field of study with its credits")
        return MISSING
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)) or not raw:
        v.error("credits", "must list at least one field of study with its credits")
        return MISSING
    entries: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"credits[{index}]"
        if not isinstance(item, Mapping):
            v.error(where, 'must be an object {"field": <field of study>, "credits": <number>}')
            continue
        for key in item:
            if key not in CREDIT_KEYS:
                message = "is not a known key (expected field, credits)"
                v.error(member(where, key_name(str(key))), message)
        field_name = _check_field(v, where, item.get("field"), seen)
        amount = _check_amount(v, where, item.get("credits"), method, field_name, warnings)
        if field_name is not None and amount is not None:
            entries.append({"field": field_name, "credits": amount})
    if len(entries) == len(raw) and method not in NON_PROGRAM_METHODS:
        total = sum((entry["credits"] for entry in entries), Decimal(0))
        for issue in check_daily_total(total):
            v.error("credits", issue.message)
    return entries if len(entries) == len(raw) else MISSING


def _check_field(v: Validator, where: str, raw: Any, seen: set[str]) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        v.error(f"{where}.field", "is required (a NASBA field of study)")
        return None
    name = normalize_field(raw) if isinstance(raw, str) else None
    if name is None:
        v.error(f"{where}.field", f"{raw!r} is not a NASBA field of study")
        return None
    if name in seen:
        v.error(f"{where}.field", f"{name} is listed twice; put its credits on one line")
        return None
    seen.add(name)
    return name


def _check_amount(
    v: Validator,
    where: str,
    raw: Any,
    method: str | None,
    field_name: str | None,
    warnings: list[str],
) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        v.error(f"{where}.credits", "is required (a number such as 1.5)")
        return None
    issues = check_credits(raw, method)
    errors = [issue.message for issue in issues if issue.severity == "error"]
    if errors:
        v.error(f"{where}.credits", errors[0])
        return None
    amount = parse_decimal(raw)
    if amount != amount.quantize(_CENT):
        v.error(f"{where}.credits", "may have at most 2 decimal places")
        return None
    warnings.extend(f"{field_name or 'credits'}: {issue.message}" for issue in issues)
    return amount.quantize(_CENT)
