"""Benchmark: how long the window's thread stalls while a large CSV is imported.

Why: the design promises that long work runs as a task off the GUI thread and the window stays
responsive. This imports the same large records CSV into fresh copies of one database three
ways per run: synchronously on the GUI thread (what the program did before tasks), as a task
through ``TaskRunner``, and as a task while the window makes one short write 0.5 s in.
Meanwhile a 10 ms ``QTimer`` ticks on the GUI thread and a ``QElapsedTimer`` measures the gap
between ticks; the longest gap is the longest time the window could not repaint or react to a
click. Also printed: each import's duration, and for the third way how long the window's write
waited and whether the import survived it. With SQLite's default deferred transactions a write
from the window between the import's first read and first write makes the import fail
("database is locked"); taking the write lock at BEGIN (``lock_type="IMMEDIATE"``) turns that
into the window's write waiting for the import instead.

Not collected by pytest; see README.md in this folder. Run from the project root:

    .venv/bin/python tests/benchmarks/bench_gui_responsiveness.py
    .venv/bin/python tests/benchmarks/bench_gui_responsiveness.py --records 20000 --runs 3
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import os
import platform
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6
from PySide6.QtCore import QElapsedTimer, QEventLoop, QTimer
from PySide6.QtWidgets import QApplication

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import database
from cpe_desktop.services import tasks, users
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.interchange import import_file
from cpe_desktop.ui.task_runner import TaskRunner

TICK_MS = 10
WRITE_AT_MS = 500
FIELDS = ("Taxes", "Auditing", "Accounting", "Finance", "Regulatory Ethics")
HEADER = ("completed_on", "title", "sponsor", "delivery_method", "field_of_study", "credits")


def build(folder: Path, records: int) -> tuple[Path, Path]:
    """A fresh database with one person, and a records CSV of ``records`` new records."""
    base = folder / "base.db"
    db = make_database(str(base))
    bind(db)
    db.connect()
    migrate(db)
    users.create_user(ServiceContext(SYSTEM), {"name": "Bench Admin", "email": "b@example.com"})
    db.close()
    source = folder / "records.csv"
    start = dt.date(2016, 1, 1)
    with source.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(records):
            day = (start + dt.timedelta(days=i % 3650)).isoformat()
            writer.writerow(
                (day, f"Course {i}", f"Sponsor {i % 17}", "Group Live", FIELDS[i % 5], 2)
            )
    return base, source


class StallMeter:
    """Ticks every 10 ms on the GUI thread and keeps the longest gap between two ticks."""

    def __init__(self) -> None:
        self.clock = QElapsedTimer()
        self.longest_ms = 0
        self.ticks = 0
        self.timer = QTimer()
        self.timer.setInterval(TICK_MS)
        self.timer.timeout.connect(self._tick)

    def start(self) -> None:
        self.clock.start()
        self.timer.start()

    def _tick(self) -> None:
        self.ticks += 1
        self.longest_ms = max(self.longest_ms, self.clock.restart())

    def stop(self) -> None:
        self._tick()  # the gap up to now counts too
        self.timer.stop()


def fresh_database(base: Path, folder: Path, name: str) -> ServiceContext:
    copy = folder / name
    shutil.copyfile(base, copy)
    db = make_database(str(copy))
    bind(db)
    db.connect()
    user = users.get_user(ServiceContext(SYSTEM), 1)
    return ServiceContext(Actor.for_user(user))


Result = tuple[int, float, "str | None"]  # longest stall (ms), import (s), GUI-write outcome


def run_sync(source: Path, ctx: ServiceContext) -> Result:
    loop = QEventLoop()
    meter = StallMeter()
    took: list[float] = []

    def work() -> None:
        started = time.perf_counter()
        import_file(ctx, source)
        took.append(time.perf_counter() - started)
        meter.stop()
        loop.quit()

    meter.start()
    QTimer.singleShot(TICK_MS, work)
    loop.exec()
    return meter.longest_ms, took[0], "the import completed"


def run_task(source: Path, ctx: ServiceContext, *, write_at_ms: int | None = None) -> Result:
    loop = QEventLoop()
    meter = StallMeter()
    runner = TaskRunner(lambda: ctx)
    runner.idle.connect(loop.quit)
    outcome: list[str] = []

    def write_mid_import() -> None:  # one short write from the window while the import runs
        if not runner.busy:
            outcome.append("import already over")
            return
        started = time.perf_counter()
        try:
            tasks.create_task(ctx, "A write from the window")
            result = "done"
        except Exception as exc:
            result = f"failed: {exc}"
        outcome.append(f"the window's write waited {time.perf_counter() - started:.2f} s, {result}")

    ended: list[str] = []
    started = time.perf_counter()
    meter.start()
    runner.submit(
        "Importing records",
        lambda progress: import_file(ctx, source, progress=progress),
        on_done=lambda summary: ended.append("the import completed"),
        on_error=lambda exc: ended.append(f"the import FAILED: {exc}"),
    )
    if write_at_ms is not None:
        QTimer.singleShot(write_at_ms, write_mid_import)
    loop.exec()
    took = time.perf_counter() - started
    meter.stop()
    return meter.longest_ms, took, "; ".join(outcome + ended)


def run_task_with_write(source: Path, ctx: ServiceContext) -> Result:
    return run_task(source, ctx, write_at_ms=WRITE_AT_MS)


def median_row(label: str, results: list[Result]) -> str:
    stalls = [r[0] for r in results]
    durations = [r[1] for r in results]
    return (
        f"{label:34s} {statistics.median(stalls):>9.0f} {max(stalls):>9.0f}"
        f" {statistics.median(durations):>11.2f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000, help="records in the CSV")
    parser.add_argument("--runs", type=int, default=3, help="runs of each way")
    args = parser.parse_args(argv)
    app = QApplication.instance() or QApplication(sys.argv[:1])
    assert app is not None
    folder = Path(tempfile.mkdtemp(prefix="cpe-bench-gui-"))
    try:
        base, source = build(folder, args.records)
        ways: dict[str, Callable[[Path, ServiceContext], Result]] = {
            "synchronous (GUI thread)": run_sync,
            "as a task": run_task,
            f"as a task + GUI write at {WRITE_AT_MS} ms": run_task_with_write,
        }
        results: dict[str, list] = {label: [] for label in ways}
        for run in range(args.runs):
            for label, way in ways.items():
                ctx = fresh_database(base, folder, f"run{run}-{way.__name__}.db")
                results[label].append(way(source, ctx))
                database.close()
        print(f"\nImport of a {args.records:,}-record CSV, SQLite, {args.runs} run(s) each")
        print(f"Python {platform.python_version()}, PySide6 {PySide6.__version__}, ", end="")
        print(f"{os.cpu_count()} CPUs, GUI timer every {TICK_MS} ms\n")
        print(f"{'':34s} {'stall med':>9s} {'stall max':>9s} {'import med':>11s}")
        print(f"{'':34s} {'(ms)':>9s} {'(ms)':>9s} {'(s)':>11s}")
        for label in ways:
            print(median_row(label, results[label]))
        print(f"\nThe GUI-thread write {WRITE_AT_MS} ms into the task, each run:")
        for result in results[f"as a task + GUI write at {WRITE_AT_MS} ms"]:
            print(f"  {result[2]}")
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
