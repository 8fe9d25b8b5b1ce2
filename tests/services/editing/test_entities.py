"""The entity registry (services/editing/entities.py) is complete: every table a person works with
is either declared there, with everything the tabs, forms, savers and deleters need, or said not to
be edited, with the reason; the older per-module mappings are derived from it."""

from __future__ import annotations

import datetime as dt
import inspect

import pytest

from cpe_desktop.db.models import ALL_MODELS
from cpe_desktop.services import custom_fields
from cpe_desktop.services.editing import deleting, entities
from cpe_desktop.services.editing import saving as editing
from cpe_desktop.services.tables import paging as tables


def test_every_table_is_declared_or_said_not_to_be_edited():
    declared = {e.model._meta.table_name for e in entities.ENTITIES}
    not_edited = set(entities.NOT_EDITED)
    every = {model._meta.table_name for model in ALL_MODELS}
    assert declared | not_edited == every
    assert not declared & not_edited
    assert all(reason.strip() for reason in entities.NOT_EDITED.values())


def test_each_entity_names_its_table_view_model_words_and_services():
    for entity in entities.ENTITIES:
        spec = tables.spec(entity.table)  # a table view lists it
        assert spec.model is entity.model, entity.name
        assert entity.one and entity.several and entity.one != entity.several
        assert callable(entity.describe) and callable(entity.delete)
        if entity.editable:
            create = inspect.signature(entity.create).parameters
            update = inspect.signature(entity.update).parameters
            assert len(create) == 2 and len(update) == 3, entity.name
            assert "row_version" in entity.model._meta.fields  # forms save on a version
    assert {e.name for e in entities.ENTITIES if e.custom_fields} == set(custom_fields.ENTITIES)


def test_the_older_mappings_follow_the_registry():
    editable = {e.name for e in entities.EDITABLE}
    assert set(editing.SAVERS) == set(editing.MODELS) == editable
    assert {e.table for e in entities.ENTITIES} == deleting.DELETABLE
    assert set(editing.CUSTOMIZABLE) == set(custom_fields.ENTITIES)


HAND_MADE_FORMS = {"record"}  # ui/forms/record_form.py (the certificate, the credit grid)


def test_every_editable_entity_names_how_its_form_opens_and_what_it_shows():
    for entity in entities.EDITABLE:
        assert entity.loader is not None, entity.name
        if entity.name in HAND_MADE_FORMS:
            assert entity.form is None, entity.name
        else:
            assert entity.form is not None and entity.form.entity == entity.name, entity.name
    assert not any(e.loader or e.form for e in entities.ENTITIES if not e.editable)
    assert set(entities.FORM_SPECS) == {e.name for e in entities.EDITABLE} - HAND_MADE_FORMS


def test_an_edit_form_opens_with_the_stored_values_and_version(people):
    """Every loader, through the one entry point a form uses (``saving.load_entity``)."""
    from cpe_desktop.services import reminders

    made = reminders.create_reminder(
        people.as_ann,
        {"message": "Renew", "frequency": "once", "next_reminder": "2027-01-02T09:00"},
    ).value
    values = editing.load_entity(people.as_ann, "reminder", made.reminder_id)
    assert values["message"] == "Renew"
    assert values[editing.VERSION_KEY] == made.row_version


def test_a_form_of_plain_columns_opens_with_each_inputs_column_and_the_services_check(people):
    """A reminder's form keys are its columns: the registry names ``reminders.get_reminder`` and
    the loader reads each input's column of its row, so it needs no loader function of its own;
    ``get`` is also what refuses another member's reminder."""
    from cpe_desktop.services import licenses, reminders
    from cpe_desktop.services.errors import PermissionDenied

    lic = licenses.create_license(people.as_ann, {"credential": "CPA", "jurisdiction": "Ohio"})
    data = {
        "message": "Ethics before June",
        "frequency": "every_n_days",
        "interval_days": 3,
        "next_reminder": "2026-07-01T10:00",
        "license_id": lic.value.license_id,
        "active": False,
    }
    made = reminders.create_reminder(people.as_ann, data).value
    values = editing.load_entity(people.as_ann, "reminder", made.reminder_id)
    assert {key: values[key] for key in data} == data | {
        "next_reminder": dt.datetime(2026, 7, 1, 10, 0),
    }
    assert values["user_id"] == people.ann.user_id
    with pytest.raises(PermissionDenied):
        editing.load_entity(people.as_bob, "reminder", made.reminder_id)


def test_every_entity_has_its_audit_words_and_what_other_desks_refresh():
    """The audit log names items by the entity's singular name: the Audit Log view shows it in
    words (``tables/words.item_words``: the entity's noun, unless ``ITEM_WORDS`` says otherwise)
    and other desks refresh only the views of its kind (``desks/live_changes.item_kinds``: its
    table's kind; an unknown name refreshes every view)."""
    from cpe_desktop.services.desks import live_changes
    from cpe_desktop.services.tables import words

    for entity in entities.ENTITIES:
        said = words.item_words(entity.name)
        assert said == words.ITEM_WORDS.get(entity.name, entity.one[:1].upper() + entity.one[1:])
        kinds = live_changes.item_kinds()[entity.name]
        assert kinds <= tables.spec(entity.table).kinds, entity.name
    assert words.item_words("user") == "Person"  # the entity's noun
    assert words.item_words("record") == "CPE record"  # ITEM_WORDS says otherwise
    assert words.item_words("attachment") == "Certificate"
    assert words.item_words("example_item") == "Example item"  # not declared: as words


def test_deleting_a_person_refreshes_every_view_of_what_was_theirs():
    """A person's rows go with them (ON DELETE CASCADE), or lose their person (SET NULL); the
    deletion's Outcome must name the kinds of every view that listed such rows, or those views
    keep showing them. ``users._CASCADE`` follows from the models' foreign keys."""
    from cpe_desktop.db.models import User
    from cpe_desktop.services import changes, users

    cascaded = users._CASCADE.kinds
    for model in ALL_MODELS:
        owned = [
            f
            for f in model._meta.refs
            if f.rel_model is User and getattr(f, "on_delete", None) in ("CASCADE", "SET NULL")
        ]
        if not owned:
            continue
        kind = changes.TABLE_KINDS[model._meta.table_name]
        assert kind in cascaded, model._meta.table_name
        assert kind in tables.spec(model._meta.table_name).kinds, model._meta.table_name
    # Nothing that stays: credential types and requirement rules are the firm's, not a person's.
    assert not cascaded & {changes.CREDENTIALS, changes.REQUIREMENTS}


def test_a_delete_confirmation_is_worded_from_the_registry(people):
    from cpe_desktop.services import records

    made = records.create_record(
        people.as_ann,
        {
            "title": "Tax update",
            "completed_on": "2026-03-02",
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "4"}],
        },
    ).value
    question = deleting.question("records", [made.record_id])
    assert question.startswith("Delete the record “Tax update” (")
