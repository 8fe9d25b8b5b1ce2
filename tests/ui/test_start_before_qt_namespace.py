"""The window's first paint comes before PySide6 builds its ``Qt`` namespace (issue 18).

The first time a program touches any ``Qt.…`` enum, PySide6 builds the whole namespace, a
hundred Python enum types: 15 to 25 ms of the start. The first window needs none of it
(``ui/qt_numbers.py``), and the theme takes the system's scheme kept at the last start until the
window has been painted (``ui/theme._system_scheme_now``). Here the real program starts twice on
one database in processes of their own: the first start asks the platform (nothing kept yet),
the second paints its window with the namespace not yet built, then asks once painted."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers.program_start import ONE_PERSON

ROOT = Path(__file__).resolve().parents[2]

# The program on the database: at its window's first paint, says whether the namespace was built
# and which scheme the theme took; once painted, which scheme is kept; then leaves.
START = """
    import os, sys
    import PySide6.QtCore as core
    from cpe_desktop.ui import first_paint, theme
    queue = first_paint.after_first_paint
    def after_first_paint(widget, work):
        def run():
            if not getattr(first_paint, "seen", False):
                first_paint.seen = True
                built = "built" if "Qt" in core.__dict__ else "not-built"
                print("painted", built, theme.current_scheme(), flush=True)
                work()
                from PySide6.QtCore import QSettings
                print("kept", QSettings().value(theme.SYSTEM_SCHEME_KEY), flush=True)
                os._exit(0)
            work()
        queue(widget, run)
    first_paint.after_first_paint = after_first_paint
    from cpe_desktop.cli import main
    main(["--db", sys.argv[1]])
"""


def test_the_second_start_paints_before_the_qt_namespace_is_built(tmp_path):
    db = tmp_path / "cpe-tracker.db"
    env = {
        **os.environ,
        "CPE_DATA_DIR": str(tmp_path / "data"),
        "QT_QPA_PLATFORM": "offscreen",
        "XDG_CONFIG_HOME": str(tmp_path / "config"),  # the program's QSettings
    }
    env.pop("CPE_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-c", ONE_PERSON, str(db)],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )

    def start() -> list[str]:
        done = subprocess.run(
            [sys.executable, "-c", textwrap.dedent(START), str(db)],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        return [line for line in done.stdout.splitlines() if line.startswith(("painted", "kept"))]

    # Offscreen, the platform reports no scheme: light.
    assert start() == ["painted built light", "kept light"]  # nothing kept: the platform asked
    assert start() == ["painted not-built light", "kept light"]
