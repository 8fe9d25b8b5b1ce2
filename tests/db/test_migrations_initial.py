"""Step 1 (schema 1) creates a fixed list of tables: a model added to ``db/models.py`` later is
created by the step that adds it, and never changes what step 1 creates."""

from __future__ import annotations

import importlib

import peewee

from cpe_desktop.db import models
from cpe_desktop.db.migrations import STEPS, m0001_initial, migrate


def _tables(db: peewee.Database) -> set[str]:
    return set(db.get_tables()) - {models.SchemaVersion._meta.table_name}


def test_step_1_creates_the_schema_1_tables_referenced_ones_first(empty_db):
    migrate(empty_db, STEPS[:1])
    assert _tables(empty_db) == set(m0001_initial.SCHEMA_1_TABLES)
    assert len(m0001_initial.SCHEMA_1_TABLES) == 17
    seen: set[str] = set()
    for model in m0001_initial.SCHEMA_1_MODELS:
        for field in model._meta.refs:
            assert field.rel_model._meta.table_name in seen, (model, field.name)
        seen.add(model._meta.table_name)
    # The tables later steps add are not there yet.
    assert not {"requirement_components", "app_meta", "audit_chain_head"} & _tables(empty_db)


class ExampleItem(models.BaseModel):
    """A throwaway table, as a newcomer would add one to ``db/models.py``."""

    example_item_id = peewee.AutoField()
    user = peewee.ForeignKeyField(models.User, column_name="user_id", on_delete="CASCADE")
    title = peewee.CharField()

    class Meta:
        table_name = "example_items"


def _schema(db: peewee.Database) -> list[tuple]:
    sql = "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY rowid"
    return db.execute_sql(sql).fetchall()


def test_a_new_model_does_not_change_what_step_1_creates(tmp_path, monkeypatch):
    before = peewee.SqliteDatabase(str(tmp_path / "before.db"))
    after = peewee.SqliteDatabase(str(tmp_path / "after.db"))
    m0001_initial.apply(before)
    # A newcomer adds a model to ALL_MODELS (and so to EVERY_MODEL), and nothing else.
    monkeypatch.setattr(models, "ALL_MODELS", (*models.ALL_MODELS, ExampleItem))
    monkeypatch.setattr(models, "EVERY_MODEL", (*models.EVERY_MODEL, ExampleItem))
    try:
        importlib.reload(m0001_initial).apply(after)
    finally:
        monkeypatch.undo()
        importlib.reload(m0001_initial)
    assert "example_items" not in after.get_tables()
    assert _schema(after) == _schema(before)  # the same tables, columns and indexes, in order
    assert len(_schema(before)) > 17
    before.close()
    after.close()
