"""Schema 6: a database written by the schema-5 program gets its audit log chained, in id order,
with the head at its newest entry; the live verifier accepts the chain and later writes continue
it."""

from __future__ import annotations

import datetime as dt
import json

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.migrations import STEPS, current_version, latest_version, migrate
from cpe_desktop.db.models import AuditChainHead, AuditLog
from cpe_desktop.services import users
from cpe_desktop.services.audit import chain as audit_chain
from cpe_desktop.services.context import SYSTEM, ServiceContext


def _old_entry(db, user_id, action, entity, entity_id, before, after, when) -> None:
    """An entry as the schema-5 program wrote it (no chain columns yet)."""
    db.execute_sql(
        "INSERT INTO audit_logs (user_id, action, timestamp, details, entity, entity_id, "
        "before_json, after_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?)".replace("?", db.param),
        (
            user_id,
            action,
            when,
            None if user_id else "by the system",
            entity,
            entity_id,
            None if before is None else json.dumps(before, sort_keys=True),
            None if after is None else json.dumps(after, sort_keys=True),
        ),
    )


def test_schema_5_database_gets_a_valid_chain(empty_db):
    migrate(empty_db, STEPS[:5])
    assert current_version(empty_db) == 5
    empty_db.execute_sql(
        "INSERT INTO users (name, email, role, active, created_at, updated_at) "
        "VALUES (?, ?, ?, ?, ?, ?)".replace("?", empty_db.param),
        (
            "Ann",
            "ann@example.com",
            "member",
            True,
            dt.datetime(2025, 1, 1),
            dt.datetime(2025, 1, 1),
        ),
    )
    (ann,) = empty_db.execute_sql("SELECT user_id FROM users").fetchone()
    moment = dt.datetime(2025, 1, 1, 9, 0, 0, 123456)
    _old_entry(empty_db, None, "create user", "user", str(ann), None, {"name": "Ann"}, moment)
    _old_entry(empty_db, ann, "update user", "user", str(ann), {"name": "Ann"},
               {"name": "Ann B", "note": "\u00e9t\u00e9 \U0001f600"}, moment)  # fmt: skip
    _old_entry(empty_db, ann, "delete report", "report", "4", {"title": "x"}, None, moment)
    columns_before = [
        tuple(row)
        for row in empty_db.execute_sql(
            "SELECT log_id, user_id, action, after_json FROM audit_logs ORDER BY log_id"
        ).fetchall()
    ]

    result = migrate(empty_db)

    assert (result.from_version, result.to_version) == (5, latest_version())
    entries = list(AuditLog.select().order_by(AuditLog.log_id))
    assert [(e.log_id, e.user_id, e.action, e.after_json) for e in entries] == columns_before
    assert [e.actor_id for e in entries] == [None, ann, ann]
    assert entries[0].prev_hash is None
    assert [e.prev_hash for e in entries[1:]] == [e.entry_hash for e in entries[:-1]]
    head = AuditChainHead.get()
    assert (head.last_log_id, head.last_hash, head.entry_count, head.rebuilt_at) == (
        entries[-1].log_id,
        entries[-1].entry_hash,
        3,
        None,
    )
    report = audit_chain.verify()
    assert report.ok, [str(f) for f in report.findings]
    assert report.summary() == "Chain verified (3 entries); records and licenses match it."

    # The program's next writes continue the chain; deleting Ann blanks her entries' user_id.
    ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
    users.create_user(ctx, {"name": "Bob", "email": "bob@example.com"})
    users.delete_user(ctx, ann)
    assert AuditLog.get_by_id(entries[1].log_id).user_id is None
    report = audit_chain.verify()
    assert report.ok, [str(f) for f in report.findings]
    assert report.entries == 5 == AuditChainHead.get().entry_count


def test_empty_log_gets_an_empty_head(empty_db):
    migrate(empty_db)
    head = AuditChainHead.get()
    assert (head.last_log_id, head.last_hash, head.entry_count) == (None, None, 0)
    assert audit_chain.verify().summary() == (
        "Chain verified (0 entries); records and licenses match it."
    )
