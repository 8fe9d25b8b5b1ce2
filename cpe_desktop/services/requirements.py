"""Requirement rules per credential and jurisdiction (the ``state_requirements`` table).

Rows ship with the program (``origin = shipped``), come from imports, or are typed by a person.
Editing a shipped row marks it ``user_edited`` so reloading the shipped data never overwrites it.
The interchange keys (ARCHITECTURE.md §2, Interchange) are mapped to the column names here; a
rule field's key and column come from their one declaration, ``rules/rule_fields.RULE_FIELDS``.

A requirement's components (ARCHITECTURE.md §4: subject minimums, caps, state-specific ethics,
courses, credit factors; table ``requirement_components``) are part of the requirement: the key
``components`` (a list of component objects) is checked with the rest, stored in the same
transaction and shown in the same audit entry (``components`` in its before/after pictures). Errors
name the component by its place in the list, ``components[2].hours``, counting from 0 like every
other path of the interchange.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from cpe_desktop.db.models import Credential, RequirementComponent, StateRequirement, database
from cpe_desktop.db.rule_columns import component_columns, component_from_columns
from cpe_desktop.rules.component_facts import (
    ATTRIBUTE_LABELS,
    COMPONENT_KEYS,
    Component,
    component_from_dict,
)
from cpe_desktop.rules.facts import CARRYOVER_SCOPES, CYCLE_ANCHORS, FIRST_PERIODS, RECIPROCITIES
from cpe_desktop.rules.rule_fields import RENAMED_COLUMNS, RULE_FIELDS
from cpe_desktop.services.changes import AUDIT, REQUIREMENTS, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.validation import MISSING, Validator, present

PERIOD_BASES = ("calendar", "fiscal", "birth_month", "license_date", "rolling")

# The rule's fields and their column names come from their one declaration,
# rules/rule_fields.RULE_FIELDS; the keys around them (who, where, why) are the requirement's own.
# interchange key -> model field, where they differ
_RENAMED = {"jurisdiction": "state_name", **RENAMED_COLUMNS}
HOUR_CAPS = tuple(f.name for f in RULE_FIELDS if f.kind == "hours" and not f.period)
PERCENT_CAPS = tuple(f.name for f in RULE_FIELDS if f.kind == "percent")
KEYS = (
    "credential",
    "jurisdiction",
    *(f.name for f in RULE_FIELDS if not f.period),
    "source",
    "verified_on",
    "notes",
)
# ARCHITECTURE.md §4: which years a cycle ends in, what a new licensee owes, how carryover
# flows and whether the home state's compliance counts. Kept apart from KEYS so the requirement
# form (which lists KEYS) can take them up on its own; validation and the interchange use both.
PERIOD_KEYS = tuple(f.name for f in RULE_FIELDS if f.period)
ALL_KEYS = KEYS + PERIOD_KEYS
# The interchange key of a requirement's components; ``validate`` returns them under it as a
# tuple of Components (not a column: callers store them with ``replace_components``).
COMPONENTS = "components"
MAX_TABLE_ENTRIES = 60
MAX_COMPONENTS = 100
# Text limits of the requirement_components columns.
_COMPONENT_TEXT = {"topic": 200, "applies_if": 50, "alternative": 100, "label": 300}
_COMPONENT_LONG_TEXT = {"source": 5000, "notes": 20_000}
_ATTRIBUTE_NAME = re.compile(r"[a-z][a-z0-9_]*")
CHANGED = Changes.of(REQUIREMENTS, AUDIT)


def validate(data: dict[str, Any], *, partial: bool = False, extra_keys=()) -> dict[str, Any]:
    """Interchange-keyed ``data`` → model field values; raises ValidationError naming each key.

    When ``data`` has ``components``, the result has them too (a tuple of Components, key
    ``components``), checked one by one with errors named ``components[2].hours``.
    """
    v = Validator(data, ALL_KEYS + (COMPONENTS,) + tuple(extra_keys), partial=partial)
    values: dict[str, Any] = {
        "state_name": v.text("jurisdiction", required=True, max_length=100),
        _RENAMED["total_hours"]: v.integer("total_hours", minimum=0, maximum=1000),
        _RENAMED["period_years"]: v.integer("period_years", required=True, minimum=1, maximum=10),
        _RENAMED["ethics_hours"]: v.integer("ethics_hours", minimum=0, maximum=1000),
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
    if v.has(COMPONENTS):
        values[COMPONENTS] = _components(v, data[COMPONENTS])
    v.done()
    return present(values)


def validate_components(items: Any) -> tuple[Component, ...]:
    """A list of component objects (a requirement's ``components`` in the JSON format) as
    Components; raises one
    ValidationError naming every problem by path (``components[2].hours``)."""
    v = Validator({COMPONENTS: items}, (COMPONENTS,))
    found = _components(v, items)
    v.done()
    return found


def _components(v: Validator, items: Any) -> Any:
    """Check ``items`` (a list of component objects, or null for none) into ``v``'s errors."""
    if items is None:
        return ()
    if not isinstance(items, list | tuple):
        v.error(COMPONENTS, "must be a list of component objects")
        return MISSING
    if len(items) > MAX_COMPONENTS:
        v.error(COMPONENTS, f"may have at most {MAX_COMPONENTS} components")
        return MISSING
    found: list[Component] = []
    for index, item in enumerate(items):
        path = f"{COMPONENTS}[{index}]"
        if isinstance(item, Component):
            item = item.as_dict()
        if not isinstance(item, Mapping):
            v.error(path, "must be an object with kind, hours, fields, ...")
            continue
        problems = _component_problems(item)
        if not problems:
            try:
                found.append(component_from_dict(dict(item)))
                continue
            except (TypeError, ValueError) as exc:
                problems = {_key_named(str(exc)): str(exc)}
        for name, message in problems.items():
            v.error(f"{path}.{name}" if name else path, message)
    return tuple(found) if len(found) == len(items) else MISSING


def _component_problems(item: Mapping[str, Any]) -> dict[str, str]:
    """What the database columns cannot hold, which the Component itself does not check."""
    problems: dict[str, str] = {}
    for key in item:
        if key not in COMPONENT_KEYS:
            problems[str(key)] = f"is not a known key (expected {', '.join(COMPONENT_KEYS)})"
    limits = _COMPONENT_TEXT | _COMPONENT_LONG_TEXT
    for name, limit in limits.items():
        value = item.get(name)
        if isinstance(value, str) and len(value.strip()) > limit:
            problems[name] = f"must be at most {limit} characters"
    for name, places in (("hours", 2), ("pct", 2), ("factor", 3)):
        value = item.get(name)
        if isinstance(value, int | float | str | Decimal) and not isinstance(value, bool):
            try:
                number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
            except InvalidOperation:
                problems[name] = f"must be a number, not {value!r}"
                continue
            if number.is_finite() and number.as_tuple().exponent < -places:  # type: ignore[operator]
                problems[name] = f"may have at most {places} decimal places"
            elif name == "pct" and number.is_finite() and not 0 <= number <= 100:
                problems[name] = f"must be a percentage from 0 to 100, not {value!r}"
    applies_if = item.get("applies_if")
    if isinstance(applies_if, str) and not _ATTRIBUTE_NAME.fullmatch(applies_if):
        problems["applies_if"] = (
            f"must be an attribute name such as {', '.join(ATTRIBUTE_LABELS)} (got {applies_if!r})"
        )
    return problems


def _key_named(message: str) -> str:
    """The component key an engine message is about (the first one it names), else ''."""
    unknown = re.match(r"unknown key '([^']*)'", message)
    if unknown:
        return unknown.group(1) if re.fullmatch(r"[A-Za-z_]\w*", unknown.group(1)) else ""
    best: tuple[int, str] | None = None
    for key in COMPONENT_KEYS:
        found = re.search(rf"(?<!\w){key}(?!\w)", message)
        if found and (best is None or found.start() < best[0]):
            best = (found.start(), key)
    return best[1] if best else ""


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


def to_interchange(
    row: StateRequirement, components: Iterable[Component] | None = None
) -> dict[str, Any]:
    """A requirement row as the interchange object (numbers as numbers, dates as ISO text),
    with its ``components`` (given, e.g. from :func:`components_by_rule`, or read here)."""
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
    if components is None:
        components = stored_components(row.state_id) if row.state_id is not None else ()
    out[COMPONENTS] = [part.as_dict() for part in components]
    return out


def stored_components(state_id: int) -> list[Component]:
    """A requirement's components as stored, in order."""
    return components_by_rule([state_id]).get(state_id, [])


def components_by_rule(state_ids: Iterable[int] | None = None) -> dict[int, list[Component]]:
    """state_id -> its components in order, for these requirements (None: every one), read in
    one query."""
    query = RequirementComponent.select().order_by(
        RequirementComponent.requirement, RequirementComponent.position
    )
    if state_ids is not None:
        wanted = sorted(set(state_ids))
        if not wanted:
            return {}
        query = query.where(RequirementComponent.requirement.in_(wanted))
    found: dict[int, list[Component]] = {}
    for part in query:
        state_id = part.__data__["requirement"]
        found.setdefault(state_id, []).append(component_from_columns(part.__data__))
    return found


def list_components(state_id: int) -> list[dict[str, Any]]:
    """A requirement's components as their interchange objects (``Component.as_dict``: the keys
    of COMPONENT_KEYS that are set), in order. Raises NotFound for an unknown requirement."""
    rows.get_or_missing(StateRequirement, state_id, "requirement rule")
    return [part.as_dict() for part in stored_components(state_id)]


def set_components(
    ctx: ServiceContext, state_id: int, components: list[dict[str, Any]]
) -> Outcome[StateRequirement]:
    """Replace a requirement's components with ``components`` (component objects, in order):
    administrators only, one transaction, one audit entry ("update requirement") whose pictures
    hold the components before and after. The rule becomes ``user_edited`` (a shipped rule is
    then never overwritten by the shipped data). ValidationError names ``components[2].hours``."""
    with database.atomic():
        ctx.require_admin("change requirement rules")
        row = rows.get_or_missing(StateRequirement, state_id, "requirement rule")
        found = validate_components(components)
        before = stored_components(state_id)
        if [p.as_dict() for p in before] == [p.as_dict() for p in found]:
            return Outcome(row, Changes())
        replace_components(ctx, row, found)
        rows.update(
            ctx,
            row,
            {"user_edited": True},
            "requirement",
            before_extra={COMPONENTS: [p.as_dict() for p in before]},
            after_extra={COMPONENTS: [p.as_dict() for p in found]},
        )
    return Outcome(row, CHANGED)


def replace_components(ctx: ServiceContext, row: StateRequirement, found: Iterable[Component]):
    """Replace the stored components of ``row`` (inside the caller's transaction)."""
    RequirementComponent.delete().where(RequirementComponent.requirement == row.state_id).execute()
    now = ctx.now()
    for position, part in enumerate(found):
        RequirementComponent.create(
            requirement=row.state_id,
            position=position,
            created_at=now,
            updated_at=now,
            **component_columns(part),
        )


def known_topics() -> list[str]:
    """The course topics the requirement rules name (``course`` components' ``topic``), sorted:
    the choices for a record's ``topics``."""
    query = (
        RequirementComponent.select(RequirementComponent.topic)
        .where(RequirementComponent.topic.is_null(False))
        .distinct()
    )
    return sorted({part.topic for part in query if part.topic and part.topic.strip()})


def known_attributes(state_id: int | None = None) -> dict[str, str]:
    """License attributes the rules' components name in ``applies_if`` (only those of
    requirement ``state_id`` when given), sorted by name: name -> the license form's wording
    (ATTRIBUTE_LABELS, or words made from a name a person typed into a rule)."""
    query = RequirementComponent.select(RequirementComponent.applies_if).where(
        RequirementComponent.applies_if.is_null(False)
    )
    if state_id is not None:
        query = query.where(RequirementComponent.requirement == state_id)
    # The query has no None; the test only tells the type checker so.
    used = {part.applies_if for part in query.distinct() if part.applies_if is not None}
    return {name: attribute_label(name) for name in sorted(used)}


def attribute_label(name: str) -> str:
    """The license form's wording for an attribute name."""
    return ATTRIBUTE_LABELS.get(name) or name.replace("_", " ").capitalize()


def attribute_choices() -> dict[str, str]:
    """Every attribute a license may carry: ATTRIBUTE_LABELS and any other name a rule uses."""
    return dict(ATTRIBUTE_LABELS) | known_attributes()


def list_requirements(credential_id: int | None = None) -> list[StateRequirement]:
    query = (
        StateRequirement.select(StateRequirement, Credential)
        .join(Credential)
        .order_by(Credential.code, StateRequirement.state_name, StateRequirement.effective_from)
    )
    if credential_id is not None:
        query = query.where(StateRequirement.credential == credential_id)
    return list(query)


def rule_title(state_id: int) -> str:
    """A rule as a window names it: "CPA — Texas" (or "requirement rule" when it is gone)."""
    row = StateRequirement.get_or_none(StateRequirement.state_id == state_id)
    if row is None:
        return "requirement rule"
    return f"{row.credential.code} — {row.state_name}"


def jurisdictions_for(credential_id: int | None) -> list[str]:
    """The jurisdictions with a requirement rule for ``credential_id`` (every rule's when None),
    sorted, each once: a license form offers these. A credential with one global rule (CISA,
    CMA) has one entry, named as the data names it ("ISACA", "IMA")."""
    query = StateRequirement.select(StateRequirement.state_name).distinct()
    if credential_id is not None:
        query = query.where(StateRequirement.credential == credential_id)
    return sorted(row.state_name for row in query)


def jurisdictions_for_code(code: str | None) -> list[str]:
    """The jurisdictions with a requirement rule for the credential called ``code``, in the
    database's order, each once (none for an unknown code): the welcome dialog offers these."""
    query = (
        StateRequirement.select(StateRequirement.state_name)
        .join(Credential)
        .where(Credential.code == code)
        .order_by(StateRequirement.state_name)
        .distinct()
    )
    return [row.state_name for row in query]


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
        found = values.pop(COMPONENTS, ())
        row = rows.create(
            ctx,
            StateRequirement,
            values,
            "requirement",
            **{COMPONENTS: [part.as_dict() for part in found]},
        )
        replace_components(ctx, row, found)
    return Outcome(row, CHANGED)


def update_requirement(
    ctx: ServiceContext, state_id: int, data: dict[str, Any]
) -> Outcome[StateRequirement]:
    with database.atomic():
        ctx.require_admin("change requirement rules")
        row = rows.get_or_missing(StateRequirement, state_id, "requirement rule")
        values = validate(data, partial=True)
        found = values.pop(COMPONENTS, None)
        merged = {name: getattr(row, name) for name in _model_fields()} | values
        problems = first_period_problems(merged)
        if problems:
            raise ValidationError(problems)
        values["user_edited"] = True
        before = [part.as_dict() for part in stored_components(state_id)]
        after = before if found is None else [part.as_dict() for part in found]
        if found is not None:
            replace_components(ctx, row, found)
        rows.update(
            ctx,
            row,
            values,
            "requirement",
            before_extra={COMPONENTS: before},
            after_extra={COMPONENTS: after},
        )
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
        # A rule given without components has none (the file says the whole rule).
        found = values.pop(COMPONENTS, ())
        full = {key: None for key in _model_fields()} | values
        after = [part.as_dict() for part in found]
        if existing is None:
            row = rows.create(
                ctx, StateRequirement, full | {"origin": origin}, "requirement", components=after
            )
        elif not differs(existing, full | {COMPONENTS: found}):
            return Outcome(existing, Changes())
        else:
            before = [part.as_dict() for part in stored_components(existing.state_id)]
            row = rows.update(
                ctx,
                existing,
                full | {"user_edited": True},
                "requirement",
                before_extra={COMPONENTS: before},
                after_extra={COMPONENTS: after},
            )
        replace_components(ctx, row, found)
    return Outcome(row, CHANGED)


def differs(row: StateRequirement, values: dict[str, Any]) -> bool:
    """Whether applying model-field ``values`` (as from :func:`validate`) would change ``row``;
    ``components``, when given, are compared with the stored ones."""
    for name, value in values.items():
        if name == "credential":
            if row.credential_id != value.credential_id:
                return True
        elif name == COMPONENTS:
            stored = [part.as_dict() for part in stored_components(row.state_id)]
            if stored != [part.as_dict() for part in value]:
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
        before = [part.as_dict() for part in stored_components(state_id)]
        RequirementComponent.delete().where(RequirementComponent.requirement == state_id).execute()
        rows.delete(ctx, row, "requirement", components=before)
    return Outcome(None, CHANGED)
