"""Benchmark: the program's memory with a large database and the records tab open, next to a bare
PySide6 window in the same run.

Why: a program left open all day should not hold on to more memory than a window needs; issue 18
asks for at most 150 MB, and at most a bare window + 60 MB, on a 100,000-record database. Each
case starts a fresh Python process offscreen: the bare window (``QApplication`` + ``QMainWindow``
shown); the real program (``main()`` with ``--db``, one person without a password, reminders
and automatic backups on) with its CPE Records tab shown and painted. ``--settle`` seconds later
(the start's background work done) the child reports its resident set size (``VmRSS``) and its
peak (``VmHWM``) from ``/proc/self/status``, and Python's own allocations
(``tracemalloc``: ``--trace`` only, it slows the start). Medians of ``--runs`` runs.

Linux only (``/proc``). Not collected by pytest; see README.md.

    .venv/bin/python tests/benchmarks/bench_memory.py
    .venv/bin/python tests/benchmarks/bench_memory.py --records 100000 --runs 3 --trace
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

REPORT = r"""
import os, sys, tracemalloc

def report():
    fields = {}
    with open("/proc/self/status") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.split()[0] if value.split() else "0"
    traced = tracemalloc.get_traced_memory()[0] if tracemalloc.is_tracing() else 0
    print(f"MEMORY {fields['VmRSS']} {fields['VmHWM']} {traced}", flush=True)
    os._exit(0)

def report_later(settle_ms):
    from PySide6.QtCore import QTimer  # (imported by then; not ahead of the program)

    QTimer.singleShot(settle_ms, report)
"""

BARE = (
    "import sys\n"
    + "if sys.argv[2] == 'trace':\n    import tracemalloc; tracemalloc.start()\n"
    + REPORT
    + r"""
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(1100, 720)
window.show()
report_later(int(sys.argv[1]))
sys.exit(app.exec())
"""
)

PROGRAM = (
    "import sys\n"
    + "if sys.argv[2] == 'trace':\n    import tracemalloc; tracemalloc.start()\n"
    + REPORT
    + r"""
# The window class is patched as the program imports its module (importing it here first would
# import the program in another order than its entry point does).
import importlib.machinery
def patch(main_window):
    original = main_window.MainWindow.showEvent
    def shown(self, event):
        original(self, event)
        if not getattr(self, "_measured", False):
            from PySide6.QtCore import QTimer

            self._measured = True
            QTimer.singleShot(0, lambda: self.show_table("records"))
            report_later(int(sys.argv[1]))
    main_window.MainWindow.showEvent = shown
class WhenWindowImported:
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name != "cpe_desktop.ui.main_window":
            return None
        sys.meta_path.remove(WhenWindowImported)
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            run(module)
            patch(module)
        spec.loader.exec_module = exec_module
        return spec
sys.meta_path.insert(0, WhenWindowImported)
from cpe_desktop.cli import main
sys.exit(main(["--db", sys.argv[3]]))
"""
)


def measure(code: str, argv: list[str], env: dict[str, str]) -> tuple[float, float, float]:
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        env=env,
        check=True,
        timeout=300,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("MEMORY"))
    rss, peak, traced = (int(value) for value in line.split()[1:])
    return rss / 1024, peak / 1024, traced / 2**20  # MB (kB from /proc), MB


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--settle", type=float, default=3.0, help="seconds after the window")
    parser.add_argument("--trace", action="store_true", help="also count Python's allocations")
    args = parser.parse_args()
    if not Path("/proc/self/status").is_file():
        raise SystemExit("needs Linux's /proc")

    from bench_table_open import build  # the same fast builder as the table benchmark

    work = Path(tempfile.mkdtemp(prefix="cpe-bench-memory-"))
    db = work / f"records-{args.records}.db"
    build(db, args.records, users=1)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CPE_DATA_DIR"] = str(work)
    env.pop("CPE_DATABASE_URL", None)
    settle = str(int(args.settle * 1000))
    trace = "trace" if args.trace else "plain"
    cases = {
        "bare PySide6 window": lambda: measure(BARE, [settle, trace], env),
        f"CPE Tracker, records tab, {args.records:,} records": lambda: measure(
            PROGRAM, [settle, trace, str(db)], env
        ),
    }
    results: dict[str, list[tuple[float, float, float]]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            results[name].append(case())
    print(f"Memory {args.settle:.0f} s after the window showed, MB, median of {args.runs} runs\n")
    print(f"{'':48s}{'RSS':>8s}{'peak':>8s}{'Python':>8s}{'vs bare':>9s}")
    bare = statistics.median(rss for rss, _, _ in results["bare PySide6 window"])
    for name, runs in results.items():
        rss = statistics.median(r for r, _, _ in runs)
        peak = statistics.median(p for _, p, _ in runs)
        traced = statistics.median(t for _, _, t in runs)
        python = f"{traced:8.1f}" if args.trace else f"{'—':>8s}"
        print(f"{name:48s}{rss:8.1f}{peak:8.1f}{python}{rss - bare:+9.1f}")


if __name__ == "__main__":
    main()
