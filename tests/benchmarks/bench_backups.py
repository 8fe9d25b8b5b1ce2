"""Backups by hand: how long a checked automatic backup and a restore take on a sizeable database,
against a plain file copy of the same database as the baseline; then ``--kills N`` backups
killed with SIGKILL at random moments, counting anything left that looks like a backup.

    .venv/bin/python tests/benchmarks/bench_backups.py                 # 50 MB, 5 runs, 30 kills
    .venv/bin/python tests/benchmarks/bench_backups.py --mb 200 --kills 100

Not collected by pytest. POSIX only for the kills (SIGKILL).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop import paths  # noqa: E402
from cpe_desktop.clock import FixedClock  # noqa: E402
from cpe_desktop.db.database import bind, make_database, sqlite_file  # noqa: E402
from cpe_desktop.db.migrations import migrate  # noqa: E402
from cpe_desktop.services.backups import automatic as backups  # noqa: E402
from cpe_desktop.services.backups import maintenance  # noqa: E402

CHILD = """
import sys
from cpe_desktop import paths
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.services.backups import automatic as backups
import datetime as dt
paths.set_data_dir(sys.argv[2])
db = bind(make_database(sys.argv[1]))
db.connect()
print("go", flush=True)
backups.automatic_backup(db, FixedClock(dt.datetime(2030, 1, 1, 12)))
"""


def build(path: Path, megabytes: int) -> None:
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    row = "x" * 1000  # bulk of its own: the size is what is measured, not the schema
    with db.atomic():
        db.execute_sql("CREATE TABLE bench_filler (n INTEGER PRIMARY KEY, body TEXT)")
        for n in range(megabytes * 1000):
            db.execute_sql("INSERT INTO bench_filler (n, body) VALUES (?, ?)", (n, row))
    db.close()


def timed(call) -> float:
    start = time.perf_counter()
    call()
    return time.perf_counter() - start


def summary(name: str, values: list[float], base: float | None = None) -> str:
    text = (
        f"{name:<38} median {statistics.median(values):7.3f} s  "
        f"min {min(values):7.3f}  max {max(values):7.3f}"
    )
    if base:
        text += f"  x{statistics.median(values) / base:5.1f} of the copy"
    return text


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mb", type=int, default=50)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kills", type=int, default=30)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="cpe-bench-backups-"))
    paths.set_data_dir(work / "data")
    live = work / "data" / "cpe-tracker.db"
    live.parent.mkdir(parents=True)
    build(live, args.mb)
    print(f"database: {live.stat().st_size / 1e6:.1f} MB")
    db = bind(make_database(str(live)))
    db.connect()

    copies, automatic, restores = [], [], []
    for run in range(args.runs):
        target = work / f"plain-{run}.db"
        copies.append(timed(lambda target=target: shutil.copyfile(live, target)))
        clock = FixedClock(dt.datetime(2030, 1, 1 + run, 12))
        start = time.perf_counter()
        made = backups.automatic_backup(db, clock)
        automatic.append(time.perf_counter() - start)
        restores.append(timed(lambda made=made: maintenance.restore(db, made.path)))
        db.connect(reuse_if_open=True)
    base = statistics.median(copies)
    print(summary("plain file copy (baseline)", copies))
    print(summary("automatic backup (copy+check+rotate)", automatic, base))
    print(summary("restore (safety copy+check+restore)", restores, base))
    db.close()

    if args.kills and hasattr(signal, "SIGKILL"):
        shutil.rmtree(paths.backups_dir())
        looks_like_backup, partials, killed_before_end = 0, 0, 0
        for _ in range(args.kills):
            child = subprocess.Popen(
                [sys.executable, "-c", CHILD, str(live), str(work / "data")],
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                cwd=ROOT,
            )
            child.stdout.readline()
            time.sleep(random.uniform(0, statistics.median(automatic) * 1.2))
            if child.poll() is None:
                killed_before_end += 1

            child.send_signal(signal.SIGKILL)
            child.wait()
            child.stdout.close()
            for item in backups.list_backups(live):
                if backups.verify_copy(item.path) is not None:
                    looks_like_backup += 1  # a listed backup that is not whole
                item.path.unlink()
            for leftover in paths.backups_dir().glob(".cpe-tracker-partial-*"):
                partials += leftover.suffix == ".db"  # (not counting its -journal)
                leftover.unlink()
        check = bind(make_database(str(live)))
        check.connect()
        healthy = check.execute_sql("PRAGMA integrity_check").fetchone()[0]
        check.close()
        print(
            f"{args.kills} backups killed with SIGKILL ({killed_before_end} before they ended): "
            f"{looks_like_backup} listed backups not whole, {partials} hidden partials left "
            f"(swept by the next backup), live database: {healthy}"
        )
    shutil.rmtree(work)
    assert sqlite_file(db) is not None


if __name__ == "__main__":
    main()
