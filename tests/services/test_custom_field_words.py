"""Custom fields in people's words (issue 15, item 13): a type is "Yes/No" or "Whole number",
not "Boolean" or "Integer", and a choice field's choices read "Basic, Advanced", not the stored
``["Basic", "Advanced"]``."""

from __future__ import annotations

from cpe_desktop.services import custom_fields
from cpe_desktop.services.tables import paging as tables
from cpe_desktop.services.tables.admin_specs import CUSTOM_FIELDS


def test_the_custom_fields_table_names_types_and_choices_in_words(people):
    for name, kind, options in (
        ("Level", "choice", ["Basic", "Advanced"]),
        ("Reviewed", "boolean", None),
        ("Pages", "integer", None),
        ("Cost", "decimal", None),
    ):
        custom_fields.define_field(
            people.as_admin,
            {"entity": "record", "field_name": name, "field_type": kind, "options": options},
        )
    columns = tables.columns_for(CUSTOM_FIELDS, people.as_admin)
    shown = {}
    for _pk, values in tables.fetch_page(CUSTOM_FIELDS, people.as_admin, columns=columns):
        cells = {
            column.key: tables.format_value(column, value)
            for column, value in zip(columns, values, strict=True)
        }
        shown[cells["field_name"]] = (cells["entity"], cells["field_type"], cells["options"])
    assert shown == {
        "Level": ("CPE record", "One of a list", "Basic, Advanced"),
        "Reviewed": ("CPE record", "Yes/No", ""),
        "Pages": ("CPE record", "Whole number", ""),
        "Cost": ("CPE record", "Number (decimals allowed)", ""),
    }


def test_the_custom_field_form_offers_types_in_words():
    from cpe_desktop.services.editing.entities import FORM_SPECS

    offered = dict(FORM_SPECS["custom_field"].field("field_type").choices)
    assert offered["boolean"] == "Yes/No" and offered["integer"] == "Whole number"
    assert set(offered) == set(custom_fields.FIELD_TYPES)
    applies_to = dict(FORM_SPECS["custom_field"].field("entity").choices)
    assert applies_to == {
        "user": "Person",
        "credential": "Credential type",
        "license": "License",
        "record": "CPE record",
    }
