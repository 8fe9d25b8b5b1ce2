"""Other desks' changes reach this window's tabs by themselves (``services/desks/live_changes.py``).

Started when a person signs in, stopped at sign-out, switch and quit. It checks this desk in as
connected (``services/desks/presence.py``) and touches that every two minutes. Then:

- on **PostgreSQL** a thread of its own waits on a LISTEN connection and hands each other desk's
  change to the GUI thread, which counts it (so caches of the data drop it) and publishes it on
  the change bus, where every tab refreshes as it does for a local change; a lost connection is
  reopened every few seconds until the server is back;
- on **SQLite** the GUI thread reads the file's ``data_version`` every 1.5 s, but only while
  another desk is connected: a desk alone never wakes for it.
"""

from __future__ import annotations

import logging
import threading

import peewee
from PySide6.QtCore import QObject, QTimer, Signal

from cpe_desktop.services.changes import ALL_KINDS, Changes, note
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.desks import live_changes, presence
from cpe_desktop.ui.bus import ChangeBus

log = logging.getLogger(__name__)

POLL_MS = 1500
TOUCH_MS = int(presence.TOUCH_EVERY.total_seconds() * 1000)
LISTEN_WAIT_S = 30.0  # the listener thread's longest sleep (not the GUI thread's)
RETRY_S = 5.0


class LiveRefresh(QObject):
    arrived = Signal(object)  # kinds of another desk's change, from the listener thread

    def __init__(self, ctx: ServiceContext, bus: ChangeBus, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.ctx, self.bus = ctx, bus
        self.postgres = live_changes.is_postgres()
        self.arrived.connect(self._deliver)
        self.touch_timer = QTimer(self)
        self.touch_timer.setInterval(TOUCH_MS)
        self.touch_timer.timeout.connect(self.touch)
        self.poll_timer = QTimer(self)
        self.poll_timer.setInterval(POLL_MS)
        self.poll_timer.timeout.connect(self.poll)
        self.others = 0
        self.received = 0  # other desks' changes delivered (for tests and the log)
        self._version: int | None = None
        self._stop = threading.Event()
        self._listener: live_changes.Listener | None = None
        self._thread: threading.Thread | None = None

    # --- life ------------------------------------------------------------------------------

    def start(self) -> None:
        try:
            presence.check_in(self.ctx)
        except peewee.DatabaseError:
            log.warning("could not record this desk as connected", exc_info=True)
        if self.postgres:
            self._thread = threading.Thread(
                target=self._listen,
                args=(live_changes.current(),),
                name="live-changes",
                daemon=True,
            )
            self._thread.start()
        self.touch()
        self.touch_timer.start()

    def stop(self) -> None:
        """Once only: the listener ends, this desk is checked out."""
        if self._stop.is_set():
            return
        self.touch_timer.stop()
        self.poll_timer.stop()
        self._stop.set()
        listener = self._listener
        if listener is not None:
            listener.close()  # wakes the thread out of its wait
        if self._thread is not None:
            self._thread.join(2.0)
            self._thread = None
        if live_changes.current().is_closed():
            return  # closed already (a test's teardown): reopening it would only leak
        try:
            presence.check_out()
        except (peewee.PeeweeException, OSError):  # the database already gone: nothing to undo
            log.warning("could not record this desk as gone", exc_info=True)

    # --- SQLite: presence and the file's version -------------------------------------------

    def touch(self) -> None:
        """Say this desk is here; on SQLite, poll the file only while others are connected."""
        try:
            self.others = presence.touch(self.ctx)
        except peewee.DatabaseError:
            log.warning("could not touch this desk's presence", exc_info=True)
            return
        if self.postgres:
            return
        if self.others and not self.poll_timer.isActive():
            self._version = live_changes.data_version()
            self.poll_timer.start()
        elif not self.others and self.poll_timer.isActive():
            self.poll_timer.stop()

    def poll(self) -> None:
        try:
            version = live_changes.data_version()
        except peewee.DatabaseError:
            return
        if version != self._version:
            self._version = version
            self._deliver(ALL_KINDS)

    # --- PostgreSQL: the listener thread -----------------------------------------------------

    def _listen(self, db: peewee.PostgresqlDatabase) -> None:
        while not self._stop.is_set():
            try:
                self._listener = live_changes.Listener(db)
            except Exception:  # the server is down: try again in a while
                log.info("live changes: no server connection yet", exc_info=True)
                self._stop.wait(RETRY_S)
                continue
            try:
                while not self._stop.is_set():
                    for kinds in self._listener.wait(LISTEN_WAIT_S):
                        self.arrived.emit(kinds)
            except Exception:  # connection lost, or closed by stop()
                if not self._stop.is_set():
                    log.info("live changes: connection lost; reconnecting", exc_info=True)
                    self._stop.wait(RETRY_S)
            finally:
                self._listener.close()
                self._listener = None

    # --- on the GUI thread -------------------------------------------------------------------

    def _deliver(self, kinds: frozenset[str]) -> None:
        changes = Changes(frozenset(kinds))
        note(changes)  # caches of what changed are dropped, as for a local change
        self.received += 1
        self.bus.publish(changes)
