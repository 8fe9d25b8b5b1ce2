"""Adding a plain table is one module plus a migration step (ARCHITECTURE.md §5).

This proves the promise on a copy, whatever plain tables the program has of its own: the
example declaration ``tests/plain_table_trial/planned_courses.py`` is put in the copy's
``cpe_desktop/db/plain_tables/`` (the one edit), its migration step in
``cpe_desktop/db/migrations/`` with its line in ``STEPS`` (the migration), its own tests
beside the others, and nothing else is touched. Then the copy runs the tests that hold every
table to the rules (a change kind, a tab, a form, an entity, sample rows, a schema that has
every column, the demo firm's rows, the account's export and import, the main window's tabs,
the table model checker) and the example's own tests, on SQLite, in a separate process.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

from cpe_desktop.db.migrations import STEPS

ROOT = Path(__file__).resolve().parent.parent
TRIAL = Path(__file__).resolve().parent / "plain_table_trial"

# The tests that run over every table, form, entity, section and model.
EVERY_TABLE = (
    "tests/services/test_change_kinds.py",
    "tests/services/editing/test_entities.py",
    "tests/services/editing/test_samples.py",
    "tests/services/tables/test_tables.py",
    "tests/services/test_foreign_key_ownership.py",
    "tests/services/test_demo.py",
    "tests/services/test_account_archive.py",
    "tests/services/interchange/test_json_sections.py",
    "tests/services/interchange/test_json_golden.py",
    "tests/db/test_migrations.py",
    "tests/db/test_migrations_initial.py",
    "tests/ui/test_main_window.py",
    "tests/ui/test_table_model.py",
    "tests/ui/forms/test_forms.py",
    "tests/test_start_imports.py",
    "tests/test_layering.py",
)


def _copy_program(into: Path) -> None:
    skip = shutil.ignore_patterns("__pycache__", "*.pyc", ".pytest_cache")
    for name in ("cpe_desktop", "tests", "resources"):
        shutil.copytree(ROOT / name, into / name, ignore=skip)
    for name in ("pyproject.toml", "main.py"):
        shutil.copy2(ROOT / name, into / name)


def _add_the_table(program: Path) -> str:
    """The one edit and the migration; returns the step's module name."""
    shutil.copy2(TRIAL / "planned_courses.py", program / "cpe_desktop/db/plain_tables")
    number = len(STEPS) + 1
    module = f"m{number:04d}_planned_courses"
    shutil.copy2(TRIAL / "migration_step.py", program / f"cpe_desktop/db/migrations/{module}.py")
    steps = program / "cpe_desktop/db/migrations/__init__.py"
    text = steps.read_text(encoding="utf-8")
    line = f'    Step({number}, "add planned_courses", StepModule("{module}")),\n'
    # The line goes last in STEPS: the tuple's closing parenthesis, alone on its line.
    edited, found = re.subn(r"(\nSTEPS\b.*?\n)(\)\n)", rf"\g<1>{line}\g<2>", text, flags=re.S)
    assert found == 1, "STEPS is no longer a tuple closed on its own line: update this test"
    steps.write_text(edited, encoding="utf-8")
    shutil.copy2(
        TRIAL / "planned_courses_tests.py", program / "tests/services/test_planned_courses.py"
    )
    return module


def test_a_plain_table_is_one_module_and_a_migration(tmp_path):
    program = tmp_path / "program"
    _copy_program(program)
    module = _add_the_table(program)
    env = {k: v for k, v in os.environ.items() if k != "CPE_TEST_POSTGRES_URL"}
    env["PYTHONPATH"] = str(program)
    env["QT_QPA_PLATFORM"] = "offscreen"

    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:randomly",
            *EVERY_TABLE,
            "tests/services/test_planned_courses.py",
        ],
        cwd=program,
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )

    report = run.stdout[-6000:] + run.stderr[-3000:]
    assert run.returncode == 0, report
    # The copy really had the table: its own tests ran, and the schema took the step.
    assert re.search(r"\b(\d+) passed\b", run.stdout), report
    check = subprocess.run(
        [
            sys.executable,
            "-c",
            "from cpe_desktop.db.models import ALL_MODELS; from cpe_desktop.db import migrations;"
            "print('planned_courses' in [m._meta.table_name for m in ALL_MODELS],"
            " migrations.STEPS[-1].apply.name)",
        ],
        cwd=program,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.stdout.split() == ["True", module], check.stderr
