"""Python's cycle collector runs on the GUI thread only.

Why this module exists: the collector runs on whichever thread happens to allocate when a
threshold is crossed. With tasks on worker threads, that can be a worker, and a collected cycle
that holds a Qt object (a closed dialog, a finished tab) then has its C++ destructor run on the
wrong thread — Qt warns "QBasicTimer::stop: Failed … from a different thread" and may crash.
So automatic collection is switched off and the GUI thread collects instead, with the same
generation thresholds Python would use. Reference counting still frees everything that is not in
a cycle at once, on whatever thread drops it, as before.

When: each time the GUI thread's event loop has handled what was waiting and is about to sleep
(``QAbstractEventDispatcher.aboutToBlock``), it collects if a threshold has been passed, as
Python would have at its next allocation. Nothing is allocated while the loop sleeps, so an idle
program is never woken for this (a timer did, twice a second, until issue 18); a worker thread's
progress and its end are events, so what a task allocated is collected when the window hears of
it.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QAbstractEventDispatcher, QObject


class MainThreadCollector(QObject):
    """Collects cycles on the thread it was made on (the GUI thread), between events."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._dispatcher: QAbstractEventDispatcher | None = None

    def start(self) -> None:
        gc.disable()
        # The application has made the GUI thread's dispatcher by the time this is started.
        dispatcher = QAbstractEventDispatcher.instance(self.thread())
        if dispatcher is not None and self._dispatcher is None:
            dispatcher.aboutToBlock.connect(self.check)
            self._dispatcher = dispatcher

    def stop(self) -> None:
        if self._dispatcher is not None:
            self._dispatcher.aboutToBlock.disconnect(self.check)
            self._dispatcher = None
        gc.enable()

    def check(self) -> int:
        return collect_due()


def collect_due() -> int:
    """Collect the oldest generation whose count has passed its threshold, as Python itself
    would have; the number of unreachable objects found."""
    counts, thresholds = gc.get_count(), gc.get_threshold()
    for generation in (2, 1, 0):
        if thresholds[generation] and counts[generation] > thresholds[generation]:
            return gc.collect(generation)
    return 0
