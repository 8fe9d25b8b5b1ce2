"""Licenses a person holds: a credential in a jurisdiction, with its dates and own deadline.

``attributes`` (ARCHITECTURE.md §4) are what the holder ticks for the rules' conditions ("I perform
attest work": ``performs_attest``), names from ``requirements.attribute_choices()``, stored as a
JSON text list; a component with ``applies_if`` counts only for a license that has it.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from cpe_desktop.db.models import Credential, License, User, database
from cpe_desktop.rules.facts import LicenseFacts, Rule
from cpe_desktop.rules.periods import MissingInformation, anchor_kind, current_period
from cpe_desktop.rules.tracking import default_tracked_from
from cpe_desktop.services import compliance, custom_fields, requirements
from cpe_desktop.services.changes import AUDIT, LICENSES, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.name_lists import names_list, read_names
from cpe_desktop.services.validation import MISSING, Validator, present

FIELDS = (
    "user_id",
    "credential_id",
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
STATUSES = ("active", "inactive", "retired", "lapsed")
CHANGED = Changes.of(LICENSES, AUDIT)
# Hours already earned in the current period before tracking began (ARCHITECTURE.md §4).
MAX_OPENING_HOURS = 1000


def _validate(ctx: ServiceContext, data: dict[str, Any], *, partial: bool) -> dict[str, Any]:
    v = Validator(data, FIELDS, partial=partial)
    values: dict[str, Any] = {
        "jurisdiction": v.text("jurisdiction", required=True, max_length=100),
        "license_number": v.text("license_number", max_length=100),
        "issued_on": v.date("issued_on"),
        "expires_on": v.date("expires_on"),
        "period_end_override": v.date("period_end_override"),
        "status": v.choice("status", STATUSES) if v.has("status") else MISSING,
        "tracked_from": v.date("tracked_from"),
        "opening_hours": v.decimal("opening_hours", minimum=0, maximum=MAX_OPENING_HOURS),
        "opening_ethics_hours": v.decimal(
            "opening_ethics_hours", minimum=0, maximum=MAX_OPENING_HOURS
        ),
        "home_jurisdiction": v.text("home_jurisdiction", max_length=100),
        "attributes": read_attributes(v),
    }
    rows.read_owner(v, ctx, values, partial=partial)
    if v.has("credential_id"):
        credential_id = v.integer("credential_id", required=True, minimum=1)
        if isinstance(credential_id, int):
            if not Credential.select().where(Credential.credential_id == credential_id).exists():
                v.error("credential_id", f"there is no credential with id {credential_id}")
            values["credential"] = credential_id
    elif v.has("credential"):
        code = v.text("credential", required=True, max_length=20)
        if isinstance(code, str):
            try:
                values["credential"] = by_code(code).credential_id
            except ValidationError as exc:
                v.error("credential", exc.errors["credential"])
    elif not partial:
        v.error("credential", "is required")
    issued, expires = values["issued_on"], values["expires_on"]
    if isinstance(issued, dt.date) and isinstance(expires, dt.date) and expires < issued:
        v.error("expires_on", "must not be before the issue date")
    check_tracking(v, values)
    v.done()
    values = present(values)
    if values.get("status") is None:
        values.pop("status", None)
    return values


def read_attributes(v: Validator, choices: Mapping[str, str] | None = None) -> Any:
    """``attributes`` as the column's JSON text (None: none; MISSING: absent or wrong), each a
    name of ``choices`` (default: ``requirements.attribute_choices()``)."""
    if not v.has("attributes"):
        return MISSING
    known = requirements.attribute_choices() if choices is None else choices
    return read_names(v, "attributes", known, none_known="no attribute is known")


def attributes_of(license_: License) -> list[str]:
    """A license's attributes (none: [])."""
    return names_list(license_.attributes)


def check_tracking(v: Validator, values: dict[str, Any]) -> None:
    """The tracking fields against each other and the license (ARCHITECTURE.md §4): ethics hours
    are part of the opening hours; the home jurisdiction is another one than the license's."""
    hours, ethics = values.get("opening_hours"), values.get("opening_ethics_hours")
    if isinstance(ethics, Decimal) and ethics > (hours if isinstance(hours, Decimal) else 0):
        v.error(
            "opening_ethics_hours",
            "is part of the hours already earned this period, so it cannot be more than them",
        )
    home, own = values.get("home_jurisdiction"), values.get("jurisdiction")
    if isinstance(home, str) and isinstance(own, str) and home.casefold() == own.casefold():
        v.error(
            "home_jurisdiction",
            "must be another jurisdiction than the license's own (leave it empty when this is "
            "your home license)",
        )


