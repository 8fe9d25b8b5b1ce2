"""Requirement components (ARCHITECTURE.md §4): the rules boards write beyond one total and one
ethics figure, as plain data the engine reads and returns.

A requirement's headline numbers (total, ethics, technical minimum, annual minimum, three caps)
are the seed table's columns; everything else a board asks is a ``Component``:

- ``min``: at least ``hours`` (or ``pct`` of the total) from credits matching ``fields`` (field
  names or the groups in ``FIELD_GROUPS``) and/or ``delivery`` (methods or ``DELIVERY_GROUPS``):
  Florida's 8 hours of accounting and auditing, California's 12 technical hours each year, a
  live-hours minimum.
- ``max``: credits matching ``fields``/``delivery`` above ``hours`` (and/or ``pct`` of the total,
  the lower wins) do not count; the result says how many were dropped.
- ``ethics_state_specific``: at least ``hours`` of the ethics must carry the license's
  jurisdiction (Georgia: 1 of 4); the rest of the ethics may be any ethics.
- ``course``: at least ``hours`` of records tagged with ``topic`` within ``cycle_years`` (or the
  period): California's Regulatory Review every 6 years, Illinois' sexual-harassment hour.
- ``credit_factor``: credits matching ``delivery``/``fields`` count at ``factor``.

``scope``: ``period`` (the reporting period), ``year`` (each year of the period, judged once
ended) or ``cycle`` (the ``cycle_years`` ending with the period). ``applies_if`` names a license
attribute the holder ticks ("performs_attest"); ``alternative`` puts the component in a named
group: the requirement holds when every component outside groups holds and every component of at
least one group holds (New York: 40 hours, or 24 in one recognised subject).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from cpe_desktop.rules.fields import (
    ACCOUNTING,
    ACCOUNTING_GOVERNMENTAL,
    AUDITING,
    AUDITING_GOVERNMENTAL,
    DELIVERY_METHODS,
    ETHICS_FIELDS,
    FIELDS_OF_STUDY,
    GROUP_INTERNET_BASED,
    GROUP_LIVE,
    NON_TECHNICAL_FIELDS,
    SELF_STUDY_METHODS,
    TECHNICAL_FIELDS,
)

COMPONENT_KINDS: tuple[str, ...] = (
    "min",
    "max",
    "ethics_state_specific",
    "course",
    "credit_factor",
)
SCOPES: tuple[str, ...] = ("period", "year", "cycle")
FIELD_GROUPS: dict[str, tuple[str, ...]] = {
    "technical": TECHNICAL_FIELDS,
    "non_technical": NON_TECHNICAL_FIELDS,
    "ethics": ETHICS_FIELDS,
    "accounting_auditing": (ACCOUNTING, ACCOUNTING_GOVERNMENTAL, AUDITING, AUDITING_GOVERNMENTAL),
}
# "live": in real time with an instructor (classroom or interactive webinar).
DELIVERY_GROUPS: dict[str, tuple[str, ...]] = {
    "live": (GROUP_LIVE, GROUP_INTERNET_BASED),
    "self_study": SELF_STUDY_METHODS,
}
# Attributes of a license that components may depend on, with the words the license form uses.
ATTRIBUTE_LABELS: dict[str, str] = {
    "performs_attest": "I perform attest work (audits, reviews, compilations)",
    "government_audits": "I perform government audits (Yellow Book)",
    "public_accounting": "I work in public accounting",
    "tax_practice": "I practise tax (prepare returns or give tax advice)",
    "teaches_cpe": "I teach CPE courses or write CPE material",
}
GROUP_WORDS: dict[str, str] = {
    "technical": "technical",
    "non_technical": "non-technical",
    "ethics": "ethics",
    "accounting_auditing": "accounting and auditing",
    "live": "live",
    "self_study": "self-study",
}


def _hours(value: object, name: str) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0 or number > 1000:
        raise ValueError(f"{name} must be a number from 0 to 1000, not {value!r}")
    return number


def _names(
    value: object, name: str, known: tuple[str, ...], groups: dict[str, Any]
) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str) or not isinstance(value, list | tuple):
        raise TypeError(f"{name} must be a list of names")
    found = []
    for item in value:
        if not isinstance(item, str) or (item not in known and item not in groups):
            choices = ", ".join((*groups, *known))
            raise ValueError(f"{name}: {item!r} is not one of {choices}")
        found.append(item)
    return tuple(found)


@dataclass(frozen=True)
class Component:
    """One component of a requirement (see the module docstring). Hours may be given as any
    number and are stored as Decimal; ``fields``/``delivery`` as lists or tuples of names."""

    kind: str
    hours: Decimal | None = None
    pct: Decimal | None = None
    fields: tuple[str, ...] = ()
    delivery: tuple[str, ...] = ()
    scope: str = "period"
    cycle_years: int | None = None
    topic: str | None = None
    factor: Decimal | None = None
    applies_if: str | None = None
    alternative: str | None = None
    label: str = ""
    source: str = ""
    notes: str = ""

    def __post_init__(self) -> None:
        if self.kind not in COMPONENT_KINDS:
            raise ValueError(f"kind must be one of {', '.join(COMPONENT_KINDS)}, not {self.kind!r}")
        if self.scope not in SCOPES:
            raise ValueError(f"scope must be one of {', '.join(SCOPES)}, not {self.scope!r}")
        for name in ("hours", "pct", "factor"):
            object.__setattr__(self, name, _hours(getattr(self, name), name))
        fields = _names(self.fields, "fields", FIELDS_OF_STUDY, FIELD_GROUPS)
        delivery = _names(self.delivery, "delivery", DELIVERY_METHODS, DELIVERY_GROUPS)
        object.__setattr__(self, "fields", fields)
        object.__setattr__(self, "delivery", delivery)
        years = self.cycle_years
        if years is not None and (isinstance(years, bool) or not isinstance(years, int)):
            raise TypeError("cycle_years must be a whole number of years")
        if years is not None and not 1 <= years <= 20:
            raise ValueError(f"cycle_years must be 1 to 20, not {years}")
        if self.scope == "cycle" and years is None:
            raise ValueError("cycle_years is needed when scope is cycle")
        for name in ("topic", "applies_if", "alternative", "label", "source", "notes"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, str):
                raise TypeError(f"{name} must be text")
        needs_hours = self.kind in ("min", "ethics_state_specific", "course")
        if needs_hours and self.hours is None and not (self.kind == "min" and self.pct is not None):
            raise ValueError(f"a {self.kind} component needs hours")
        if self.kind == "max" and self.hours is None and self.pct is None:
            raise ValueError("a max component needs hours or pct")
        if self.kind == "course" and not self.topic:
            raise ValueError("a course component needs its topic")
        if self.kind == "credit_factor" and (self.factor is None or self.factor > 1):
            raise ValueError("a credit_factor component needs a factor from 0 to 1")
        if self.kind == "credit_factor" and not (self.fields or self.delivery):
            raise ValueError("a credit_factor component needs fields or delivery")

    def as_dict(self) -> dict[str, Any]:
        """The component as its JSON object (a requirement's ``components`` in the JSON format);
        defaults left out."""
        out: dict[str, Any] = {"kind": self.kind}
        for name in ("hours", "pct", "factor"):
            value = getattr(self, name)
            if value is not None:
                out[name] = int(value) if value == value.to_integral_value() else float(value)
        for name in ("fields", "delivery"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.scope != "period":
            out["scope"] = self.scope
        for name in ("cycle_years", "topic", "applies_if", "alternative"):
            if getattr(self, name) is not None:
                out[name] = getattr(self, name)
        for name in ("label", "source", "notes"):
            if getattr(self, name):
                out[name] = getattr(self, name)
        return out


COMPONENT_KEYS: tuple[str, ...] = (
    "kind",
    "hours",
    "pct",
    "fields",
    "delivery",
    "scope",
    "cycle_years",
    "topic",
    "factor",
    "applies_if",
    "alternative",
    "label",
    "source",
    "notes",
)


def component_from_dict(data: dict[str, Any]) -> Component:
    """A component from its JSON object; ValueError/TypeError name the key at fault."""
    unknown = sorted(set(data) - set(COMPONENT_KEYS))
    if unknown:
        raise ValueError(f"unknown key {unknown[0]!r}; a component has {', '.join(COMPONENT_KEYS)}")
    values = {key: data[key] for key in COMPONENT_KEYS if data.get(key) is not None}
    for name in ("label", "source", "notes"):
        values.setdefault(name, "")
    return Component(**values)


_ZERO = Decimal(0)  # (what ``missing`` gives for nothing missing; one for every call)


@dataclass(frozen=True)
class ComponentResult:
    """One applicable component as judged for a license (an entry of ``status --json``
    ``components``).

    ``required`` is the hours a ``min``/``course``/``ethics_state_specific`` asks, or a ``max``'s
    limit; ``counted`` what counts toward it; ``dropped`` what a ``max`` kept from counting.
    ``met`` is None until a year-scope window has ended. ``alternative`` is the component's
    group and ``chosen`` whether that group is the one met. ``window_*`` is where it counted.
    Entries with ``headline`` set mirror the rule's headline figures.
    """

    kind: str
    label: str
    required: Decimal | None
    counted: Decimal
    dropped: Decimal
    met: bool | None
    window_start: date
    window_end: date
    alternative: str | None = None
    chosen: bool = False
    source: str = ""
    notes: str = ""
    # True for the entries that mirror the headline figures (total, ethics, technical, annual
    # minimum), so a view can show them as it always has and list the rest apart.
    headline: bool = False
    # What the hours are, for a sentence: "accounting and auditing", "Georgia ethics", "live".
    what: str = ""

    @property
    def missing(self) -> Decimal:
        """Hours still missing toward a minimum (0 for caps and factors)."""
        if self.kind in ("max", "credit_factor") or self.required is None:
            return _ZERO
        return max(_ZERO, self.required - self.counted)


__all__ = [
    "ATTRIBUTE_LABELS",
    "COMPONENT_KEYS",
    "COMPONENT_KINDS",
    "DELIVERY_GROUPS",
    "FIELD_GROUPS",
    "GROUP_WORDS",
    "SCOPES",
    "Component",
    "ComponentResult",
    "component_from_dict",
]
