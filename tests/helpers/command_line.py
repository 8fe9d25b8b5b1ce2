"""The real command line in a subprocess, on a given database with a data folder of its own:
shared by the import and export tests of ``tests/cli``."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def run_cli(data_dir: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """``cpe-tracker --db DB ARGS...`` run in ``data_dir`` (its data folder too)."""
    env = {key: value for key, value in os.environ.items() if key != "CPE_DATABASE_URL"}
    env.update(CPE_DATA_DIR=str(data_dir), QT_QPA_PLATFORM="offscreen")
    return subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(db), *args],
        env=env,
        cwd=data_dir,
        capture_output=True,
        text=True,
        timeout=120,
    )
