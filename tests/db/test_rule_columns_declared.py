"""Each declared rule field (rules/rule_fields.py) is a state_requirements column, is read into
its Rule field by db/rule_columns.py, and is an interchange key of services/requirements.py."""

from __future__ import annotations

from decimal import Decimal

from cpe_desktop.db.models import StateRequirement
from cpe_desktop.db.rule_columns import RULE_COLUMNS, rule_from_columns
from cpe_desktop.rules.facts import Rule
from cpe_desktop.rules.rule_fields import RULE_FIELDS
from cpe_desktop.services import requirements


def test_every_declared_column_is_in_the_table():
    columns = set(StateRequirement._meta.columns)
    assert set(RULE_COLUMNS) <= columns
    assert tuple(field.column for field in RULE_FIELDS) == RULE_COLUMNS


def test_a_row_of_nulls_is_the_rule_of_defaults():
    assert rule_from_columns({"reporting_period_years": 3}) == Rule(period_years=3)


def test_each_column_fills_its_rule_field():
    row = {
        "reporting_period_years": 3,
        "total_credits_required": 120,
        "ethics_credits_required": 4,
        "max_nano_pct": Decimal("25"),
        "period_basis": "fiscal",
        "period_start_month": 7,
    }
    rule = rule_from_columns(row)
    assert (rule.period_years, rule.total_hours, rule.ethics_hours) == (3, 120, 4)
    assert (rule.max_nano_pct, rule.period_basis, rule.period_start_month) == (25, "fiscal", 7)


def test_the_interchange_keys_and_columns_come_from_the_declaration(seeded):
    assert (
        "credential",
        "jurisdiction",
        *(f.name for f in RULE_FIELDS if not f.period),
        "source",
        "verified_on",
        "notes",
        *(f.name for f in RULE_FIELDS if f.period),
    ) == requirements.ALL_KEYS
    model_fields = set(StateRequirement._meta.fields)
    for field in RULE_FIELDS:
        assert requirements._RENAMED.get(field.name, field.name) == field.column
        assert field.column in model_fields  # peewee field names are the column names here
    values = requirements.validate(
        {"credential": "CPA", "jurisdiction": "Texas", "period_years": 3, "total_hours": 120}
    )
    assert values["total_credits_required"] == 120
    assert values["reporting_period_years"] == 3
