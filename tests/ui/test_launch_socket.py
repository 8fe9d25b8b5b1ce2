"""The window's start opens its single-instance socket late (``ui/launch.py``): once the window
has been painted, or at once when a dialog waits for the person first. Either way a second
launch on the same database finds it and is forwarded. The check boxes' edges
(``outlined_style.OutlinedIndicators``) come at the same moment. Each start is a real program in a
process of its own."""

from __future__ import annotations

import os
import queue
import subprocess
import sys
import textwrap
import threading
from pathlib import Path

import pytest

from cpe_desktop.ui.single_instance import SingleInstance

ROOT = Path(__file__).resolve().parents[2]

PREPARE = """
    import sys
    from cpe_desktop.startup import open_database
    db = open_database(sys.argv[1])
    if sys.argv[2] == "person":
        db.execute_sql(
            "INSERT INTO users (name, email, role, active, created_at, updated_at)"
            " VALUES ('Pat', 'pat@example.com', 'admin', 1, '2026-01-01', '2026-01-01')"
        )
    db.close()
"""
# The program on the database; says whether its check boxes' edges were drawn (ui/theme.py)
# when its window was first painted, when its socket listens (whether its main window exists
# then, and the edges drawn), and when it is asked to come forward.
START = """
    import sys
    from PySide6.QtWidgets import QApplication
    from cpe_desktop.ui import controller, first_paint, single_instance, theme
    def style():
        outlined = theme._state.style is not None and not theme._state.outline_later
        return "outlined" if outlined else "plain"
    queue = first_paint.after_first_paint
    def after_first_paint(widget, work):
        def run():
            if not getattr(first_paint, "seen", False):
                first_paint.seen = True
                print("painted", style(), flush=True)
            work()
        queue(widget, run)
    first_paint.after_first_paint = after_first_paint
    listen = single_instance.SingleInstance.listen
    def listening(self):
        done = listen(self)
        shown = [type(w).__name__ for w in QApplication.topLevelWidgets() if w.isVisible()]
        window = "window" if "MainWindow" in shown else "no-window"
        print("listening", window, style(), flush=True)
        return done
    single_instance.SingleInstance.listen = listening
    def bring_to_front(self):
        print("forward", flush=True)
    controller.Controller.bring_to_front = bring_to_front
    from cpe_desktop.cli import main
    main(["--db", sys.argv[1]])
"""


def _lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The child's output lines as they come (a start that never says what is awaited fails on
    a timeout instead of blocking the test run)."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line.strip())
        lines.put("(ended)")

    threading.Thread(target=read, daemon=True).start()
    return lines


@pytest.mark.parametrize(
    ("people", "shown"),
    [("person", "window"), ("nobody", "no-window")],  # nobody: the welcome dialog waits
)
def test_a_second_launch_is_forwarded_once_the_start_listens(qtbot, tmp_path, people, shown):
    db = tmp_path / "cpe-tracker.db"
    env = {**os.environ, "CPE_DATA_DIR": str(tmp_path / "data"), "QT_QPA_PLATFORM": "offscreen"}
    env.pop("CPE_DATABASE_URL", None)
    subprocess.run(
        [sys.executable, "-c", textwrap.dedent(PREPARE), str(db), people],
        check=True,
        env=env,
        cwd=ROOT,
        capture_output=True,
    )
    with subprocess.Popen(
        [sys.executable, "-c", textwrap.dedent(START), str(db)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ) as first:
        lines = _lines(first)
        try:
            if shown == "window":
                assert lines.get(timeout=60) == "painted plain"  # edges after the first paint
            assert lines.get(timeout=60) == f"listening {shown} outlined"
            second = SingleInstance(str(db))
            assert second.claim(knock_for_ms=0) is False
            assert second.forwarded
            assert lines.get(timeout=60) == "forward"
        finally:
            first.kill()
            while lines.get(timeout=60) != "(ended)":  # the reader done before the pipe closes
                pass
