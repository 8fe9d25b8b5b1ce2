"""Benchmark: from File › Quit to the process gone, with nothing pending and after a change.

Why: leaving should feel instant (issue 15 measured about 2 s). Each run starts a fresh Python
process running the real program (``main()`` with ``--db``, one person without a password, so no
sign-in dialog waits; reminders and the automatic backups on, as the program runs), waits for the
window and the first deadline check, then chooses File › Quit. The child prints the moments of the
steps of leaving, relative to Quit: the window closed and Quit signalled (``closed``), Qt's
``aboutToQuit`` (``about_to_quit``), ``app.exec()`` returned (``exec_returned``), ``main()``
returned (``main_returned``); the parent adds the process's end (``exited``, which includes
Python's own shutdown). Three cases: nothing changed since the start; the day's first start
(its automatic backup made at start, nothing changed since: no backup is due at close); and a
record added (the backup at close runs). Medians of ``--runs`` runs. Not collected by pytest;
see README.md.

    .venv/bin/python tests/benchmarks/bench_quit.py
    .venv/bin/python tests/benchmarks/bench_quit.py --runs 9 --records 20000
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = r"""
import sys, time
change = sys.argv[3] == "change"
marks = {}
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from cpe_desktop.ui import launch as app_module
from cpe_desktop.ui import main_window

original_show = main_window.MainWindow.showEvent
def mark(name):
    marks[name] = time.perf_counter()

def leave(window):
    if change:
        from cpe_desktop.services import records
        outcome = records.create_record(window.ctx, {
            "title": "Quit benchmark", "completed_on": "2026-01-05",
            "delivery_method": "Group Live", "credits": [{"field": "Taxes", "credits": 1}],
        })
        window.bus.publish(outcome.changes)
    window.quitRequested.connect(lambda: mark("closed"))
    QApplication.instance().aboutToQuit.connect(lambda: mark("about_to_quit"))
    mark("quit")
    window.quit()

def shown(self, event):
    original_show(self, event)
    QTimer.singleShot(1500, lambda: leave(self))  # after the start's own work has settled
main_window.MainWindow.showEvent = shown

original_run = app_module.run_gui
def run_gui(args):
    application = app_module.make_application()
    original_exec = type(application).exec  # static in PySide6
    def timed_exec():
        code = original_exec()
        mark("exec_returned")
        return code
    application.exec = timed_exec
    return original_run(args)
app_module.run_gui = run_gui

from cpe_desktop.cli import main
code = main(["--db", sys.argv[2]])
mark("main_returned")
start = marks["quit"]
print("MARKS " + " ".join(f"{k}={v - start:.4f}" for k, v in marks.items()), flush=True)
print(f"QUIT_AT {time.time() - (time.perf_counter() - start):.6f}", flush=True)
sys.exit(code)
"""
STEPS = ("closed", "about_to_quit", "exec_returned", "main_returned", "exited")


def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CPE_DATA_DIR"] = str(data_dir)
    env.pop("CPE_DATABASE_URL", None)
    return env


def run_once(db: Path, data_dir: Path, case: str) -> dict[str, float]:
    if case == "first":  # the day's first start: the automatic backup is due (and made) at start
        shutil.rmtree(data_dir / "backups", ignore_errors=True)
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, "", str(db), case],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=_environment(data_dir),
    )
    try:
        out, _ = process.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        process.kill()  # a dialog waiting, say: never leave the child behind
        raise
    ended = time.time()
    if process.returncode != 0:
        raise SystemExit(f"the program exited with {process.returncode}:\n{out}")
    marks_line = next(line for line in out.splitlines() if line.startswith("MARKS"))
    marks = dict(
        (key, float(value)) for key, value in (part.split("=") for part in marks_line.split()[1:])
    )
    quit_at = float(
        next(line for line in out.splitlines() if line.startswith("QUIT_AT")).split()[1]
    )
    marks["exited"] = ended - quit_at
    return marks


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=2_000)
    args = parser.parse_args()

    from bench_table_open import build  # the same fast builder as the table benchmark

    work = Path(tempfile.mkdtemp(prefix="cpe-bench-quit-"))
    db = work / f"records-{args.records}.db"
    build(db, args.records, users=1)
    cases = {
        "nothing changed": "still",
        "first of the day": "first",  # nothing changed, a backup made at start
        "a record added": "change",
    }
    run_once(db, work, "still")  # warm the disk cache and .pyc files
    results: dict[str, list[dict[str, float]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            results[name].append(run_once(db, work, case))
    print(f"File › Quit to each step of leaving, ms, median (min–max) of {args.runs} runs")
    print(f"({args.records:,} records; the process's end includes Python's own shutdown)\n")
    print(f"{'':18s}" + "".join(f"{step:>22s}" for step in STEPS))
    for name, runs in results.items():
        cells = []
        for step in STEPS:
            values = [run[step] * 1000 for run in runs if step in run]
            if not values:
                cells.append(f"{'—':>22s}")
                continue
            text = f"{statistics.median(values):.0f} ({min(values):.0f}–{max(values):.0f})"
            cells.append(f"{text:>22s}")
        print(f"{name:18s}" + "".join(cells))


if __name__ == "__main__":
    main()
