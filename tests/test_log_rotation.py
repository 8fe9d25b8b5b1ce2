"""The log file's own size rotation (cpe_desktop/log.py, issue 18: without importing
``logging.handlers`` at start) makes the same files, with the same lines, as the standard
library's ``RotatingFileHandler``."""

from __future__ import annotations

import logging
import logging.handlers
import subprocess
import sys
from pathlib import Path

from cpe_desktop.log import RotatingFile


def _write(handler: logging.Handler, lengths: list[int]) -> None:
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    for number, length in enumerate(lengths):
        message = f"{number:03d} " + "x" * length
        handler.emit(logging.LogRecord("t", logging.INFO, __file__, 1, message, None, None))
    handler.close()


def _files(folder: Path) -> dict[str, str]:
    return {file.name: file.read_text(encoding="utf-8") for file in sorted(folder.iterdir())}


def test_rotation_makes_what_the_standard_handler_makes(tmp_path: Path) -> None:
    lengths = [5, 40, 120, 3, 0, 250, 60, 60, 60, 10, 199, 1, 90, 90, 90, 90, 30] * 3
    for backups in (0, 1, 3):
        ours, standard = tmp_path / f"ours-{backups}", tmp_path / f"standard-{backups}"
        ours.mkdir()
        standard.mkdir()
        _write(RotatingFile(ours / "a.log", maxBytes=200, backupCount=backups), lengths)
        _write(
            logging.handlers.RotatingFileHandler(
                standard / "a.log", maxBytes=200, backupCount=backups
            ),
            lengths,
        )
        made = _files(ours)
        assert made == _files(standard)
        assert len(made) == backups + 1  # (the lines above fill more files than are kept)


def test_without_a_size_the_file_only_grows(tmp_path: Path) -> None:
    _write(RotatingFile(tmp_path / "a.log", backupCount=3), [300] * 5)
    assert [file.name for file in tmp_path.iterdir()] == ["a.log"]
    assert len((tmp_path / "a.log").read_text(encoding="utf-8").splitlines()) == 5


def test_setting_up_the_log_does_not_import_logging_handlers(tmp_path: Path) -> None:
    code = (
        "import sys, logging\n"
        "from cpe_desktop.log import setup_logging\n"
        "path = setup_logging()\n"
        "logging.getLogger('t').warning('written')\n"
        "print(path is not None, 'logging.handlers' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={"CPE_DATA_DIR": str(tmp_path / "data"), "PATH": ""},
        check=True,
        timeout=60,
    ).stdout
    assert out.split() == ["True", "False"]
    logs = list((tmp_path / "data").rglob("cpe-tracker.log"))
    assert len(logs) == 1 and "written" in logs[0].read_text(encoding="utf-8")
