"""The command line on a full disk (a process each, as people run it): a write that does not fit
fails with one line saying the disk is full and exit status 1, no traceback and nothing saved;
reading commands (status, check, export) still work."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers.disk_full import records_csv
from tests.helpers.interchange_documents import one_person_document

ROOT = Path(__file__).resolve().parents[2]
EMAIL = one_person_document()["users"][0]["email"]


def _run(folder: Path, *args: str, full: bool) -> subprocess.CompletedProcess[str]:
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(folder / "data"), QT_QPA_PLATFORM="offscreen")
    env["PYTHONPATH"] = str(ROOT)
    entry = ["-m", "tests.helpers.full_disk_cli"] if full else ["-m", "cpe_desktop"]
    return subprocess.run(
        [sys.executable, *entry, "--db", str(folder / "data" / "cpe-tracker.db"), *args],
        env=env,
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=180,
    )


def _said_disk_full(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result.stderr
    (line,) = result.stderr.splitlines()  # one line: no traceback, no logging noise
    assert line.startswith("cpe-tracker: The disk is full"), line
    assert "Free some space and try again" in line and "nothing that was already saved" in line


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """A database holding one person and a few records, and a file too big for a full disk."""
    import json

    folder = tmp_path_factory.mktemp("full")
    person = folder / "person.json"
    person.write_text(json.dumps(one_person_document()), encoding="utf-8")
    assert _run(folder, "import", str(person), full=False).returncode == 0
    small = records_csv(folder / "small.csv", 5)
    done = _run(folder, "import", str(small), "--user", EMAIL, full=False)
    assert done.returncode == 0, done.stderr
    records_csv(folder / "big.csv", 3000)
    return folder


def test_a_3000_row_import_on_a_full_disk_says_so_in_one_line(folder):
    _said_disk_full(_run(folder, "import", str(folder / "big.csv"), "--user", EMAIL, full=True))
    # Nothing of it was kept: the export after it (with room again) has the 5 records only.
    out = folder / "after.csv"
    exported = _run(
        folder, "export", "--format", "csv", "--user", EMAIL, "-o", str(out), full=False
    )
    assert exported.returncode == 0, exported.stderr
    assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 1 + 5


@pytest.mark.parametrize(
    "command",
    [["status"], ["check"], ["export", "--format", "csv", "--user", EMAIL]],
    ids=["status", "check", "export"],
)
def test_reading_works_on_a_full_disk(folder, tmp_path, command):
    if command[0] == "export":
        command = [*command, "-o", str(tmp_path / "out.csv")]  # another disk, with room
    result = _run(folder, *command, full=True)
    assert result.returncode == 0, result.stderr
    if command[0] == "export":
        assert len((tmp_path / "out.csv").read_text(encoding="utf-8-sig").splitlines()) == 6
    if command[0] == "check":
        assert result.stdout.startswith("Database OK")


def _mount_tiny_disk(where: Path) -> bool:
    """A 2 MB RAM disk at ``where``: only where this user may mount (root on Linux)."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    where.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(where)], capture_output=True
    )
    return mounted.returncode == 0


def test_a_real_full_disk(tmp_path):
    """The same on a real 2 MB disk filled to the last byte, where this machine allows one."""
    disk = tmp_path / "disk"
    if not _mount_tiny_disk(disk):
        pytest.skip("mounting a small disk needs root on Linux")
    try:
        import json

        person = tmp_path / "person.json"
        person.write_text(json.dumps(one_person_document()), encoding="utf-8")
        assert _run(disk, "import", str(person), full=False).returncode == 0
        small = records_csv(tmp_path / "small.csv", 5)
        assert _run(disk, "import", str(small), "--user", EMAIL, full=False).returncode == 0
        big = records_csv(tmp_path / "big.csv", 3000)
        filler = os.open(disk / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            while os.write(filler, b"\0" * 4096):  # to the last block
                pass
        except OSError:
            pass
        finally:
            os.close(filler)
        _said_disk_full(_run(disk, "import", str(big), "--user", EMAIL, full=False))
        for command in (["status"], ["check"]):
            result = _run(disk, *command, full=False)
            assert result.returncode == 0, result.stderr
        out = tmp_path / "out.csv"
        result = _run(
            disk, "export", "--format", "csv", "--user", EMAIL, "-o", str(out), full=False
        )
        assert result.returncode == 0, result.stderr
        assert len(out.read_text(encoding="utf-8-sig").splitlines()) == 6
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)
