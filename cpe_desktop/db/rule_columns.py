"""A ``state_requirements`` row's columns as the engine's ``Rule`` (ARCHITECTURE.md §2).

One pure conversion shared by the compliance service (``services.compliance.rule_of``) and the
schema 4 migration step, which must not import services. It takes a mapping of column names
(a model instance's ``__data__``, or the dictionary a migration builds from its own small models)
so neither needs the other's models. NULL columns read as the rule's defaults (ARCHITECTURE.md §4):
``period_basis`` calendar, ``first_period`` full, ``carryover_scope`` period, ``reciprocity``
none, ``cycle_parity_offset`` 0; ``first_period_table`` is a JSON list of hours kept as text.
Which columns those are, the field of ``Rule`` each fills and what its NULL reads as all come
from the one declaration, ``rules/rule_fields.RULE_FIELDS``.

A requirement's components (ARCHITECTURE.md §4, table ``requirement_components``) come as a second
argument: their rows' column mappings, put in ``position`` order here; ``fields`` and
``delivery`` are JSON lists kept as text.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from cpe_desktop.rules.component_facts import Component
from cpe_desktop.rules.facts import Rule
from cpe_desktop.rules.rule_fields import RULE_FIELDS

# The rule's columns, derived from the one declaration of its fields (rules/rule_fields.py).
RULE_COLUMNS = tuple(field.column for field in RULE_FIELDS)


def table_of(text: Any) -> tuple[Decimal, ...]:
    """``first_period_table`` text (a JSON list of numbers) as hours; NULL or empty: ()."""
    if text is None or text == "":
        return ()
    values = text if isinstance(text, list | tuple) else json.loads(text, parse_float=Decimal)
    if not isinstance(values, list | tuple):
        raise ValueError("first_period_table must be a JSON list of hours")
    return tuple(Decimal(str(value)) for value in values)


def table_text(values: Any) -> str | None:
    """Hours as the ``first_period_table`` column's JSON text; none: NULL."""
    if not values:
        return None
    numbers = []
    for value in values:
        number = Decimal(str(value))
        numbers.append(int(number) if number == number.to_integral_value() else float(number))
    return json.dumps(numbers)


# requirement_components columns that are the Component's own fields under the same name.
_COMPONENT_SAME = (
    "kind",
    "hours",
    "pct",
    "cycle_years",
    "topic",
    "factor",
    "applies_if",
    "alternative",
)


def names_of(text: Any) -> tuple[str, ...]:
    """A ``fields``/``delivery``/``topics``/``attributes`` column (a JSON list of names kept as
    text) as a tuple; NULL or empty: ()."""
    if text is None or text == "":
        return ()
    values = text if isinstance(text, list | tuple) else json.loads(text)
    if not isinstance(values, list | tuple) or not all(isinstance(v, str) for v in values):
        raise ValueError("expected a JSON list of names")
    return tuple(values)


def names_text(values: Any) -> str | None:
    """Names as a column's JSON text; none: NULL."""
    if not values:
        return None
    return json.dumps(list(values), ensure_ascii=False)


def component_from_columns(row: Mapping[str, Any]) -> Component:
    """One ``requirement_components`` row's columns as the engine's Component."""
    values: dict[str, Any] = {name: row.get(name) for name in _COMPONENT_SAME}
    return Component(
        **values,
        fields=names_of(row.get("fields")),
        delivery=names_of(row.get("delivery")),
        scope=row.get("scope") or "period",
        label=row.get("label") or "",
        source=row.get("source") or "",
        notes=row.get("notes") or "",
    )


def component_columns(component: Component) -> dict[str, Any]:
    """The column values (without requirement, position and timestamps) storing a Component."""
    values: dict[str, Any] = {name: getattr(component, name) for name in _COMPONENT_SAME}
    values["fields"] = names_text(component.fields)
    values["delivery"] = names_text(component.delivery)
    values["scope"] = None if component.scope == "period" else component.scope
    for name in ("label", "source", "notes"):
        values[name] = getattr(component, name) or None
    return values


def rule_from_columns(row: Mapping[str, Any], components: Iterable[Mapping[str, Any]] = ()) -> Rule:
    """The engine's Rule for one row's columns and its component rows' columns (any order:
    ``position`` decides); raises ValueError/TypeError for values the engine cannot use (an
    unknown anchor, a prorated first period without its parameters, a broken component)."""
    values: dict[str, Any] = {}
    for field in RULE_FIELDS:
        found = row[field.column] if field.required else row.get(field.column)
        if field.kind == "flag":
            found = bool(found)
        elif field.kind == "table":
            found = table_of(found)
        elif found is None:
            found = field.null_reads_as
        values[field.name] = found
    parity = values["cycle_parity_offset"]
    if isinstance(parity, bool) or not isinstance(parity, int):
        values["cycle_parity_offset"] = int(parity)
    return Rule(
        **values,
        components=tuple(
            component_from_columns(part)
            for part in sorted(components, key=lambda part: part.get("position") or 0)
        ),
    )


def rows_in_force(rows: Iterable[Any], as_of: date) -> dict[tuple[int, str], Any]:
    """(credential_id, state_name) -> the row with the latest ``effective_from`` not after
    ``as_of`` (a row without one is the oldest); rows are any objects with those attributes."""
    chosen: dict[tuple[int, str], Any] = {}
    for row in rows:
        if row.effective_from is not None and row.effective_from > as_of:
            continue
        key = (row.credential_id, row.state_name)
        current = chosen.get(key)
        if current is None or (row.effective_from or date.min) > (
            current.effective_from or date.min
        ):
            chosen[key] = row
    return chosen
