"""What the window's start imports before its first paint (issue 18): psycopg only for a
PostgreSQL server, and PySide6's look at each imported module made without ``inspect``.

Each case runs in a fresh interpreter: what one process has imported cannot be undone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest


def _run(code: str, **env: str) -> str:
    environment = {k: v for k, v in os.environ.items() if k != "CPE_DATABASE_URL"}
    environment.update(env)
    environment.setdefault("QT_QPA_PLATFORM", "offscreen")
    result = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)],
        capture_output=True,
        text=True,
        env=environment,
        timeout=120,
        check=True,
    )
    return result.stdout.strip()


WITHOUT_COMMAND = """
    import sys
    from cpe_desktop import cli
    try:
        cli.main(["--version"])  # no command: what the window's start does first
    except SystemExit:
        pass
    import peewee
    print("psycopg" in sys.modules, peewee.psycopg is None)
    import psycopg  # still importable by whatever asks for it
    print(psycopg.__name__)
"""


def test_a_start_without_a_command_imports_peewee_without_psycopg() -> None:
    pytest.importorskip("psycopg")
    assert _run(WITHOUT_COMMAND).splitlines()[-2:] == ["False True", "psycopg"]


def test_a_postgresql_url_keeps_psycopg_for_peewee() -> None:
    pytest.importorskip("psycopg")
    out = _run(WITHOUT_COMMAND, CPE_DATABASE_URL="postgresql://someone@localhost/cpe")
    assert out.splitlines()[-2] == "True False"


def test_a_command_imports_peewee_as_it_is() -> None:
    pytest.importorskip("psycopg")
    out = _run(
        """
        import sys
        from cpe_desktop import cli
        try:
            cli.main(["status", "--help"])
        except SystemExit:
            pass
        import peewee
        print(peewee.psycopg is None)
        """
    )
    assert out.splitlines()[-1] == "False"


def test_the_quick_scan_answers_as_pyside6_does() -> None:
    out = _run(
        """
        import sys, inspect, linecache
        import PySide6
        feature = sys.modules["shibokensupport.feature"]
        slow = feature._mod_uses_pyside
        from cpe_desktop.ui.import_scan import scan_imports_quickly
        scan_imports_quickly()
        quick = feature._mod_uses_pyside
        import json, sqlite3, cpe_desktop.ui.first_paint, cpe_desktop.rules.wording
        print(any(key.endswith("wording.py") for key in linecache.cache))
        names = ["json", "sqlite3", "_sqlite3", "sys", "cpe_desktop.ui.first_paint",
                 "cpe_desktop.rules.wording", "PySide6"]
        print(quick is not slow)
        print([slow(sys.modules[n]) == quick(sys.modules[n]) for n in names].count(False))
        print(quick(sys.modules["cpe_desktop.ui.first_paint"]))
        """
    )
    assert out.splitlines() == ["False", "True", "0", "True"]
