"""Python's cycle collector runs on the GUI thread only.

Why this module exists: the collector runs on whichever thread happens to allocate when a
threshold is crossed. With tasks on worker threads, that can be a worker, and a collected cycle
that holds a Qt object (a closed dialog, a finished tab) then has its C++ destructor run on the
wrong thread — Qt warns "QBasicTimer::stop: Failed … from a different thread" and may crash.
So automatic collection is switched off and a timer on the GUI thread collects instead, with the
same generation thresholds Python would use. Reference counting still frees everything that is
not in a cycle at once, on whatever thread drops it, as before.
"""

from __future__ import annotations

import gc

from PySide6.QtCore import QObject, QTimer

CHECK_MS = 500


class MainThreadCollector(QObject):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_MS)
        self.timer.timeout.connect(self.check)

    def start(self) -> None:
        gc.disable()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()
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
