"""Benchmark: how often an idle program wakes up, next to a bare PySide6 window in the same run.

Why: a desktop program left open all day (in the tray, say) should sleep while nothing is due;
a timer firing twice a second keeps the CPU from its deep idle states and drains a laptop's
battery. Each case starts a fresh Python process offscreen and waits until its window is shown
and its start-up work has settled (``--settle`` seconds), then counts the context switches of its
main thread (``voluntary_ctxt_switches`` + ``nonvoluntary_ctxt_switches`` in
``/proc/<pid>/task/<pid>/status``; each wake-up of a sleeping thread is at least one) over
``--seconds`` seconds (default 60) of nobody touching it, and those of all its threads. Cases:

- a bare PySide6 window (``QApplication`` + ``QMainWindow`` shown, nothing else): the baseline;
- the real program (``main()`` with ``--db``, one person without a password so no sign-in
  dialog waits, reminders and automatic backups on) on a database of ``--records`` records,
  with no reminder or email due.

Linux only (``/proc``). Not collected by pytest; see README.md.

    .venv/bin/python tests/benchmarks/bench_idle.py
    .venv/bin/python tests/benchmarks/bench_idle.py --seconds 120 --records 20000
"""

from __future__ import annotations

import argparse
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

BARE = r"""
import sys
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication(sys.argv)
window = QMainWindow()
window.resize(900, 600)
window.show()
app.processEvents()
print("SHOWN", flush=True)
sys.exit(app.exec())
"""

PROGRAM = r"""
import sys
from PySide6.QtCore import QTimer
from cpe_desktop.ui import main_window

original_show = main_window.MainWindow.showEvent
def shown(self, event):
    original_show(self, event)
    QTimer.singleShot(0, lambda: print("SHOWN", flush=True))
main_window.MainWindow.showEvent = shown

from cpe_desktop.cli import main
sys.exit(main(["--db", sys.argv[1]]))
"""


def switches(pid: int, tid: int) -> int:
    fields = {}
    with open(f"/proc/{pid}/task/{tid}/status", encoding="ascii") as status:
        for line in status:
            name, _, value = line.partition(":")
            fields[name] = value.strip()
    return int(fields["voluntary_ctxt_switches"]) + int(fields["nonvoluntary_ctxt_switches"])


def each_thread(pid: int) -> dict[int, int]:
    found = {}
    for tid in os.listdir(f"/proc/{pid}/task"):
        with contextlib.suppress(FileNotFoundError, ProcessLookupError):  # a thread ended
            found[int(tid)] = switches(pid, int(tid))
    return found


def moved(before: dict[int, int], after: dict[int, int]) -> int:
    """Switches over the threads alive at both ends (a pool's idle thread may end meanwhile)."""
    return sum(after[tid] - before[tid] for tid in before.keys() & after.keys())


def measure(code: str, argv: list[str], env: dict[str, str], settle: float, seconds: float):
    process = subprocess.Popen(
        [sys.executable, "-c", code, *argv],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env=env,
    )
    try:
        assert process.stdout is not None
        for line in process.stdout:
            if line.startswith("SHOWN"):
                break
        else:
            raise SystemExit("the window never showed")
        time.sleep(settle)
        before = each_thread(process.pid)
        time.sleep(seconds)
        after = each_thread(process.pid)
    finally:
        process.kill()
        process.wait()
    per_minute = 60 / seconds
    main_thread = (after[process.pid] - before[process.pid]) * per_minute
    return main_thread, moved(before, after) * per_minute, len(before)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--settle", type=float, default=5, help="seconds after the window shows")
    parser.add_argument("--records", type=int, default=2_000)
    args = parser.parse_args()
    if not Path("/proc/self/task").is_dir():
        raise SystemExit("needs Linux's /proc")

    from bench_table_open import build  # the same fast builder as the table benchmark

    work = Path(tempfile.mkdtemp(prefix="cpe-bench-idle-"))
    db = work / f"records-{args.records}.db"
    build(db, args.records, users=1)
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env["CPE_DATA_DIR"] = str(work)
    env.pop("CPE_DATABASE_URL", None)
    rows = [
        ("bare PySide6 window", measure(BARE, [], env, args.settle, args.seconds)),
        ("CPE Tracker", measure(PROGRAM, [str(db)], env, args.settle, args.seconds)),
    ]
    print(
        f"Context switches a minute while idle ({args.seconds:.0f} s counted, "
        f"{args.settle:.0f} s after the window showed; {args.records:,} records)\n"
    )
    print(f"{'':22s}{'main thread':>14s}{'all threads':>14s}{'threads':>10s}")
    for name, (main_thread, every, threads) in rows:
        print(f"{name:22s}{main_thread:14.1f}{every:14.1f}{threads:10d}")


if __name__ == "__main__":
    main()
