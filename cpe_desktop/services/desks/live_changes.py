"""Changes made by other desks, as they happen: what lets every desk's tabs refresh by themselves.

Several desks (running programs) may share one database: a firm's PostgreSQL server, or one
SQLite file. A desk's own changes reach its views through the ``Changes`` of each Outcome; the
other desks' changes reach them here.

- **PostgreSQL**: every audited mutation (that is, every mutation) sends ``NOTIFY`` on the
  database's channel from inside its transaction, so it is delivered when, and only if, the
  transaction commits. The payload names the sending desk and the kinds of data changed (from
  the audit entries' items). :class:`Listener` holds a connection of its own that LISTENs.
- **SQLite**: the file's ``PRAGMA data_version`` moves whenever another connection commits;
  :func:`data_version` reads it, and a desk that polls it learns that *something* changed
  (every kind is refreshed). It is polled only while another desk is connected
  (``services/desks/presence.py``), so a desk alone never wakes for it.

No Qt here; ``ui/live_refresh.py`` carries what arrives to the window's change bus.
"""

from __future__ import annotations

import functools
import json
import logging
import uuid
import weakref
from collections.abc import Iterable, Iterator

import peewee

from cpe_desktop.db.models import database
from cpe_desktop.services import changes as k

log = logging.getLogger(__name__)

DESK_ID = uuid.uuid4().hex  # this running program, among the desks sharing the database

# Audit items that are not entities of the registry (``services/editing/entities.py``), and what
# they change. An entity's kind is its table's (``changes.TABLE_KINDS``): see ``item_kinds``.
OTHER_ITEM_KINDS: dict[str, frozenset[str]] = {
    "attachment": frozenset({k.ATTACHMENTS, k.RECORDS}),  # a record's certificate
    "requirement_component": frozenset({k.REQUIREMENTS}),
    "shipped_requirements": frozenset({k.REQUIREMENTS, k.CREDENTIALS}),
    "custom_field_value": frozenset({k.CUSTOM_FIELDS}),
    "preference": frozenset({k.PREFERENCES}),
    "firm_setting": frozenset({k.PREFERENCES}),
    "report": frozenset({k.REPORTS}),
    "email": frozenset({k.EMAILS}),
    "task": frozenset({k.TASKS}),
}


@functools.cache
def item_kinds() -> dict[str, frozenset[str]]:
    """What an audit entry's item changes, for the views, by the item's name: an entity's, the
    kind of its table; any other item's, ``OTHER_ITEM_KINDS``."""
    # Imported here, once: the registry imports the services, and they this module.
    from cpe_desktop.services.editing import entities

    kinds = dict(OTHER_ITEM_KINDS)
    for entity in entities.ENTITIES:
        kinds[entity.name] = frozenset({k.TABLE_KINDS[entity.model._meta.table_name]})
    return kinds


def kinds_of(entities: Iterable[str | None]) -> frozenset[str]:
    """The kinds of data audit entries about these items changed (the log itself, always; an
    unknown item, every kind)."""
    known = item_kinds()
    kinds: set[str] = {k.AUDIT}
    for entity in entities:
        kinds |= known.get(entity or "", k.ALL_KINDS)
    return frozenset(kinds)


def current() -> peewee.Database:
    """The database this desk is connected to."""
    return database.obj


def is_postgres(db: peewee.Database | None = None) -> bool:
    return isinstance(db if db is not None else database.obj, peewee.PostgresqlDatabase)


_CHANNELS: weakref.WeakKeyDictionary[peewee.Database, str] = weakref.WeakKeyDictionary()


def channel(db: peewee.Database) -> str:
    """The database's channel: one per schema, so two firms (or two tests) on one server do
    not hear each other."""
    if db not in _CHANNELS:
        (schema,) = db.execute_sql("SELECT current_schema()").fetchone()
        _CHANNELS[db] = f"cpe_changes_{schema}"[:63]
    return _CHANNELS[db]


def announce(entities: Iterable[str | None]) -> None:
    """Tell the other desks, when the current transaction commits, what it changed. PostgreSQL
    only (SQLite's desks see the file's version move); call inside the mutation's
    transaction."""
    db = database.obj
    if not is_postgres(db):
        return
    payload = json.dumps({"desk": DESK_ID, "kinds": sorted(kinds_of(entities))})
    db.execute_sql("SELECT pg_notify(%s, %s)", (channel(db), payload))


def read_payload(text: str) -> frozenset[str] | None:
    """The kinds another desk's notice names; None for this desk's own or a notice not ours."""
    try:
        notice = json.loads(text)
    except ValueError:
        return None
    if not isinstance(notice, dict) or notice.get("desk") == DESK_ID:
        return None
    kinds = frozenset(str(kind) for kind in notice.get("kinds") or ()) & k.ALL_KINDS
    return kinds or None


class Listener:
    """A PostgreSQL connection of its own that LISTENs on the database's channel.

    ``wait(timeout)`` yields the kinds of each other desk's change as it arrives and returns
    after ``timeout`` seconds without one; ``close()`` (from any thread) ends it. A connection
    lost while waiting raises ``peewee.OperationalError`` / psycopg's error to the caller, which
    opens a new Listener when the server is back.
    """

    def __init__(self, db: peewee.PostgresqlDatabase) -> None:
        # A raw connection with the desk's settings, and nothing through ``db`` itself: from the
        # listener's thread that would open (and leave open) a thread-local connection.
        self.connection = db._connect()  # type: ignore[attr-defined]  # private: not in the stubs
        try:
            (schema,) = self.connection.execute("SELECT current_schema()").fetchone()
            self.channel = f"cpe_changes_{schema}"[:63]
            self.connection.execute(f'LISTEN "{self.channel}"')
        except Exception:
            self.connection.close()
            raise

    def wait(self, timeout: float) -> Iterator[frozenset[str]]:
        for notice in self.connection.notifies(timeout=timeout):
            kinds = read_payload(notice.payload)
            if kinds:
                yield kinds

    def close(self) -> None:
        try:
            self.connection.close()
        except Exception:  # closing a connection that is already gone
            log.debug("listener connection already closed", exc_info=True)


def data_version(db: peewee.Database | None = None) -> int | None:
    """SQLite's ``PRAGMA data_version`` on this connection (it moves when another connection
    commits); None on PostgreSQL."""
    db = db if db is not None else database.obj
    if is_postgres(db):
        return None
    (version,) = db.execute_sql("PRAGMA data_version").fetchone()
    return int(version)
