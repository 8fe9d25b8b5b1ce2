"""The fixture every folder of Qt tests takes into its conftest (``tests/ui``, ``tests/scheduler``,
``tests/multi_desk``), or a Qt test module elsewhere into itself. It lives here, not in the root
``conftest.py``, so that the Qt-free tests (``tests/rules``, ``tests/db``, ...) never import Qt
(``tests/test_qt_free.py`` checks)."""

from __future__ import annotations

import gc

import pytest

from cpe_desktop.ui.gc_guard import collect_due


@pytest.fixture(autouse=True)
def collect_cycles_on_the_main_thread():
    """As the program does (ui/gc_guard.py): no cycle collection inside a test, where a task's
    worker thread could end up destroying Qt objects; after it, on this thread, whatever
    collection Python's thresholds call for."""
    gc.disable()
    yield
    collect_due()
    gc.enable()
