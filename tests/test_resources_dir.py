"""Where the program finds its resources (paths.resources_dir): from source, ``resources/``
beside the package, found once at import; in the frozen bundle, inside it (tests/test_build_spec.py
holds that one)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cpe_desktop import paths


def test_from_source_the_folder_beside_the_package(monkeypatch) -> None:
    monkeypatch.delattr(sys, "_MEIPASS", raising=False)
    beside = Path(paths.__file__).resolve().parent.parent / "resources"
    assert paths.resources_dir() == beside
    assert paths.resource("icons", "app-16.png") == beside / "icons" / "app-16.png"
    assert paths.resource("icons", "app-16.png").is_file()


def test_the_package_reached_through_a_link_is_resolved(tmp_path) -> None:
    """Found as the resolved path was found at each call: a package imported through a symbolic
    link still reads the resources beside the real one."""
    package = Path(paths.__file__).resolve().parent
    link = tmp_path / "linked"
    link.mkdir()
    (link / "cpe_desktop").symlink_to(package, target_is_directory=True)
    out = subprocess.run(
        [sys.executable, "-c", "from cpe_desktop import paths; print(paths.resources_dir())"],
        capture_output=True,
        text=True,
        check=True,
        cwd=link,
        env={**os.environ, "PYTHONPATH": str(link)},
    ).stdout.strip()
    assert out == str(package.parent / "resources")
