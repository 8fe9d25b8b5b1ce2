"""The ``cpe-tracker/1`` JSON format (ARCHITECTURE.md §2, Interchange): whole-account backup and
moving machines.

Export writes people, their licenses and records, and the requirement rules that differ from the
shipped ones, in a stable order so two exports of the same data are byte-identical. Import checks
the whole document first (:mod:`.json_validation`), then writes it in one transaction through the
same services the window uses (permissions, audit entries; records in bulk, as the record service
would write them one by one, see ``services.bulk_records``); people are matched by email and items
already present are skipped, so importing the same file twice changes nothing.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

import peewee

from cpe_desktop.db.models import CpeRecord, License, StateRequirement, User, database
from cpe_desktop.services import bulk_records
from cpe_desktop.services import licenses as licenses_service
from cpe_desktop.services import records as records_service
from cpe_desktop.services import requirements as requirements_service
from cpe_desktop.services import users as users_service
from cpe_desktop.services.changes import AUDIT, LICENSES, RECORDS, REQUIREMENTS, USERS, Changes
from cpe_desktop.services.context import ADMIN, ServiceContext
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.services.interchange.checks import under
from cpe_desktop.services.interchange.common import (
    ImportSummary,
    iso,
    json_number,
    license_exists,
    license_key,
    people_for_export,
    record_key,
)
from cpe_desktop.services.interchange.grouping import CHECKED_PERCENT, percent_reporter
from cpe_desktop.services.interchange.json_validation import (
    FORMAT,
    Person,
    Plan,
    check_document,
)

T = TypeVar("T")
Progress = Callable[[int, str], None]


# --- export ---------------------------------------------------------------------------------------


def export_document(ctx: ServiceContext, user_email: str | None = None) -> dict[str, Any]:
    """Everyone the actor may see (or only ``user_email``) as a ``cpe-tracker/1`` document.

    Every key is always present (null when empty) except a record's ``certificate``, written only
    when a file is attached; passwords are never exported.
    """
    people = people_for_export(ctx, user_email)
    rules = [
        row
        for row in requirements_service.list_requirements()
        if row.origin != "shipped" or row.user_edited
    ]
    rules.sort(key=lambda row: (row.credential.code, row.state_name, iso(row.effective_from) or ""))
    parts = requirements_service.components_by_rule([row.state_id for row in rules])
    return {
        "format": FORMAT,
        "requirements": [
            requirements_service.to_interchange(row, parts.get(row.state_id, ())) for row in rules
        ],
        "users": [_person(ctx, user) for user in people],
    }


def _person(ctx: ServiceContext, user: User) -> dict[str, Any]:
    licenses = sorted(licenses_service.list_licenses(ctx, user.user_id), key=license_key)
    records = sorted(records_service.list_records(ctx, user.user_id), key=record_key)
    return {
        "name": user.name,
        "email": user.email,
        "role": user.role,
        "birth_date": iso(user.birth_date),
        "active": bool(user.active),
        "licenses": [_license(license_) for license_ in licenses],
        "records": [_record(record) for record in records],
    }


def _license(license_: License) -> dict[str, Any]:
    return {
        "credential": license_.credential.code,
        "jurisdiction": license_.jurisdiction,
        "license_number": license_.license_number,
        "issued_on": iso(license_.issued_on),
        "expires_on": iso(license_.expires_on),
        "period_end_override": iso(license_.period_end_override),
        "status": license_.status,
        "tracked_from": iso(license_.tracked_from),
        "opening_hours": _hours(license_.opening_hours),
        "opening_ethics_hours": _hours(license_.opening_ethics_hours),
        "home_jurisdiction": license_.home_jurisdiction,
        "attributes": licenses_service.attributes_of(license_),
    }


def _hours(value: Any) -> int | float | None:
    return None if value is None else json_number(value)


def _record(record: CpeRecord) -> dict[str, Any]:
    out = {
        "title": record.title,
        "sponsor": record.sponsor,
        "sponsor_id": record.sponsor_id,
        "started_on": iso(record.started_on),
        "completed_on": iso(record.completed_on),
        "delivery_method": record.delivery_method,
        "credits": [
            {"field": line["field"], "credits": json_number(line["credits"])}
            for line in records_service.credits_of(record)
        ],
        "ethics_jurisdiction": record.ethics_jurisdiction,
        "notes": record.notes,
        "topics": records_service.topics_of(record),
    }
    if record.attachment_id is not None:
        out["certificate"] = record.attachment.original_name
    return out


# --- import ---------------------------------------------------------------------------------------


def import_document(
    ctx: ServiceContext,
    document: Any,
    user_email: str | None = None,
    *,
    progress: Progress | None = None,
    finish: Callable[[ImportSummary], object] | None = None,
) -> ImportSummary:
    """Import a parsed ``cpe-tracker/1`` document, all or nothing.

    Raises ValidationError naming every problem by JSON path before anything is written; any
    error while writing rolls the whole import back. With ``user_email`` only that person of the
    document is imported (the requirement rules always are). ``finish(summary)`` (the caller's
    activity entry) runs inside the write transaction; ``progress(percent, message)`` hears of
    the records written.
    """
    plan = check_document(ctx, document, user_email)
    summary = ImportSummary(warnings=list(plan.warnings))
    total = sum(len(person.records) for person in plan.people)
    report = percent_reporter(progress, CHECKED_PERCENT, 100)
    report(0, total, "Writing…")
    with database.atomic():
        for item in plan.requirements:
            if _rule_unchanged(item.values):
                summary.requirements_skipped += 1
                continue
            _guard(item.path, requirements_service.upsert_requirement, ctx, item.values)
            summary.requirements_added += 1
        seen = 0
        for person in _creation_order(plan):
            _import_person(
                ctx,
                person,
                summary,
                lambda done, _, seen=seen: report(seen + done, total, "Writing records…"),
            )
            seen += len(person.records)
        if finish is not None:
            finish(summary)
    summary.changes = _changes(summary)
    return summary


def _rule_unchanged(data: dict[str, Any]) -> bool:
    """Whether the database already has this rule with exactly these values.

    Re-importing a file then leaves the rule alone: no audit entry, and a shipped rule is not
    marked as edited by a person.
    """
    values = requirements_service.validate(data)
    existing = requirements_service.same_rule(
        values["credential"].credential_id, values["state_name"], values.get("effective_from")
    )
    if existing is None:
        return False
    # A rule given without components has none (as upsert_requirement stores it).
    found = values.pop(requirements_service.COMPONENTS, ())
    incoming = StateRequirement(**values)  # unsaved: only to write it the same way
    return requirements_service.to_interchange(
        incoming, found
    ) == requirements_service.to_interchange(existing)


def _creation_order(plan: Plan) -> list[Person]:
    """The file's order, except that into an empty database an administrator comes first.

    The first account of a database is always made an administrator; starting with one who is
    an administrator in the file keeps everyone's role as the file says.
    """
    if users_service.has_users():
        return plan.people
    return sorted(plan.people, key=lambda person: person.values.get("role") != ADMIN)


def _import_person(
    ctx: ServiceContext,
    person: Person,
    summary: ImportSummary,
    progress: Callable[[int, int], None] | None = None,
) -> None:
    user = User.get_or_none(User.email == person.email)
    if user is not None:
        if not ctx.can_see(user.user_id):
            raise PermissionDenied(f"{person.path}: {person.email} is someone else's account.")
        summary.people_matched += 1
    else:
        first = not users_service.has_users()
        user = _guard(person.path, users_service.create_user, ctx, person.values).value
        summary.people_added += 1
        if first and person.values.get("role") != ADMIN:
            summary.warnings.append(
                f"{person.path}: {person.email} was made an administrator, as the first account "
                "of a database always is"
            )
    earliest = _earliest_record(user.user_id, person)
    for item in person.licenses:
        values = dict(item.values)
        if license_exists(
            user.user_id,
            values["credential_id"],
            values["jurisdiction"],
            values.get("license_number"),
        ):
            summary.licenses_skipped += 1
            continue
        if values.get("tracked_from") is None:
            # ARCHITECTURE.md §4: tracked from the start of the period holding the earliest record
            # (the file's or already stored), or the current period's start when there is none.
            values["tracked_from"] = licenses_service.default_tracking_start(
                ctx,
                values["credential_id"],
                values["jurisdiction"],
                values,
                user.birth_date,
                earliest,
            )
        _guard(item.path, licenses_service.create_license, ctx, {**values, "user_id": user.user_id})
        summary.licenses_added += 1
    # Records in bulk, matched against the person's stored ones (and each other) first.
    stored = bulk_records.stored_keys(user.user_id)
    new = []
    for item in person.records:
        key = bulk_records.record_key(item.values)
        if key in stored:
            summary.records_skipped += 1
            continue
        stored[key] = 0
        new.append(bulk_records.prepare(user.user_id, item.values))
    bulk_records.insert(ctx, new, progress)
    summary.records_added += len(new)


def _earliest_record(user_id: int, person: Person) -> dt.date | None:
    """The earliest completion date among the person's stored records and the file's."""
    days = [item.values["completed_on"] for item in person.records]
    stored = (
        CpeRecord.select(peewee.fn.MIN(CpeRecord.completed_on))
        .where(CpeRecord.user == user_id)
        .scalar()
    )
    if isinstance(stored, str):  # SQLite hands an aggregate back as text
        stored = dt.date.fromisoformat(stored)
    if stored is not None:
        days.append(stored)
    return min(days, default=None)


def _guard(path: str, action: Callable[..., T], *args: Any) -> T:
    """Run a service call; its field errors come back placed under ``path``."""
    try:
        return action(*args)
    except ValidationError as exc:
        raise ValidationError(dict(under(path, exc.errors, raw=True))) from exc


def _changes(summary: ImportSummary) -> Changes:
    kinds = []
    if summary.people_added:
        kinds.append(USERS)
    if summary.licenses_added:
        kinds.append(LICENSES)
    if summary.records_added:
        kinds.append(RECORDS)
    if summary.requirements_added:
        kinds.append(REQUIREMENTS)
    if kinds:
        kinds.append(AUDIT)
    return Changes.of(*kinds)
