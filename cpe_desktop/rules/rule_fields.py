"""The one list of a requirement rule's fields, and the names each goes by.

A field of ``Rule`` (``rules/facts.py``) is called by the same name in the interchange (the JSON
format, ``resources/requirements/requirements.json``, the requirement form) and, except for three
that were named before the engine existed, in the ``state_requirements`` table:

- ``total_hours``: column ``total_credits_required`` (whole hours),
- ``ethics_hours``: column ``ethics_credits_required`` (whole hours),
- ``period_years``: column ``reporting_period_years`` (years).

The columns keep their names (renaming them would need a migration and break files already
written); :data:`RULE_FIELDS` maps them. Everything that lists the fields is derived from it: the
converter from a row (``db/rule_columns.py``), the interchange keys and their column names
(``services/requirements.py``: ``KEYS``, ``PERIOD_KEYS``, ``HOUR_CAPS``, ``PERCENT_CAPS``), and the
tests' builders (``tests/helpers/compliance_cases.py``,
``tests/db/test_requirements_data_file.py``).
Importing this module checks that the list and ``Rule``'s fields agree.

The order is the interchange's (the order of a requirement object's keys in an exported file and
of the requirement form's fields), not ``Rule``'s.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Literal

from cpe_desktop.rules.facts import Rule

FieldKind = Literal[
    "whole_hours",  # a whole number of hours (an INTEGER column); Decimal in the Rule
    "hours",  # hours, fractions allowed (a DECIMAL column)
    "percent",  # a percentage of total_hours
    "years",  # a whole number of years, at least 1
    "month",  # a month number, 1 to 12
    "year",  # a calendar year
    "count",  # another whole number (cycle_parity_offset 0 or 1, first_period_unit_months)
    "flag",  # true or false; NULL reads as false
    "choice",  # a word from a vocabulary
    "date",
    "table",  # a list of hours, kept as JSON text in its column
]
# Kinds whose values the Rule holds as Decimal, and kinds that are whole numbers.
DECIMAL_KINDS: tuple[FieldKind, ...] = ("whole_hours", "hours", "percent")
INTEGER_KINDS: tuple[FieldKind, ...] = ("years", "month", "year", "count")


@dataclass(frozen=True)
class RuleField:
    """One field of a requirement rule.

    ``name`` is the ``Rule`` attribute and the interchange key; ``column`` the
    ``state_requirements`` column (the same name unless given). ``period`` marks the keys added
    with schema 4 (ARCHITECTURE.md §4; ``services/requirements.PERIOD_KEYS``), which shipped data
    gives a user-edited row only while all of them are still empty. ``null_reads_as`` is the
    Rule's value for a NULL column or a JSON null. ``required``: the column is never NULL.
    """

    name: str
    kind: FieldKind
    column: str = ""
    period: bool = False
    null_reads_as: object = None
    required: bool = False

    def __post_init__(self) -> None:
        if not self.column:
            object.__setattr__(self, "column", self.name)


RULE_FIELDS: tuple[RuleField, ...] = (
    RuleField("total_hours", "whole_hours", column="total_credits_required"),
    RuleField("period_years", "years", column="reporting_period_years", required=True),
    RuleField("ethics_hours", "whole_hours", column="ethics_credits_required"),
    RuleField("annual_min_hours", "hours"),
    RuleField("ethics_period_years", "years"),
    RuleField("ethics_state_specific", "flag", null_reads_as=False),
    RuleField("period_basis", "choice", null_reads_as="calendar"),
    RuleField("period_start_month", "month"),
    RuleField("cycle_anchor_year", "year"),
    RuleField("max_self_study_hours", "hours"),
    RuleField("max_self_study_pct", "percent"),
    RuleField("max_nano_hours", "hours"),
    RuleField("max_nano_pct", "percent"),
    RuleField("max_non_technical_hours", "hours"),
    RuleField("max_non_technical_pct", "percent"),
    RuleField("technical_min_hours", "hours"),
    RuleField("carryover_max_hours", "hours"),
    RuleField("effective_from", "date"),
    RuleField("cycle_anchor", "choice", period=True),
    RuleField("cycle_parity_offset", "count", period=True, null_reads_as=0),
    RuleField("first_period", "choice", period=True, null_reads_as="full"),
    RuleField("first_period_hours_per_unit", "hours", period=True),
    RuleField("first_period_unit_months", "count", period=True),
    RuleField("first_period_counts_issue_month", "flag", period=True, null_reads_as=False),
    RuleField("first_period_ethics", "hours", period=True),
    RuleField("first_period_table", "table", period=True, null_reads_as=()),
    RuleField("carryover_scope", "choice", period=True, null_reads_as="period"),
    RuleField("reciprocity", "choice", period=True, null_reads_as="none"),
)
BY_NAME: dict[str, RuleField] = {field.name: field for field in RULE_FIELDS}
# Interchange key -> column, for the three whose names differ.
RENAMED_COLUMNS: dict[str, str] = {f.name: f.column for f in RULE_FIELDS if f.column != f.name}
# Rule fields that are not columns of state_requirements (their own table).
NOT_COLUMNS = ("components",)


def _check_against_rule() -> None:
    declared = [field.name for field in RULE_FIELDS]
    of_rule = {field.name for field in fields(Rule)} - set(NOT_COLUMNS)
    if len(set(declared)) != len(declared) or set(declared) != of_rule:
        raise RuntimeError(
            "RULE_FIELDS and Rule disagree: "
            f"{sorted(set(declared) ^ of_rule) or 'a field is declared twice'}"
        )


_check_against_rule()
