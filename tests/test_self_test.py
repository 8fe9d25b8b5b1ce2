"""``cpe-tracker --self-test`` run the way the build script and support run it: the real program in
a subprocess, offscreen. On a working installation every check passes (exit 0, one ``ok`` line
each, in order); it stays out of the person's own data folder, Qt settings and configured
database; and a broken installation is reported check by check with exit 1."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cpe_desktop import __version__
from cpe_desktop.self_test import CHECKS

ROOT = Path(__file__).resolve().parent.parent


def _environment(tmp_path: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["CPE_DATA_DIR"] = str(tmp_path / "data")
    # Where QSettings writes on Linux; the self-test must use a throwaway file instead.
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    # A configured server the self-test must not touch (nothing listens on port 9).
    env["CPE_DATABASE_URL"] = "postgresql://nobody@127.0.0.1:9/not-a-database"
    return env


def _run(tmp_path: Path, *command: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *command],
        cwd=tmp_path,
        env=_environment(tmp_path),
        capture_output=True,
        text=True,
        timeout=180,
    )


def _check_lines(stdout: str) -> list[tuple[str, str]]:
    """(verdict, check name) for each check line."""
    found = []
    for line in stdout.splitlines():
        words = line.split()
        if len(words) >= 2 and words[0] in ("ok", "FAIL"):
            found.append((words[0], words[1]))
    return found


def test_self_test_passes_with_one_line_per_check(tmp_path):
    result = _run(tmp_path, "-m", "cpe_desktop", "--self-test")

    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"self-test: CPE Tracker {__version__} (from source)")
    assert _check_lines(result.stdout) == [("ok", name) for name in CHECKS]
    assert lines[-1] == f"self-test: all {len(CHECKS)} checks passed"
    assert "Traceback" not in result.stderr


def test_self_test_leaves_the_persons_data_and_settings_alone(tmp_path):
    result = _run(tmp_path, str(ROOT / "main.py"), "--self-test")

    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "data").exists()
    config = tmp_path / "config"
    assert not config.exists() or not any(config.rglob("CPE Tracker*"))


def test_a_broken_installation_fails_and_every_check_still_reports(tmp_path):
    # The program as if its resources/ folder had not been installed.
    code = (
        "import sys\n"
        "from pathlib import Path\n"
        "from cpe_desktop import paths, self_test\n"
        "paths.resources_dir = lambda: Path(sys.argv[1])\n"
        "sys.exit(self_test.run())\n"
    )
    result = _run(tmp_path, "-c", code, str(tmp_path / "missing-resources"))

    assert result.returncode == 1, result.stdout + result.stderr
    verdicts = {name: verdict for verdict, name in _check_lines(result.stdout)}
    assert list(verdicts) == list(CHECKS)
    assert verdicts["resources"] == "FAIL"
    assert verdicts["database"] == "FAIL"  # the shipped requirement data is missing too
    assert verdicts["window"] == "FAIL"  # needs the database
    # checks that do not need the missing parts still run, and pass
    assert [verdicts[name] for name in ("scheduler", "pdf", "libraries")] == ["ok"] * 3
    assert result.stdout.splitlines()[-1].endswith("checks FAILED")
