"""The kinds of change (services/changes.py) follow from one declaration, each table's own kind:
every table people work with has one, its table view refreshes on it, and the kinds a view or an
Outcome may name are exactly the tables' kinds."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import ALL_MODELS
from cpe_desktop.services import changes as k
from cpe_desktop.services.tables import paging as tables


def test_every_table_has_its_own_kind_and_its_view_refreshes_on_it():
    assert set(k.TABLE_KINDS) == {model._meta.table_name for model in ALL_MODELS}
    for model in ALL_MODELS:
        table = model._meta.table_name
        assert k.TABLE_KINDS[table] in tables.spec(table).kinds, table


def test_every_kind_a_view_refreshes_on_is_a_tables_kind():
    for spec in tables.SPECS.values():
        assert spec.kinds <= k.ALL_KINDS, spec.name


def test_the_kinds_are_the_tables_kinds_and_no_others():
    assert frozenset(k.TABLE_KINDS.values()) == k.ALL_KINDS
    with pytest.raises(ValueError, match="unknown change kinds"):
        k.Changes.of(k.RECORDS, "example_items")
