"""Cycles are collected on the GUI thread, between its events, not by whichever thread
allocates; and an idle program is not woken to do it."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

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
        assert collector.check() >= threshold  # the event loop's work, on this thread
        assert gc.get_count()[0] < threshold
    finally:
        collector.stop()
    assert gc.isenabled()
    gc.disable()  # the test harness keeps it off inside a test


def test_the_event_loop_collects_when_it_goes_idle_and_keeps_no_timer(qtbot):
    collector = MainThreadCollector()
    try:
        collector.start()
        assert not collector.findChildren(QObject)  # no timer of its own to wake the program
        threshold = gc.get_threshold()[0]
        seen: list[int] = []
        worker = threading.Thread(
            target=lambda: seen.extend(id(_Cycle()) for _ in range(threshold + 10))
        )
        worker.start()
        worker.join()
        assert gc.get_count()[0] > threshold  # the worker's cycles were not collected there
        qtbot.wait(20)  # the loop runs, then waits: the GUI thread collects
        assert gc.get_count()[0] < threshold
    finally:
        collector.stop()
    gc.disable()
