"""A data folder that cannot be written: start-up says which folder and what to do (the command
line in one line with exit status 1, the window in a dialog), and logging falls back to stderr
instead of ending the program with a traceback.

A folder made read-only with chmod stops only ordinary accounts (root writes anyway), so those
tests skip under root; the same paths are also reached by a folder that cannot be created (its
parent refusing, injected as the PermissionError the system raises), and, for real under any
account, by a data folder whose parent is a file.
"""

from __future__ import annotations

import argparse
import errno
import logging
import os
import pathlib
import subprocess
import sys
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMessageBox

from cpe_desktop import cli, paths
from tests.helpers.qt_cycles import collect_cycles_on_the_main_thread  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
AS_ROOT = hasattr(os, "geteuid") and os.geteuid() == 0
needs_modes = pytest.mark.skipif(
    AS_ROOT or sys.platform == "win32", reason="root (and Windows) ignore a folder's mode"
)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(QT_QPA_PLATFORM="offscreen")
    env.pop(paths.DATA_DIR_ENV, None)
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )


def _one_line(result: subprocess.CompletedProcess[str] | str) -> str:
    stderr = result if isinstance(result, str) else result.stderr
    assert "Traceback" not in stderr
    (line,) = stderr.splitlines()
    return line


@pytest.fixture
def read_only_folder(tmp_path):
    folder = tmp_path / "data"
    folder.mkdir()
    folder.chmod(0o500)
    yield folder
    folder.chmod(0o700)


@pytest.fixture
def restored_logging(monkeypatch):
    """Start-up's lasting effects put back: the exception hook and the log handlers."""
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)
    handlers = list(logging.getLogger().handlers)
    yield
    for handler in logging.getLogger().handlers[:]:
        if handler not in handlers:
            logging.getLogger().removeHandler(handler)
            handler.close()


@pytest.fixture
def refusing_parent(tmp_path, monkeypatch):
    """A data folder to be made inside a folder that refuses new folders (as a read-only one
    does for an ordinary account): creating anything under ``parent`` raises PermissionError."""
    parent = tmp_path / "locked"
    parent.mkdir()
    real_mkdir = pathlib.Path.mkdir

    def mkdir(self, *args, **kwargs):
        if parent in Path(self).parents:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), str(self))
        return real_mkdir(self, *args, **kwargs)

    monkeypatch.setattr(pathlib.Path, "mkdir", mkdir)
    return parent


@needs_modes
def test_command_line_on_a_read_only_data_folder(read_only_folder):
    result = _run("--data-dir", str(read_only_folder), "status")
    assert result.returncode == 1
    line = _one_line(result)
    assert str(read_only_folder) in line and "--data-dir" in line


def test_command_line_when_the_data_folder_cannot_be_made(refusing_parent, capsys):
    code = cli.main(["--data-dir", str(refusing_parent / "data"), "status"])
    assert code == 1
    line = _one_line(capsys.readouterr().err)
    assert line == (
        f"cpe-tracker: CPE Tracker cannot write to the folder {refusing_parent} "
        "(Permission denied). Make the folder writable for your account, or use another data "
        "folder (--data-dir FOLDER), then try again; nothing was changed."
    )


def test_command_line_when_the_data_folder_is_under_a_file(tmp_path):
    in_the_way = tmp_path / "notes.txt"
    in_the_way.write_text("not a folder", encoding="utf-8")
    result = _run("--data-dir", str(in_the_way / "data"), "status")
    assert result.returncode == 1
    line = _one_line(result)
    assert f"{in_the_way} is a file, not a folder" in line and "--data-dir" in line


def test_logging_falls_back_to_stderr(refusing_parent, restored_logging, capsys):
    from cpe_desktop.log import log_file, logging_to_error_output, setup_logging

    paths.set_data_dir(refusing_parent / "data")
    assert setup_logging() is None
    assert log_file() is None and logging_to_error_output()
    logging.getLogger("cpe_desktop.test").warning("still heard")
    assert "still heard" in capsys.readouterr().err


@pytest.fixture
def dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr(
        QMessageBox, "critical", lambda parent, title, text: shown.append((title, text))
    )
    return shown


@pytest.mark.gui
def test_window_when_the_data_folder_cannot_be_made(
    qtbot, refusing_parent, restored_logging, dialogs
):
    from cpe_desktop.ui.launch import run_gui

    paths.set_data_dir(refusing_parent / "data")
    assert run_gui(argparse.Namespace(db=None, command=None)) == 1
    ((title, text),) = dialogs
    assert title == "CPE Tracker cannot start"
    assert text.startswith(f"CPE Tracker cannot write to the folder {refusing_parent}")


@pytest.mark.gui
@needs_modes
def test_window_on_a_read_only_data_folder(qtbot, read_only_folder, restored_logging, dialogs):
    from cpe_desktop.ui.launch import run_gui

    paths.set_data_dir(read_only_folder)
    assert run_gui(argparse.Namespace(db=None, command=None)) == 1
    ((title, text),) = dialogs
    assert title == "CPE Tracker cannot start" and str(read_only_folder) in text
