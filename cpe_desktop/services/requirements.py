"""Requirement rules per credential and jurisdiction (the ``state_requirements`` table).

Rows ship with the program (``origin = shipped``), come from imports, or are typed by a person.
Editing a shipped row marks it ``user_edited`` so reloading the shipped data never overwrites it.
The interchange keys (DESIGN section 5) are mapped to the seed's column names here, in one place.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal, InvalidOperation
from typing import Any

from cpe_desktop.db.models import Credential, StateRequirement, database
from cpe_desktop.rules.facts import CARRYOVER_SCOPES, CYCLE_ANCHORS, FIRST_PERIODS, RECIPROCITIES
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
# DESIGN 4.1, 4.3, 4.6, 4.7: which years a cycle ends in, what a new licensee owes, how carryover
# flows and whether the home state's compliance counts. Kept apart from KEYS so the requirement
# form (which lists KEYS) can take them up on its own; validation and the interchange use both.
PERIOD_KEYS = (
    "cycle_anchor",
    "cycle_parity_offset",
    "first_period",
    "first_period_hours_per_unit",
    "first_period_unit_months",
    "first_period_counts_issue_month",
    "first_period_ethics",
    "first_period_table",
    "carryover_scope",
    "reciprocity",
)
ALL_KEYS = KEYS + PERIOD_KEYS
MAX_TABLE_ENTRIES = 60
CHANGED = Changes.of(REQUIREMENTS, AUDIT)


def validate(data: dict[str, Any], *, partial: bool = False, extra_keys=()) -> dict[str, Any]:
    """Interchange-keyed ``data`` → model field values; raises ValidationError naming each key."""
    v = Validator(data, ALL_KEYS + tuple(extra_keys), partial=partial)
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
        "cycle_anchor": v.choice("cycle_anchor", CYCLE_ANCHORS),
        "cycle_parity_offset": v.integer("cycle_parity_offset", minimum=0, maximum=1),
        "first_period": v.choice("first_period", FIRST_PERIODS),
        "first_period_hours_per_unit": v.decimal(
            "first_period_hours_per_unit", minimum=0, maximum=1000
        ),
        "first_period_unit_months": v.integer("first_period_unit_months", minimum=1, maximum=120),
        "first_period_counts_issue_month": v.boolean("first_period_counts_issue_month"),
        "first_period_ethics": v.decimal("first_period_ethics", minimum=0, maximum=1000),
        "first_period_table": _table(v, "first_period_table"),
        "carryover_scope": v.choice("carryover_scope", CARRYOVER_SCOPES),
        "reciprocity": v.choice("reciprocity", RECIPROCITIES),
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
    if not partial:
        for name, message in first_period_problems(values).items():
            v.error(name, message)
    v.done()
    return present(values)


def _table(v: Validator, name: str) -> Any:
    """A list of hours (or its JSON text, or "40, 0") as the column's JSON text; empty: None."""
    raw = v._raw(name, False)
    if raw is MISSING or raw is None:
        return raw
    items: Any = raw
    if isinstance(raw, str):
        text = raw.strip()
        try:
            items = json.loads(text) if text.startswith("[") else text.split(",")
        except ValueError:
            v.error(name, "must be a list of hours, e.g. [40, 0]")
            return MISSING
    if not isinstance(items, list | tuple):
        v.error(name, "must be a list of hours, e.g. [40, 0]")
        return MISSING
    if len(items) > MAX_TABLE_ENTRIES:
        v.error(name, f"may have at most {MAX_TABLE_ENTRIES} entries")
        return MISSING
    numbers: list[int | float] = []
    for item in items:
        try:
            if isinstance(item, bool) or not isinstance(item, int | float | str | Decimal):
                raise InvalidOperation
            number = Decimal(str(item).strip())
        except InvalidOperation:
            v.error(name, f"must hold numbers of hours, not {item!r}")
            return MISSING
        if not number.is_finite() or number < 0 or number > 1000:
            v.error(name, f"hours must be from 0 to 1000, not {item!r}")
            return MISSING
        numbers.append(int(number) if number == number.to_integral_value() else float(number))
    return table_text(numbers)


def table_text(numbers: list[int | float] | tuple[Any, ...] | None) -> str | None:
    """The ``first_period_table`` column's JSON text for a list of hours (none: NULL)."""
    if not numbers:
        return None
    return json.dumps(list(numbers))


def first_period_problems(values: dict[str, Any]) -> dict[str, str]:
    """What a first-period kind still lacks, by field name (``values`` in model field names).

    prorate needs hours_per_unit and unit_months; table needs its hours and unit_months (3 for
    quarters); ramp needs its hours. Absent or None values count as missing.
    """

    def given(name: str) -> bool:
        return values.get(name) not in (None, MISSING)

    kind = values.get("first_period")
    problems: dict[str, str] = {}
    if kind == "prorate":
        for name in ("first_period_hours_per_unit", "first_period_unit_months"):
            if not given(name):
                problems[name] = "is required when first_period is prorate"
    elif kind in ("table", "ramp"):
        if not given("first_period_table"):
            problems["first_period_table"] = f"is required when first_period is {kind}"
        if kind == "table" and not given("first_period_unit_months"):
            problems["first_period_unit_months"] = "is required when first_period is table"
    return problems


def to_interchange(row: StateRequirement) -> dict[str, Any]:
    """A requirement row as the interchange object (numbers as numbers, dates as ISO text)."""
    out: dict[str, Any] = {}
    for key in ALL_KEYS:
        if key == "credential":
            out[key] = row.credential.code
            continue
        value = getattr(row, _RENAMED.get(key, key))
        if key == "first_period_table" and value is not None:
            value = json.loads(value)
        elif isinstance(value, Decimal):
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
        merged = {name: getattr(row, name) for name in _model_fields()} | values
        problems = first_period_problems(merged)
        if problems:
            raise ValidationError(problems)
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
    return [_RENAMED.get(key, key) for key in ALL_KEYS if key != "credential"]


def delete_requirement(ctx: ServiceContext, state_id: int) -> Outcome[None]:
    with database.atomic():
        ctx.require_admin("remove requirement rules")
        row = rows.get_or_missing(StateRequirement, state_id, "requirement rule")
        rows.delete(ctx, row, "requirement")
    return Outcome(None, CHANGED)
