"""The Administration table of requirement components says attributes and field groups in words
(its words are read from the rules' component module when first needed, issue 18)."""

from __future__ import annotations

from cpe_desktop.rules.component_facts import ATTRIBUTE_LABELS
from cpe_desktop.services.tables.admin_specs import REQUIREMENT_COMPONENTS


def _show(key: str):
    column = next(c for c in REQUIREMENT_COMPONENTS.columns if c.key == key)
    assert column.show is not None
    return column.show


def test_an_attribute_is_said_by_its_label_and_an_unknown_one_in_plain_words() -> None:
    show = _show("applies_if")
    assert show("performs_attest") == ATTRIBUTE_LABELS["performs_attest"]
    assert show("sits_on_boards") == "sits on boards"


def test_field_groups_are_said_in_words() -> None:
    show = _show("fields")
    assert show("technical, Taxes") == "All technical, Taxes"
    assert show("non_technical") == "All non-technical"
    assert show("") == ""
