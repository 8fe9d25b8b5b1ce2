"""What the window's start imports before its first paint (issue 18): psycopg only for a
PostgreSQL server, PySide6's look at each imported module made without ``inspect``, and none of
what the start defers (the migration steps of an up-to-date database, QtNetwork for the
single-instance socket, playhouse's URL parser, platformdirs with a data folder given, the
commands' parsers, zoneinfo while the time zone preference is "local", the edged-indicator
style, the compliance engine and the rules' dataclasses with the dashboard's cards and rows,
``logging.handlers``, the command line's parser, the date inputs, Qt classes the first window
does not show); and the window's cycle collector starts only after the first paint.

Each case runs in a fresh interpreter: what one process has imported cannot be undone.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

from tests.helpers.program_start import ONE_PERSON


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


# The real start on that database; what is imported when the work after the first paint begins
# (the first such work queued is the dashboard's), and whether the window's cycle collector had
# started by then and soon after; then leave.
FIRST_PAINT = """
    import os, sys
    from cpe_desktop.ui import first_paint, gc_guard
    collecting = []
    start = gc_guard.MainThreadCollector.start
    def started(self):
        collecting.append(True)
        start(self)
    gc_guard.MainThreadCollector.start = started
    def finish():
        print("THEN", bool(collecting), flush=True)
        os._exit(0)
    queue = first_paint.after_first_paint
    first = []
    def after_first_paint(widget, work):
        def run():
            if not first:
                first.append(True)
                names = sorted(n for n in sys.modules if n.startswith(DEFERRED))
                # Qt classes are made (with their enum types) when first imported by name.
                for module, classes in QT_DEFERRED.items():
                    made = vars(sys.modules[module])
                    names += [f"{module}.{c}" for c in classes if c in made]
                window = "cpe_desktop.ui.main_window" in sys.modules
                print("DEFERRED", names, "WINDOW" if window else "", bool(collecting))
                sys.stdout.flush()
                from PySide6.QtCore import QTimer
                QTimer.singleShot(100, finish)
            work()
        queue(widget, run)
    first_paint.after_first_paint = after_first_paint
    DEFERRED = (
        "cpe_desktop.db.migrations.m0",
        "PySide6.QtNetwork",
        "playhouse.db_url",
        "platformdirs",
        "cpe_desktop.cli_server",
        "zoneinfo",
        "cpe_desktop.ui.outlined_style",
        "cpe_desktop.services.compliance",
        "cpe_desktop.rules.compliance",
        "cpe_desktop.rules.facts",
        "cpe_desktop.rules.component_facts",
        "cpe_desktop.ui.widgets.license_card",
        "cpe_desktop.ui.widgets.firm_row",
        "logging.handlers",
        "cpe_desktop.cli_parser",
        "cpe_desktop.ui.date_edits",
    )
    QT_DEFERRED = {
        "PySide6.QtCore": ("QThread",),
        "PySide6.QtWidgets": (
            "QDialog", "QGridLayout", "QDateEdit", "QDateTimeEdit", "QListWidget", "QMessageBox",
            "QFileDialog", "QSizePolicy",
        ),
    }
    from cpe_desktop.cli import main
    main(["--db", sys.argv[1]])
"""


def test_the_first_paint_waits_for_none_of_what_the_start_defers(tmp_path) -> None:
    db = tmp_path / "cpe-tracker.db"
    env = {"CPE_DATA_DIR": str(tmp_path / "data")}
    subprocess.run(
        [sys.executable, "-c", ONE_PERSON, str(db)],
        check=True,
        env={**os.environ, **env},
        capture_output=True,
    )
    out = _run(FIRST_PAINT.replace("sys.argv[1]", repr(str(db))), **env)
    assert out.splitlines()[-2:] == ["DEFERRED [] WINDOW False", "THEN True"]


def test_every_migration_step_names_a_module_with_its_apply() -> None:
    out = _run(
        """
        import importlib
        from cpe_desktop.db.migrations import STEPS, latest_version
        print(len(STEPS), latest_version())
        for step in STEPS:
            module = importlib.import_module(f"cpe_desktop.db.migrations.{step.apply.name}")
            print(step.version, module.__name__.rsplit(".", 1)[-1][:5], callable(module.apply))
        """
    )
    first, *lines = out.splitlines()
    count, latest = first.split()
    # Steps 1, 2, … up to the latest, however many there are (adding one needs no edit here).
    assert count == latest and int(latest) >= 1
    assert lines == [f"{n} m{n:04d} True" for n in range(1, int(latest) + 1)]
