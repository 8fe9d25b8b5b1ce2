"""CPE records: one completed program (one certificate) with its credits per field of study.

A record is entered once and counts toward every license of its holder. A record is one program,
which may run several days: ``started_on`` is its first day (empty for a one-day program) and
``completed_on`` its last. Credits that break the NASBA increments, or more than 10 credits per
program day, are saved with a warning; impossible values are refused, each error naming its field
(``credits[1].credits``, ``started_on``).

``topics`` (ARCHITECTURE.md §4) are the course topics a record covers, chosen from the topics the
rules name (``requirements.known_topics``: "California Regulatory Review"); a course component
counts the records tagged with its topic. Stored as a JSON text list; a topic a record already has
stays allowed when the rules stop naming it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import Any

from peewee import prefetch

from cpe_desktop.db.models import Attachment, CpeRecord, RecordCredit, database
from cpe_desktop.rules.credits import CreditIssue, check_credits, check_program_days
from cpe_desktop.rules.fields import (
    DELIVERY_METHODS,
    NON_PROGRAM_METHODS,
    normalize_delivery_method,
    normalize_field,
)
from cpe_desktop.services import compliance, custom_fields, requirements
from cpe_desktop.services.audit import trail as audit
from cpe_desktop.services.changes import AUDIT, RECORDS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.name_lists import names_list, read_names
from cpe_desktop.services.validation import MISSING, Validator, parse_decimal, present

FIELDS = (
    "user_id",
    "title",
    "sponsor",
    "sponsor_id",
    "started_on",
    "completed_on",
    "delivery_method",
    "ethics_jurisdiction",
    "attachment_id",
    "notes",
    "credits",
    "topics",
)
EARLIEST = dt.date(1950, 1, 1)
# The record's plain text fields and their longest length. Each is read on its own (only ``title``
# is required) and bears on no other check: an import checks them apart from the rest
# (``interchange/record_checks.RecordChecks``).
TEXT_LIMITS = {
    "title": 300,
    "sponsor": 200,
    "sponsor_id": 50,
    "ethics_jurisdiction": 100,
    "notes": 10_000,
}
# How long before its last day a program's first day may be. A conference or a self-study course
# runs days or weeks; a year is more than any program takes. Instructor, Author and College
# Course credit is earned over terms (a course, its preparation, a book): up to five years.
MAX_PROGRAM_SPAN_DAYS = 366
MAX_NON_PROGRAM_SPAN_DAYS = 5 * 365 + 2  # five years, their leap days included
# What bears on the credits-per-day warning: an update touching none of these does not repeat it.
_PROGRAM_KEYS = ("started_on", "completed_on", "delivery_method", "credits")
CHANGED = Changes.of(RECORDS, AUDIT)
# The honest delivery method and field of study of history whose log never recorded
# them. The rules count such credits toward the total only (an unknown method or field is never
# ethics, technical, a subject or self-study); the record says so in a warning until completed.
NOT_STATED = "Not stated"
NOT_STATED_METHOD = (
    "delivery method not stated: the credits count toward the total only; choose the method "
    "when you know it"
)


def not_stated(text: object) -> bool:
    """True for "Not stated" however it is spaced or capitalised."""
    return isinstance(text, str) and " ".join(text.casefold().split()) == "not stated"


def not_stated_field(field: str) -> str:
    return (
        f"{field} not stated: its credits count toward the total only (never ethics, technical "
        "or subject minimums); choose the field when you know it"
    )


CREDIT_KEYS = ("field", "credits")


def read_credits(
    v: Validator, raw: Any, method: str | None
) -> tuple[list[tuple[str, Decimal]] | Any, list[str]]:
    """Check a credits list (``[{"field", "credits"}]``); ``[(field, credits)]`` when every line
    is right (else MISSING, with each problem recorded in ``v`` under ``credits[i]…``), and the
    NASBA increment warnings to show. The record's total against its days is judged by
    :func:`read_record_fields`, which knows the dates."""
    if raw is MISSING or raw is None:
        v.error("credits", "is required: list each field of study with its credits")
        return MISSING, []
    if not isinstance(raw, Sequence) or isinstance(raw, (str, bytes)) or not raw:
        v.error("credits", "must list at least one field of study with its credits")
        return MISSING, []
    entries: list[tuple[str, Decimal]] = []
    warnings: list[str] = []
    seen: set[str] = set()
    for index, item in enumerate(raw):
        where = f"credits[{index}]"
        if not isinstance(item, Mapping):
            v.error(where, 'must be an object {"field": <field of study>, "credits": <number>}')
            continue
        for key in item:
            if key not in CREDIT_KEYS:
                v.error(f"{where}.{key}", "is not a known key (expected field, credits)")
        field = _read_field(v, where, item.get("field"), seen)
        amount = _read_amount(v, where, item.get("credits"), method, field, warnings)
        if field is not None and amount is not None:
            entries.append((field, amount))
            if field == NOT_STATED:
                warnings.append(not_stated_field("field of study"))
    if len(entries) != len(raw):
        return MISSING, warnings
    return entries, warnings


def _read_field(v: Validator, where: str, raw: Any, seen: set[str]) -> str | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        v.error(f"{where}.field", "is required (choose a NASBA field of study)")
        return None
    name = normalize_field(raw) if isinstance(raw, str) else None
    if name is None and not_stated(raw):
        name = NOT_STATED
    if name is None:
        v.error(f"{where}.field", f"{raw!r} is not a NASBA field of study")
        return None
    if name in seen:
        v.error(f"{where}.field", f"{name} is listed twice; put its credits on one line")
        return None
    seen.add(name)
    return name


def _read_amount(
    v: Validator, where: str, raw: Any, method: str | None, field: str | None, warnings: list[str]
) -> Decimal | None:
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        v.error(f"{where}.credits", "is required (a number such as 1.5)")
        return None
    if isinstance(raw, str):  # as typed or read from a file: the same few values again and again
        issues, amount = _text_credits(raw, method)
    else:
        issues, amount = tuple(check_credits(raw, method)), None
    errors = [issue.message for issue in issues if issue.severity == "error"]
    if errors:
        v.error(f"{where}.credits", errors[0])
        return None
    if amount is None:
        amount = parse_decimal(raw)
    if amount.as_tuple().exponent < -2:  # type: ignore[operator]
        v.error(f"{where}.credits", "may have at most 2 decimal places")
        return None
    warnings.extend(f"{field or 'credits'}: {issue.message}" for issue in issues)
    return amount


@lru_cache(maxsize=1024)
def _text_credits(raw: str, method: str | None) -> tuple[tuple[CreditIssue, ...], Decimal | None]:
    """``check_credits`` of a credits text and, when it holds no error, its value: worked out once
    per text and method (an import's ten thousand rows hold a few dozen)."""
    issues = tuple(check_credits(raw, method))
    if any(issue.severity == "error" for issue in issues):
        return issues, None
    return issues, parse_decimal(raw)


def read_record_fields(
    v: Validator,
    ctx: ServiceContext,
    data: Mapping[str, Any],
    *,
    partial: bool = False,
    current_method: str | None = None,
    current: CpeRecord | None = None,
    known_topics: Collection[str] | None = None,
) -> tuple[dict[str, Any], list[tuple[str, Decimal]] | Any, list[str]]:
    """A record's own fields read through ``v`` (owner and certificate are the caller's): the
    values (MISSING where absent or wrong), the credit lines and the warnings. Shared by the
    record service and the importers, so a record is judged the same way wherever it comes from.

    ``current``: the stored record a partial update changes; what the update leaves alone (its
    dates, method, credits) is judged together with what it changes. ``known_topics``: the
    topics ``topics`` may name (None: ``requirements.known_topics()``, read when needed).
    """
    values: dict[str, Any] = {
        "title": v.text("title", required=True, max_length=TEXT_LIMITS["title"]),
        "sponsor": v.text("sponsor", max_length=TEXT_LIMITS["sponsor"]),
        "sponsor_id": v.text("sponsor_id", max_length=TEXT_LIMITS["sponsor_id"]),
        "started_on": v.date("started_on"),
        "completed_on": v.date("completed_on", required=True),
        "ethics_jurisdiction": v.text(
            "ethics_jurisdiction", max_length=TEXT_LIMITS["ethics_jurisdiction"]
        ),
        "notes": v.text("notes", max_length=TEXT_LIMITS["notes"]),
        "topics": read_topics(v, known_topics, current),
    }
    completed = values["completed_on"]
    if isinstance(completed, dt.date):
        if completed > ctx.clock.today():
            v.error("completed_on", "cannot be in the future")
        elif completed < EARLIEST:
            v.error("completed_on", f"must be after {EARLIEST.isoformat()}")
    method = MISSING
    if v.has("delivery_method") or not partial:
        raw_method = v.text("delivery_method", required=True, max_length=50)
        if isinstance(raw_method, str):
            method = normalize_delivery_method(raw_method)
            if method is None and not_stated(raw_method):
                method = NOT_STATED
            if method is None:
                v.error(
                    "delivery_method",
                    f"{raw_method!r} is not a delivery method (use one of: "
                    f"{', '.join(DELIVERY_METHODS)})",
                )
                method = MISSING
    values["delivery_method"] = method
    credits: Any = MISSING
    warnings: list[str] = []
    if current is not None and current_method is None:
        current_method = current.delivery_method
    effective = method if isinstance(method, str) else current_method
    if v.has("credits") or not partial:
        credits, warnings = read_credits(v, data.get("credits", MISSING), effective)
    if method == NOT_STATED:
        warnings.append(NOT_STATED_METHOD)
    days_ok = _read_program_days(v, values, effective, current)
    if days_ok and (not partial or any(v.has(key) for key in _PROGRAM_KEYS)):
        _check_total(v, values, credits, effective, current, warnings)
    return values, credits, warnings


def read_topics(
    v: Validator, known: Collection[str] | None = None, current: CpeRecord | None = None
) -> Any:
    """``topics`` as the column's JSON text (None: none; MISSING: absent or wrong), each one
    of ``known`` (default: the topics the rules name) or of the record's own."""
    if not v.has("topics"):
        return MISSING
    choices = set(requirements.known_topics() if known is None else known)
    if current is not None:
        choices |= set(names_list(current.topics))
    return read_names(
        v,
        "topics",
        choices,
        none_known="no requirement rule names a course topic yet (a rule's course component "
        "gives one)",
    )


def topics_of(record: CpeRecord) -> list[str]:
    """A record's course topics (none: [])."""
    return names_list(record.topics)


def _stored(values: Mapping[str, Any], name: str, current: CpeRecord | None) -> Any:
    """The value a record will have: the one given, else the stored one (None for a new one)."""
    value = values.get(name, MISSING)
    if value is MISSING:
        return getattr(current, name) if current is not None else None
    return value


def _read_program_days(
    v: Validator, values: Mapping[str, Any], method: str | None, current: CpeRecord | None
) -> bool:
    """Check ``started_on`` against ``completed_on``; False when either date is unusable."""
    if "started_on" in v.errors or "completed_on" in v.errors:
        return False
    started = _stored(values, "started_on", current)
    completed = _stored(values, "completed_on", current)
    if not isinstance(started, dt.date) or not isinstance(completed, dt.date):
        return True  # a one-day program (or no date yet: reported as required)
    # Name the field the person changed: the first day when given, else the last.
    blamed = "started_on" if v.has("started_on") or not v.has("completed_on") else "completed_on"
    if started > completed:
        if blamed == "started_on":
            v.error(
                "started_on",
                f"{started.isoformat()} is after the program's last day "
                f"({completed.isoformat()}); a program's first day comes on or before the day "
                "it was completed",
            )
        else:
            v.error(
                "completed_on",
                f"{completed.isoformat()} is before the program's first day "
                f"({started.isoformat()}); change the first day too, or clear it for a one-day "
                "program",
            )
        return False
    non_program = method in NON_PROGRAM_METHODS
    limit = MAX_NON_PROGRAM_SPAN_DAYS if non_program else MAX_PROGRAM_SPAN_DAYS
    span = (completed - started).days
    if span > limit:
        allowed = (
            "Instructor, Author and College Course credit may span up to five years"
            if non_program
            else "a program runs at most a year (College Course credit may span longer)"
        )
        where = (
            "before the day it was completed" if blamed == "started_on" else "after its first day"
        )
        v.error(blamed, f"is {span} days {where}; {allowed}; check the year")
        return False
    return True


def _check_total(
    v: Validator,
    values: Mapping[str, Any],
    credits: list[tuple[str, Decimal]] | Any,
    method: str | None,
    current: CpeRecord | None,
    warnings: list[str],
) -> None:
    """The record's total credits against the days its program ran (warnings; > 1,000 errs)."""
    if credits is MISSING:
        if current is None or any(key.startswith("credits") for key in v.errors):
            return
        credits = [(line.field_of_study, Decimal(line.credits)) for line in current.credits]
    if not credits:
        return
    total = sum((amount for _, amount in credits), Decimal(0))
    completed = _stored(values, "completed_on", current)
    started = _stored(values, "started_on", current)
    if not isinstance(completed, dt.date):
        completed = None
    for issue in check_program_days(total, started, completed, method):
        if issue.severity == "error":
            v.error("credits", issue.message)
        else:
            warnings.append(issue.message)


def _validate(
    ctx: ServiceContext, data: dict[str, Any], *, partial: bool, current: CpeRecord | None = None
) -> tuple[dict[str, Any], list[tuple[str, Decimal]] | Any, list[str]]:
    v = Validator(data, FIELDS, partial=partial)
    values, credits, warnings = read_record_fields(v, ctx, data, partial=partial, current=current)
    rows.read_owner(v, ctx, values, partial=partial)
    if v.has("attachment_id"):
        attachment_id = v.integer("attachment_id", minimum=1)
        if (
            isinstance(attachment_id, int)
            and Attachment.get_or_none(Attachment.attachment_id == attachment_id) is None
        ):
            v.error("attachment_id", f"there is no attachment with id {attachment_id}")
        values["attachment"] = attachment_id
    v.done()
    return present(values), credits, warnings


def credits_of(record: CpeRecord) -> list[dict[str, Any]]:
    return [
        {"field": c.field_of_study, "credits": c.credits}
        for c in sorted(record.credits, key=lambda c: c.field_of_study)
    ]


def _replace_credits(record: CpeRecord, entries: list[tuple[str, Decimal]]) -> None:
    RecordCredit.delete().where(RecordCredit.record == record).execute()
    RecordCredit.insert_many(
        [{"record": record.record_id, "field_of_study": f, "credits": c} for f, c in entries]
    ).execute()


def _check_owner(
    ctx: ServiceContext, values: dict[str, Any], what: str, current: CpeRecord | None = None
) -> None:
    """The record's person may be acted for, and its certificate is that person's own (judged
    on the row as it will be: a changed certificate, or a record moved with its certificate)."""
    if "user" in values:
        ctx.require_owner(values["user"], what)
    user = values.get("user", current.user_id if current is not None else None)
    attachment = values.get("attachment", current.attachment_id if current is not None else None)
    if attachment is not None:
        owner = Attachment.get_by_id(attachment).user_id
        if owner != (user if user is not None else owner):
            raise ValidationError("attachment_id", "belongs to another person")
        ctx.require_owner(owner, "use the certificates")


def create_record(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[CpeRecord]:
    compliance.forget_cached_records()
    with database.atomic():
        values, entries, warnings = _validate(ctx, data, partial=False)
        _check_owner(ctx, values, "add records")
        now = ctx.now()
        values.update(created_at=now, updated_at=now)
        with rows.integrity_as_conflict("This record"):
            record = CpeRecord.create(**values)
            _replace_credits(record, entries)
        audit.write(
            ctx,
            "create",
            "record",
            record.record_id,
            None,
            audit.snapshot(record, credits=_plain(credits_of(record))),
        )
    return Outcome(record, CHANGED, tuple(warnings))


def _plain(credits: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{"field": c["field"], "credits": audit.json_value(c["credits"])} for c in credits]


def update_record(ctx: ServiceContext, record_id: int, data: dict[str, Any]) -> Outcome[CpeRecord]:
    compliance.forget_cached_records()
    with database.atomic():
        record = rows.get_or_missing(CpeRecord, record_id, "record")
        ctx.require_owner(record.user_id, "change the records")
        values, entries, warnings = _validate(ctx, data, partial=True, current=record)
        _check_owner(ctx, values, "move records", current=record)
        before = audit.snapshot(record, credits=_plain(credits_of(record)))
        for name, value in values.items():
            setattr(record, name, value)
        record.updated_at = ctx.now()
        rows.save_row(record, "record")
        if entries is not MISSING:
            _replace_credits(record, entries)
        audit.write(
            ctx,
            "update",
            "record",
            record.record_id,
            before,
            audit.snapshot(record, credits=_plain(credits_of(record))),
        )
    return Outcome(record, CHANGED, tuple(warnings))


def delete_records(ctx: ServiceContext, record_ids: Sequence[int]) -> Outcome[int]:
    """Delete several records at once (all or none); one audit entry per record."""
    compliance.forget_cached_records()
    with database.atomic():
        for record_id in dict.fromkeys(record_ids):
            record = rows.get_or_missing(CpeRecord, record_id, "record")
            ctx.require_owner(record.user_id, "remove the records")
            before = audit.snapshot(record, credits=_plain(credits_of(record)))
            custom_fields.remove_values_for("record", [record_id])
            record.delete_instance()
            audit.write(ctx, "delete", "record", record_id, before, None)
    return Outcome(len(dict.fromkeys(record_ids)), CHANGED)


def delete_record(ctx: ServiceContext, record_id: int) -> Outcome[int]:
    return delete_records(ctx, [record_id])


def get_record(ctx: ServiceContext, record_id: int) -> CpeRecord:
    record = rows.get_or_missing(CpeRecord, record_id, "record")
    ctx.require_owner(record.user_id, "see the records")
    return record


def list_records(
    ctx: ServiceContext,
    user_id: int | None = None,
    *,
    start: dt.date | None = None,
    end: dt.date | None = None,
) -> list[CpeRecord]:
    """Records with their credits, oldest first; members see only their own."""
    query = CpeRecord.select().order_by(CpeRecord.completed_on, CpeRecord.record_id)
    if user_id is not None:
        ctx.require_owner(user_id, "see the records")
        query = query.where(CpeRecord.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(CpeRecord.user == ctx.actor.user_id)
    if start is not None:
        query = query.where(CpeRecord.completed_on >= start)
    if end is not None:
        query = query.where(CpeRecord.completed_on <= end)
    return list(prefetch(query, RecordCredit.select()))
