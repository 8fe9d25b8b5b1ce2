"""The shared tests' sample rows (``tests/helpers/samples.py``) are made from each kind's form, so
a table added later is covered by the table, form and permission tests without a hand-written row.
These tests hold that promise for every kind the registry edits today."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import User
from cpe_desktop.services.editing import entities, saving
from cpe_desktop.services.tables import paging
from tests.helpers import samples

EDITED = sorted(entity.name for entity in entities.ENTITIES if entity.editable)


@pytest.mark.parametrize("entity", EDITED)
def test_every_edited_kind_gets_a_sample_from_its_form(people, entity):
    declared = entities.BY_NAME[entity]
    before = declared.model.select().count()
    pk = samples.add_sample(entity, people.as_admin, people.ann)
    assert declared.model.select().count() == before + 1
    # the sample opens in its edit form as stored: the loader reads it back
    assert saving.load_entity(people.as_admin, entity, pk)


@pytest.mark.parametrize("entity", EDITED)
def test_owned_samples_belong_to_the_owner_the_members_see(people, entity):
    declared = entities.BY_NAME[entity]
    spec = paging.SPECS[declared.table]
    pk = samples.add_sample(entity, people.as_admin, people.bob)
    page = [key for key, _ in paging.fetch_page(spec, people.as_admin, offset=0, limit=1000)]
    assert pk in page
    owned = spec.owner is not None and spec.owner.model is not User  # a person owns themselves
    if owned and not spec.admin_only:
        bobs = [key for key, _ in paging.fetch_page(spec, people.as_bob, offset=0, limit=1000)]
        anns = [key for key, _ in paging.fetch_page(spec, people.as_ann, offset=0, limit=1000)]
        assert pk in bobs and pk not in anns


def test_filling_leaves_filled_tables_alone_and_fills_empty_ones(people):
    """A database with no licenses or reminders gets both (Ann's and Bob's); the people, the
    credentials and the rules already there get nothing more."""
    users_before = entities.BY_NAME["user"].model.select().count()
    made = samples.fill_empty_tables(people)
    assert {"license", "reminder", "custom_field"} <= set(made)
    assert "user" not in made and "credential" not in made and "requirement" not in made
    assert entities.BY_NAME["user"].model.select().count() == users_before
    lic = entities.BY_NAME["license"].model
    assert {row.user_id for row in lic.select()} >= {people.ann.user_id, people.bob.user_id}
    assert samples.fill_empty_tables(people) == []
