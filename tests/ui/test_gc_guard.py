"""Cycles are collected by a timer on the GUI thread, not by whichever thread allocates."""

from __future__ import annotations

import gc

from cpe_desktop.ui.gc_guard import MainThreadCollector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_the_collector_switches_automatic_collection_off_and_collects_itself(qtbot):
    collector = MainThreadCollector()
    try:
        gc.enable()
        collector.start()
        assert not gc.isenabled()
        threshold = gc.get_threshold()[0]
        for _ in range(threshold + 10):
            _Cycle()
        assert gc.get_count()[0] > threshold  # nothing collected them behind our back
        assert collector.check() >= threshold  # the timer's work, on this thread
        assert gc.get_count()[0] < threshold
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # the test harness keeps it off inside a test