def _check_whole(license_: License, values: dict[str, Any]) -> None:
    """An update's values together with what the license already holds."""
    merged = {
        name: values.get(name, getattr(license_, name))
        for name in ("opening_hours", "opening_ethics_hours", "home_jurisdiction", "jurisdiction")
    }
    v = Validator({})
    check_tracking(v, merged)
    v.done()


def default_tracking_start(
    ctx: ServiceContext,
    credential_id: int,
    jurisdiction: str,
    facts: dict[str, Any],
    birth_date: dt.date | None,
    earliest_record: dt.date | None = None,
) -> dt.date:
    """Where a license is tracked from when nobody said (ARCHITECTURE.md §4), under the rule in
    force today: the start of the period containing ``earliest_record`` (an import: the holder's
    earliest record), or of the current period (a license entered by hand); with no rule, that
    record's date or today."""
    today = ctx.clock.today()
    row = requirements.find(credential_id, jurisdiction, today)
    rule = compliance.rule_of(row) if row is not None else None
    license_ = _license_facts(credential_id, jurisdiction, facts, birth_date)
    return default_tracked_from(rule, license_, today, earliest_record)


def _license_facts(
    credential_id: int, jurisdiction: str, facts: dict[str, Any], birth_date: dt.date | None
) -> LicenseFacts:
    code = Credential.get_by_id(credential_id).code
    return LicenseFacts(
        license_id=None,
        credential=code,
        jurisdiction=jurisdiction,
        issued_on=facts.get("issued_on"),
        period_end_override=facts.get("period_end_override"),
        birth_date=birth_date,
        license_number=facts.get("license_number"),
    )


