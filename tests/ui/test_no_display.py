"""Starting the window on Linux without any display says in words what is missing (one line, a
non-zero exit), instead of Qt's raw "could not connect to display … xcb plugin" abort."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11/Wayland are Linux's")
def test_no_display_is_said_in_words(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    env["CPE_DATA_DIR"] = str(tmp_path / "data")
    env.pop("CPE_DATABASE_URL", None)
    done = subprocess.run(
        [sys.executable, "-m", "cpe_desktop", "--db", str(tmp_path / "cpe.db")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    said = done.stderr.strip()
    assert len(said.splitlines()) == 1, said
    assert "no display" in said.lower()
    assert "desktop" in said and "cpe-tracker --help" in said
    assert "xcb" not in said and "plugin" not in said
    assert not (tmp_path / "cpe.db").exists()  # nothing was opened or created
