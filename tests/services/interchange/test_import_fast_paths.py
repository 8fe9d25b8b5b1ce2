"""Issue 18's fifth pass over the import: each shortcut gives what the way it replaces gives.

The chain of a bulk write's entries linked with the shared text written once
(``trail.chain_alike`` against ``trail.chain``), and the rest of the pass's shortcuts, each held
to the plain way here. ``test_import_stored_rows.py`` holds the whole import to what it stored
before the pass.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cpe_desktop.db.models import database
from cpe_desktop.services.audit import trail as audit

_ENTRY_TEXT = st.one_of(
    st.none(),
    st.sampled_from(["create record", "by system", "record", '{"a": 1}']),
    st.text(max_size=8),
)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.tuples(
        st.one_of(st.none(), st.integers(1, 5), st.booleans()),
        _ENTRY_TEXT,
        st.sampled_from([dt.datetime(2026, 6, 15, 9, 30), "2026-06-15 09:30:00", None]),
        _ENTRY_TEXT,
        _ENTRY_TEXT,
        _ENTRY_TEXT,
    ),
    st.lists(st.tuples(_ENTRY_TEXT, _ENTRY_TEXT), min_size=0, max_size=6),
)
def test_entries_alike_are_chained_as_the_chain_links_them(db, shared, own):
    user, action, when, details, entity, before = shared
    entries = [(user, action, when, details, entity, key, before, after) for key, after in own]
    with database.atomic() as transaction:
        expected = audit.chain(entries)
        head = database.execute_sql(
            "SELECT last_log_id, last_hash, entry_count FROM audit_chain_head"
        ).fetchone()
        transaction.rollback()
    with database.atomic() as transaction:
        found = audit.chain_alike(shared, own)
        moved = database.execute_sql(
            "SELECT last_log_id, last_hash, entry_count FROM audit_chain_head"
        ).fetchone()
        transaction.rollback()
    assert found == expected
    assert moved == head
    for row in found:
        log_id, user, action, when, details, entity, entity_id, before, after = row[:9]
        actor, previous, digest = row[9:]
        assert digest == audit.entry_hash(
            log_id, actor, action, when, entity, entity_id, details, before, after, previous
        )
