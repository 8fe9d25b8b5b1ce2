"""Launches that start at the same moment on one database: exactly one becomes the window,
the other asks it to come forward and leaves, every time. A lock left by a killed program does
not keep the next launch out. Each launch is a process of its own, as a real one is."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from PySide6.QtCore import QDir
from PySide6.QtWidgets import QMessageBox

from cpe_desktop.ui import single_instance
from cpe_desktop.ui.single_instance import SingleInstance, lock_path

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = 20


def _launch(target: Path, go: Path, *mode: str) -> subprocess.Popen[str]:
    child = subprocess.Popen(
        [sys.executable, "-m", "tests.helpers.single_instance_child", str(target), str(go), *mode],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    assert child.stdout.readline().strip() == "ready", child.stderr.read()
    return child


def _finish(child: subprocess.Popen[str]) -> list[str]:
    out, err = child.communicate(timeout=60)
    assert child.returncode == 0, err
    return out.split()


def test_two_launches_at_once_give_exactly_one_window_every_time(tmp_path):
    results = []
    for n in range(ROUNDS):
        target = tmp_path / f"round{n}" / "cpe-tracker.db"
        go = tmp_path / f"go{n}"
        children = [_launch(target, go), _launch(target, go)]
        go.touch()  # both are waiting: they claim together
        results.append(sorted(_finish(child) for child in children))
    # The loser always found the winner's socket and the winner came forward.
    assert results == [[["forwarded"], ["won", "activated"]]] * ROUNDS


def test_a_lock_left_by_a_killed_launch_does_not_block_the_next(qtbot, tmp_path):
    target = tmp_path / "cpe-tracker.db"
    go = tmp_path / "go"
    go.touch()
    crashed = _launch(target, go, "hold")
    assert crashed.stdout.readline().strip() == "won"
    assert lock_path(str(target)).exists()
    os.kill(crashed.pid, signal.SIGKILL)
    crashed.communicate(timeout=60)  # reaped: its process id is gone
    assert lock_path(str(target)).exists()  # the crash left its lock (and socket) behind

    next_launch = SingleInstance(str(target))
    assert next_launch.claim() is True
    later = SingleInstance(str(target))
    with qtbot.waitSignal(next_launch.activated, timeout=5000):
        assert later.claim() is False
    assert later.forwarded
    next_launch.close()
    assert not lock_path(str(target)).exists()


def test_a_holder_that_does_not_answer_is_named(qtbot, tmp_path):
    """A window that holds the lock but is not listening (hung, or on another computer sharing
    the file) is not mistaken for a crash: the launch stays out and can say who holds it."""
    target = str(tmp_path / "cpe-tracker.db")
    holder = SingleInstance(target)
    assert holder.claim()
    holder._server.close()  # stops answering, keeps the lock
    second = SingleInstance(target)
    assert second.claim(knock_for_ms=200) is False
    assert not second.forwarded
    assert second.holder is not None and second.holder.pid == os.getpid()
    assert second.lock_file == lock_path(target)
    holder.close()


@pytest.mark.parametrize("target", [f"postgresql://u@h/{uuid.uuid4().hex}", ":memory:"])
def test_a_database_without_a_file_is_guarded_in_the_temporary_folder(qtbot, target):
    first, second = SingleInstance(target), SingleInstance(target)
    assert first.claim()
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert second.claim() is False
    assert first.lock_file is not None
    assert first.lock_file.parent == Path(QDir.tempPath())
    first.close()


@pytest.fixture
def started(monkeypatch):
    """run_gui's lasting effects put back: the exception hook and the log handlers."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    handlers = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers[:]:
        if handler not in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()


def test_the_window_names_a_holder_that_does_not_answer(qtbot, tmp_path, monkeypatch, started):
    from cpe_desktop.ui.launch import run_gui

    target = tmp_path / "cpe-tracker.db"
    holder = SingleInstance(str(target))
    assert holder.claim()
    holder._server.close()  # hung: holds the lock, answers nobody
    told = []
    monkeypatch.setattr(QMessageBox, "information", lambda p, title, text: told.append(text))
    monkeypatch.setattr(single_instance, "KNOCK_FOR_MS", 200)

    assert run_gui(argparse.Namespace(db=str(target), command=None)) == 0

    (text,) = told
    assert f"process {os.getpid()}" in text and str(lock_path(str(target))) in text
    holder.close()


def test_a_second_window_asks_the_first_forward_and_leaves(qtbot, tmp_path, monkeypatch, started):
    from cpe_desktop.ui.launch import run_gui

    target = tmp_path / "cpe-tracker.db"
    first = SingleInstance(str(target))
    assert first.claim()
    monkeypatch.setattr(QMessageBox, "information", lambda *a: pytest.fail("no dialog expected"))
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert run_gui(argparse.Namespace(db=str(target), command=None)) == 0
    first.close()
