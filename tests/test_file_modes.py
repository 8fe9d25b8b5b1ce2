"""What the program creates in the data folder is its person's own (README, "Your data"): folders
0700 and files 0600 on platforms with file modes, whatever the umask would have given. Modes are
read with os.stat, which tells the truth under root too (root only skips the access checks)."""

from __future__ import annotations

import json
import logging
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from cpe_desktop import paths
from cpe_desktop.log import _PrivateFileHandler
from tests.helpers.interchange_documents import one_person_document

pytestmark = pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _run(data: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(data), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=lambda: os.umask(0o022),  # the usual umask: 0755 folders, 0644 files
    )


def test_a_new_data_folder_and_everything_the_program_puts_in_it_are_private(tmp_path):
    data = tmp_path / "new" / "data"
    source = tmp_path / "solo.json"
    source.write_text(json.dumps(one_person_document()), encoding="utf-8")

    imported = _run(data, tmp_path, "import", str(source))
    backed_up = _run(data, tmp_path, "backup")

    assert imported.returncode == 0, imported.stderr
    assert backed_up.returncode == 0, backed_up.stderr
    assert _mode(data) == 0o700
    for folder in ("logs", "backups"):
        assert _mode(data / folder) == 0o700, folder
    assert _mode(data / paths.DATABASE_FILE) == 0o600
    for suffix in ("-wal", "-shm"):
        extra = data / (paths.DATABASE_FILE + suffix)
        if extra.exists():  # SQLite removes them when the last connection closes
            assert _mode(extra) == 0o600, suffix
    logs = list((data / "logs").iterdir())
    assert logs and all(_mode(file) == 0o600 for file in logs)
    copies = list((data / "backups").iterdir())
    assert copies and all(_mode(file) == 0o600 for file in copies)


def test_a_data_folder_open_to_others_is_tightened_once_and_the_log_says_so(tmp_path):
    data = tmp_path / "shared"
    data.mkdir()
    data.chmod(0o755)
    (data / "notes.txt").write_text("mine", encoding="utf-8")

    first = _run(data, tmp_path, "status")
    second = _run(data, tmp_path, "status")

    assert first.returncode == second.returncode == 0, first.stderr + second.stderr
    assert _mode(data) == 0o700
    assert (data / "notes.txt").read_text(encoding="utf-8") == "mine"
    log = (data / "logs" / "cpe-tracker.log").read_text(encoding="utf-8")
    assert log.count("could be read by other users of this computer (mode 755)") == 1
    assert "it is now private to its owner (mode 700)" in log


def test_a_log_file_started_by_rotation_is_private(tmp_path):
    folder = tmp_path / "logs"
    folder.mkdir()
    old = os.umask(0o022)
    try:
        handler = _PrivateFileHandler(folder / "x.log", maxBytes=200, backupCount=2)
        record = logging.LogRecord("t", logging.INFO, __file__, 1, "x" * 150, None, None)
        for _ in range(4):
            handler.emit(record)
        handler.close()
    finally:
        os.umask(old)

    files = sorted(folder.iterdir())
    assert [file.name for file in files] == ["x.log", "x.log.1", "x.log.2"]
    assert all(_mode(file) == 0o600 for file in files)


def test_a_subfolder_is_created_private(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "d"))
    old = os.umask(0o022)
    try:
        attachments = paths.attachments_dir()
    finally:
        os.umask(old)

    assert _mode(attachments) == 0o700
    assert _mode(tmp_path / "d") == 0o700


def test_a_backup_written_anywhere_is_private(tmp_path):
    """``backup -o FILE`` copies everyone's data (password hashes included) out of the private
    folder: the copy is its owner's alone wherever it is written."""
    data = tmp_path / "data"
    source = tmp_path / "solo.json"
    source.write_text(json.dumps(one_person_document()), encoding="utf-8")
    assert _run(data, tmp_path, "import", str(source)).returncode == 0
    out = tmp_path / "shared" / "copy.db"

    result = _run(data, tmp_path, "backup", "-o", str(out))

    assert result.returncode == 0, result.stderr
    assert _mode(out) == 0o600


def test_a_data_folder_removed_while_running_is_made_again_private(tmp_path, monkeypatch):
    monkeypatch.setenv(paths.DATA_DIR_ENV, str(tmp_path / "d"))
    first = paths.data_dir()
    first.rmdir()

    again = paths.data_dir()

    assert again == first and again.is_dir()
    assert _mode(again) & 0o077 == 0