def create_license(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[License]:
    with database.atomic():
        values = _validate(ctx, data, partial=False)
        ctx.require_owner(values["user"], "add licenses")
        if values.get("tracked_from") is None:
            holder = User.get_by_id(values["user"])
            values["tracked_from"] = default_tracking_start(
                ctx, values["credential"], values["jurisdiction"], values, holder.birth_date
            )
        license_ = rows.create(ctx, License, values, "license")
    return Outcome(license_, CHANGED)


def update_license(ctx: ServiceContext, license_id: int, data: dict[str, Any]) -> Outcome[License]:
    with database.atomic():
        license_ = rows.get_or_missing(License, license_id, "license")
        ctx.require_owner(license_.user_id, "change the licenses")
        values = _validate(ctx, data, partial=True)
        if "user" in values:
            ctx.require_owner(values["user"], "move licenses")
        issued = values.get("issued_on", license_.issued_on)
        expires = values.get("expires_on", license_.expires_on)
        if issued and expires and expires < issued:
            raise ValidationError("expires_on", "must not be before the issue date")
        _check_whole(license_, values)
        rows.update(ctx, license_, values, "license")
    return Outcome(license_, CHANGED)


def delete_license(ctx: ServiceContext, license_id: int) -> Outcome[None]:
    with database.atomic():
        license_ = rows.get_or_missing(License, license_id, "license")
        ctx.require_owner(license_.user_id, "remove the licenses")
        custom_fields.remove_values_for("license", [license_.license_id])
        rows.delete(ctx, license_, "license")
    return Outcome(None, CHANGED)


def get_license(ctx: ServiceContext, license_id: int) -> License:
    license_ = rows.get_or_missing(License, license_id, "license")
    ctx.require_owner(license_.user_id, "see the licenses")
    return license_


def list_licenses(ctx: ServiceContext, user_id: int | None = None) -> list[License]:
    """Licenses of ``user_id``; with None, the actor's own (an administrator's: everyone's)."""
    query = (
        License.select(License, Credential)
        .join(Credential)
        .order_by(License.user, Credential.code, License.jurisdiction)
    )
    if user_id is not None:
        ctx.require_owner(user_id, "see the licenses")
        query = query.where(License.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(License.user == ctx.actor.user_id)
    return list(query)


@dataclass(frozen=True)
class SuggestedPeriod:
    """What the license form pre-fills for "When does your current reporting period end?".

    ``period_end`` is None when only the holder knows it (``holder_supplied``) or a fact the rule
    needs is missing; ``note`` says in one plain sentence how the board sets periods, or what is
    needed to work the date out.
    """

    period_start: dt.date | None
    period_end: dt.date | None
    note: str


def suggested_period(
    ctx: ServiceContext,
    credential: int | str,
    jurisdiction: str,
    issued_on: dt.date | None = None,
    license_number: str | None = None,
    birth_date: dt.date | None = None,
    period_end_override: dt.date | None = None,
) -> SuggestedPeriod:
    """The current reporting period of a license being entered, as the rule in force today sets
    it, for the form and the welcome flow to pre-fill (ARCHITECTURE.md §4). ``credential``: an id or
    a code. Reads only; nothing is written."""
    credential_id = credential if isinstance(credential, int) else by_code(credential).credential_id
    today = ctx.clock.today()
    row = requirements.find(credential_id, jurisdiction, today)
    if row is None:
        return SuggestedPeriod(
            None,
            period_end_override,
            f"There is no requirement rule for this credential in {jurisdiction}: enter the end "
            "of your reporting period as your board states it.",
        )
    rule = compliance.rule_of(row)
    facts = _license_facts(
        credential_id,
        jurisdiction,
        {
            "issued_on": issued_on,
            "license_number": license_number,
            "period_end_override": period_end_override,
        },
        birth_date,
    )
    note = period_note(rule, jurisdiction)
    try:
        period = current_period(rule, facts, birth_date, today)
    except MissingInformation as exc:
        return SuggestedPeriod(None, None, f"{note} {_needed(exc.missing)}".strip())
    return SuggestedPeriod(period.start, period.end, note)


_NEEDED = {
    "birth date": "Enter your birth date to work out the date.",
    "license number": "Enter the license number to work out the date.",
    "issue date": "Enter the issue date to work out the date.",
    "fiscal year start month": "The rule does not say which month its years start in.",
    "period end": "Only you know it: it is on your renewal notice.",
}


def _needed(missing: str) -> str:
    return _NEEDED.get(missing, f"The {missing} is needed to work out the date.")


def period_note(rule: Rule, jurisdiction: str) -> str:
    """One plain sentence: how this rule sets the years a period ends in (ARCHITECTURE.md §4)."""
    years = rule.period_years
    span = "every year" if years == 1 else f"every {years} years"
    anchor = anchor_kind(rule)
    basis = rule.period_basis
    if anchor == "holder_supplied":
        return (
            f"{jurisdiction}: the period depends on something only you know (a renewal group "
            "or an identification number's digit)."
        )
    if anchor == "birth_year_parity":
        parity = "the same parity as" if rule.cycle_parity_offset == 0 else "the other parity than"
        ends = "on the last day of your birth month" if basis == "birth_month" else "on 31 December"
        return f"{jurisdiction}: periods end {ends} in years of {parity} your birth year."
    if anchor == "license_number_parity":
        return (
            f"{jurisdiction}: periods of {years} years end in years set by the last digit of "
            "your license number."
        )
    if basis == "rolling" and anchor == "birth_month":
        return (
            f"{jurisdiction}: the {years} years ending on the last day of your birth month, "
            "judged each year when your license renews."
        )
    if anchor == "birth_month" or basis == "birth_month":
        return f"{jurisdiction}: periods end on the last day of your birth month, {span}."
    if basis == "rolling":
        return (
            f"{jurisdiction}: a rolling window of {years} year{'s' if years > 1 else ''}, "
            "judged at the end of each reporting year."
        )
    if basis == "license_date":
        return f"{jurisdiction}: periods run from your license's issue date, {span}."
    ends = "on 31 December"
    if basis == "fiscal" and rule.period_start_month:
        last = calendar.month_name[(rule.period_start_month - 2) % 12 + 1]
        ends = f"at the end of {last}"
    if years == 1 or anchor == "annual":
        return f"{jurisdiction}: periods end {ends} every year."
    if anchor == "fixed" and rule.cycle_anchor_year is not None:
        return (
            f"{jurisdiction}: periods of {years} years counted from {rule.cycle_anchor_year} "
            f"end {ends}."
        )
    return f"{jurisdiction}: periods of {years} years from the year of issue end {ends}."
