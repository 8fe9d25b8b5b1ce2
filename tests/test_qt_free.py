"""The Qt-free tests do not import Qt: collecting ``tests/rules``, ``tests/db``,
``tests/services`` and ``tests/cli`` (their conftests, test modules and the helpers they use)
leaves PySide6 and ``cpe_desktop.ui`` out of ``sys.modules``, so they would run on a machine
without PySide6 and the core stays usable without the window.

Collection runs in a subprocess with pytest-qt turned off (it imports PySide6 itself, to find
the binding, whatever the tests are), and so without its settings in ``pyproject.toml``. The
check on ``tests/scheduler``, whose tests drive Qt's timer, shows the probe sees Qt when it is
there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

PROBE = """
import json, sys
import pytest

class Probe:
    def pytest_collection_finish(self, session):
        self.tests = len(session.items)
        self.qt = sorted(
            name for name in sys.modules
            if name.split(".")[0] in ("PySide6", "shiboken6") or name.startswith("cpe_desktop.ui")
        )

probe = Probe()
code = pytest.main(
    ["--collect-only", "-q", "-p", "no:pytest-qt", "-p", "no:cacheprovider", "-o", "addopts=",
     "-W", "ignore::pytest.PytestConfigWarning", *sys.argv[1:]],
    plugins=[probe],
)
print(json.dumps({"code": int(code), "tests": probe.tests, "qt": probe.qt}))
"""


def _collect(*folders: str) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", PROBE, *folders],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_collecting_the_qt_free_tests_imports_no_qt():
    found = _collect("tests/rules", "tests/db", "tests/services", "tests/cli")
    assert found["code"] == 0
    assert found["tests"] > 1000
    assert found["qt"] == []


def test_the_probe_sees_qt_where_tests_import_it():
    found = _collect("tests/scheduler")
    assert "PySide6" in found["qt"] and "cpe_desktop.ui.gc_guard" in found["qt"]
