"""The one declaration of a requirement rule's fields (rules/rule_fields.py) agrees with Rule."""

from __future__ import annotations

import dataclasses

from cpe_desktop.rules.facts import Rule
from cpe_desktop.rules.rule_fields import BY_NAME, NOT_COLUMNS, RENAMED_COLUMNS, RULE_FIELDS


def test_every_rule_field_is_declared_once():
    names = [field.name for field in RULE_FIELDS]
    assert len(names) == len(set(names))
    assert set(names) == {f.name for f in dataclasses.fields(Rule)} - set(NOT_COLUMNS)
    assert set(BY_NAME) == set(names)


def test_null_reads_as_the_rules_own_default():
    defaults = {f.name: f.default for f in dataclasses.fields(Rule)}
    for field in RULE_FIELDS:
        if field.required:
            assert defaults[field.name] is dataclasses.MISSING
        else:
            assert field.null_reads_as == defaults[field.name], field.name


def test_only_the_three_old_columns_have_other_names():
    assert RENAMED_COLUMNS == {
        "total_hours": "total_credits_required",
        "ethics_hours": "ethics_credits_required",
        "period_years": "reporting_period_years",
    }
