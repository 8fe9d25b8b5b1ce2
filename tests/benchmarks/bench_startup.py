"""Benchmark: from process start to the main window shown, on an empty database and on a
20,000-record one.

Why: people double-click the program many times a day; it must come up quickly however much
history they keep. Each run starts a fresh Python process running the real program (``main()``
with ``--db``), which prints how long after the parent started it the main window's first
``showEvent`` came, then quits. One person without a password, so no sign-in dialog waits.
Also printed, as the baseline in the same run: a bare ``python -c "import PySide6.QtWidgets"``
process. Medians of ``--runs`` runs, interleaved. Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

CHILD = """
import sys, time
started = float(sys.argv[1])
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from cpe_desktop.ui import main_window
original = main_window.MainWindow.showEvent
def shown(self, event):
    original(self, event)
    print(f"SHOWN {time.time() - started:.4f}", flush=True)
    QTimer.singleShot(0, QApplication.quit)
main_window.MainWindow.showEvent = shown
from cpe_desktop.cli import main
sys.exit(main(["--db", sys.argv[2]]))
"""
BASELINE = "import PySide6.QtWidgets"


def _environment(data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CPE_DATA_DIR"] = str(data_dir)
    env.pop("CPE_DATABASE_URL", None)
    return env


def time_window(db: Path, data_dir: Path) -> float:
    started = time.time()
    out = subprocess.run(
        [sys.executable, "-c", CHILD, repr(started), str(db)],
        capture_output=True,
        text=True,
        env=_environment(data_dir),
        check=True,
        timeout=120,
    ).stdout
    return float(next(line for line in out.splitlines() if line.startswith("SHOWN")).split()[1])


def time_baseline(data_dir: Path) -> float:
    started = time.time()
    subprocess.run([sys.executable, "-c", BASELINE], env=_environment(data_dir), check=True)
    return time.time() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--records", type=int, default=20_000)
    args = parser.parse_args()

    from bench_table_open import build  # the same fast builder as the table benchmark

    work = Path(tempfile.mkdtemp(prefix="cpe-bench-start-"))
    empty, full = work / "empty.db", work / f"records-{args.records}.db"
    build(empty, 0, users=1)
    build(full, args.records, users=1)
    cases = {
        "python + import PySide6.QtWidgets": lambda: time_baseline(work),
        "CPE Tracker, empty database": lambda: time_window(empty, work),
        f"CPE Tracker, {args.records:,} records": lambda: time_window(full, work),
    }
    for case in cases.values():  # warm the disk cache and .pyc files
        case()
    results: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.runs):
        for name, case in cases.items():
            results[name].append(case())
    base = statistics.median(results["python + import PySide6.QtWidgets"])
    print(f"Process start to main window shown, median of {args.runs} runs\n")
    print(f"{'':40s}{'median':>10s}{'min':>10s}{'max':>10s}{'vs import':>11s}")
    for name, values in results.items():
        median = statistics.median(values)
        print(
            f"{name:40s}{median * 1000:8.0f}ms{min(values) * 1000:8.0f}ms"
            f"{max(values) * 1000:8.0f}ms{median / base:10.1f}x"
        )


if __name__ == "__main__":
    main()
