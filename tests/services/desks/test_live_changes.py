"""What one desk tells the others: the kinds of data its audit entries name, never echoed back
to itself; on SQLite, the file's data_version moving when another connection commits."""

from __future__ import annotations

import json

from cpe_desktop.db.database import make_database
from cpe_desktop.services import changes as k
from cpe_desktop.services.desks import live_changes


def test_kinds_follow_the_audit_entries_items():
    assert live_changes.kinds_of(["record"]) == {k.RECORDS, k.AUDIT}
    assert live_changes.kinds_of(["attachment", "license"]) == {
        k.ATTACHMENTS,
        k.RECORDS,
        k.LICENSES,
        k.AUDIT,
    }
    assert live_changes.kinds_of(["something new"]) == k.ALL_KINDS  # unknown: refresh it all


def test_an_entitys_item_changes_its_tables_kind_and_its_view_refreshes_on_it():
    """The registry's entities need no list of their own here: the kind is their table's."""
    from cpe_desktop.services.editing import entities
    from cpe_desktop.services.tables import paging

    known = live_changes.item_kinds()
    for entity in entities.ENTITIES:
        assert live_changes.kinds_of([entity.name]) == {
            k.TABLE_KINDS[entity.model._meta.table_name],
            k.AUDIT,
        }, entity.name
        assert known[entity.name] <= paging.spec(entity.table).kinds, entity.name
    # The other items are not entities (an entity's name is never answered by the hand list).
    assert not set(live_changes.OTHER_ITEM_KINDS) & {e.name for e in entities.ENTITIES}
    assert known["shipped_requirements"] == {k.REQUIREMENTS, k.CREDENTIALS}  # not an entity


def test_a_notice_from_this_desk_or_not_ours_is_ignored():
    theirs = json.dumps({"desk": "other", "kinds": ["records", "audit", "bogus"]})
    assert live_changes.read_payload(theirs) == {k.RECORDS, k.AUDIT}
    mine = json.dumps({"desk": live_changes.DESK_ID, "kinds": ["records"]})
    assert live_changes.read_payload(mine) is None
    assert live_changes.read_payload("not json") is None
    assert live_changes.read_payload(json.dumps({"desk": "other", "kinds": []})) is None


def test_sqlite_data_version_moves_when_another_connection_commits(tmp_path):
    path = str(tmp_path / "shared.db")
    mine, other = make_database(path), make_database(path)
    mine.connect()
    other.connect()
    try:
        other.execute_sql("CREATE TABLE t (x INTEGER)")
        before = live_changes.data_version(mine)
        mine.execute_sql("INSERT INTO t VALUES (1)")  # this connection's own commit
        assert live_changes.data_version(mine) == before
        other.execute_sql("INSERT INTO t VALUES (2)")
        assert live_changes.data_version(mine) != before
    finally:
        mine.close()
        other.close()
