"""Requirement rules per credential and jurisdiction (the ``state_requirements`` table).

Rows ship with the program (``origin = shipped``), come from imports, or are typed by a person.
Editing a shipped row marks it ``user_edited`` so reloading the shipped data never overwrites it.
The interchange keys (DESIGN section 5) are mapped to the seed's column names here, in one place.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from cpe_desktop.db.models import Credential, StateRequirement, database
from cpe_desktop.services import rows
from cpe_desktop.services.changes import AUDIT, REQUIREMENTS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, present

PERIOD_BASES = ("calendar", "fiscal", "birth_month", "license_date", "rolling")

# interchange key -> model field, where they differ
_RENAMED = {
    "jurisdiction": "state_name",
    "total_hours": "total_credits_required",
    "ethics_hours": "ethics_credits_required",
    "period_years": "reporting_period_years",
}
HOUR_CAPS = (
    "max_self_study_hours",
    "max_nano_hours",
    "max_non_technical_hours",
    "technical_min_hours",
    "carryover_max_hours",
    "annual_min_hours",
)
PERCENT_CAPS = ("max_self_study_pct", "max_nano_pct", "max_non_technical_pct")
KEYS = (
    "credential",
    "jurisdiction",
    "total_hours",
    "period_years",
    "ethics_hours",
    "annual_min_hours",
    "ethics_period_years",
    "ethics_state_specific",
    "period_basis",
    "period_start_month",
    "cycle_anchor_year",
    "max_self_study_hours",
    "max_self_study_pct",
    "max_nano_hours",
    "max_nano_pct",
    "max_non_technical_hours",
    "max_non_technical_pct",
    "technical_min_hours",
    "carryover_max_hours",
    "effective_from",
    "source",
    "verified_on",
    "notes",
)
CHANGED = Changes.of(REQUIREMENTS, AUDIT)


def validate(data: dict[str, Any], *, partial: bool = False, extra_keys=()) -> dict[str, Any]:
    """Interchange-keyed ``data`` → model field values; raises ValidationError naming each key."""
    v = Validator(data, KEYS + tuple(extra_keys), partial=partial)
    values: dict[str, Any] = {
        "state_name": v.text("jurisdiction", required=True, max_length=100),
        "total_credits_required": v.integer("total_hours", minimum=0, maximum=1000),
        "reporting_period_years": v.integer("period_years", required=True, minimum=1, maximum=10),
        "ethics_credits_required": v.integer("ethics_hours", minimum=0, maximum=1000),
        "ethics_period_years": v.integer("ethics_period_years", minimum=1, maximum=10),
        "ethics_state_specific": v.boolean("ethics_state_specific"),
        "period_basis": v.choice("period_basis", PERIOD_BASES),
        "period_start_month": v.integer("period_start_month", minimum=1, maximum=12),
        "cycle_anchor_year": v.integer("cycle_anchor_year", minimum=1900, maximum=2200),
        "effective_from": v.date("effective_from"),
        "source": v.text("source", max_length=5000),
        "verified_on": v.date("verified_on"),
        "notes": v.text("notes", max_length=20_000),
    }
    for key in HOUR_CAPS:
        values[key] = v.decimal(key, minimum=0, maximum=1000)
    for key in PERCENT_CAPS:
        values[key] = v.decimal(key, minimum=0, maximum=100)
    if v.has("credential") or not partial:
        code = v.text("credential", required=True, max_length=20)
        if isinstance(code, str):
            try:
                values["credential"] = by_code(code)
            except ValidationError as exc:
                v.error("credential", exc.errors["credential"])
    month_missing = values["period_start_month"] in (None, MISSING)
    if values["period_basis"] == "fiscal" and month_missing:
        v.error("period_start_month", "is required when period_basis is fiscal")
    v.done()
    return present(values)


def to_interchange(row: StateRequirement) -> dict[str, Any]:
    """A requirement row as the interchange object (numbers as numbers, dates as ISO text)."""
    out: dict[str, Any] = {}
    for key in KEYS:
        if key == "credential":
            out[key] = row.credential.code
            continue
        value = getattr(row, _RENAMED.get(key, key))
        if isinstance(value, Decimal):
            value = int(value) if value == value.to_integral_value() else float(value)
        elif isinstance(value, dt.date):
            value = value.isoformat()
        out[key] = value
    return out


def list_requirements(credential_id: int | None = None) -> list[StateRequirement]:
    query = (
        StateRequirement.select(StateRequirement, Credential)
        .join(Credential)
        .order_by(Credential.code, StateRequirement.state_name, StateRequirement.effective_from)
    )
    if credential_id is not None:
        query = query.where(StateRequirement.credential == credential_id)
    return list(query)


def find(credential_id: int, jurisdiction: str, as_of: dt.date) -> StateRequirement | None:
    """The rule in force on ``as_of``: latest ``effective_from`` not after it (None = always)."""
    candidates = StateRequirement.select().where(
        (StateRequirement.credential == credential_id)
        & (StateRequirement.state_name == jurisdiction)
        & (StateRequirement.effective_from.is_null() | (StateRequirement.effective_from <= as_of))
    )
    return max(candidates, key=lambda r: r.effective_from or dt.date.min, default=None)


def same_rule(credential_id: int, jurisdiction: str, effective_from: dt.date | None):
    query = StateRequirement.select().where(
        (StateRequirement.credential == credential_id)
        & (StateRequirement.state_name == jurisdiction)
    )
    if effective_from is None:
        return query.where(StateRequirement.effective_from.is_null()).first()
    return query.where(StateRequirement.effective_from == effective_from).first()


def create_requirement(ctx: ServiceContext, data: dict[str, Any]) -> Outcome[StateRequirement]:
    with database.atomic():
        ctx.require_admin("add requirement rules")
        values = validate(data)
        if same_rule(
            values["credential"].credential_id, values["state_name"], values.get("effective_from")
        ):
            raise ValidationError(
                "jurisdiction",
                f"{values['credential'].code} in {values['state_name']} already has a rule with "
                "this effective date; edit that one instead",
            )
        values["origin"] = "user"
        row = rows.create(ctx, StateRequirement, values, "requirement")
    return Outcome(row, CHANGED)


def update_requirement(
    ctx: ServiceContext, state_id: int, data: dict[str, Any]
) -> Outcome[StateRequirement]:
    with database.atomic():
        ctx.require_admin("change requirement rules")
        row = rows.get_or_missing(StateRequirement, state_id, "requirement rule")
        values = validate(data, partial=True)
        values["user_edited"] = True
        rows.update(ctx, row, values, "requirement")
    return Outcome(row, CHANGED)


def upsert_requirement(
    ctx: ServiceContext, data: dict[str, Any], *, origin: str = "import"
) -> Outcome[StateRequirement]:
    """Add a rule, or replace the one with the same credential, jurisdiction and effective date."""
    with database.atomic():
        ctx.require_admin("change requirement rules")
        values = validate(data)
        existing = same_rule(
            values["credential"].credential_id, values["state_name"], values.get("effective_from")
        )
        full = {key: None for key in _model_fields()} | values
        if existing is None:
            row = rows.create(ctx, StateRequirement, full | {"origin": origin}, "requirement")
        elif not differs(existing, full):
            return Outcome(existing, Changes())
        else:
            row = rows.update(ctx, existing, full | {"user_edited": True}, "requirement")
    return Outcome(row, CHANGED)


def differs(row: StateRequirement, values: dict[str, Any]) -> bool:
    """Whether applying model-field ``values`` (as from :func:`validate`) would change ``row``."""
    for name, value in values.items():
        if name == "credential":
            if row.credential_id != value.credential_id:
                return True
        elif getattr(row, name) != value:
            return True
    return False


def _model_fields() -> list[str]:
    return [_RENAMED.get(key, key) for key in KEYS if key != "credential"]


def delete_requirement(ctx: ServiceContext, state_id: int) -> Outcome[None]:
    with database.atomic():
        ctx.require_admin("remove requirement rules")
        row = rows.get_or_missing(StateRequirement, state_id, "requirement rule")
        rows.delete(ctx, row, "requirement")
    return Outcome(None, CHANGED)
