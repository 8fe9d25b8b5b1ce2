"""Guards against a broken Qt binding: PySide6 6.12.0 dropped a reference to ``True`` on every
``Signal.emit()``, so a long session (or the test suite) ended with the interpreter aborting."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal


class _Emitter(QObject):
    plain = Signal()
    carrying = Signal(object)


def test_signal_emit_keeps_reference_counts_of_true_and_false():
    emitter = _Emitter()
    received = []
    emitter.carrying.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False)
    for number in range(200):
        emitter.plain.emit()
        emitter.carrying.emit(number)
    after = sys.getrefcount(True), sys.getrefcount(False)
    assert len(received) == 200
    assert after[0] >= before[0] and after[1] >= before[1], (before, after)
