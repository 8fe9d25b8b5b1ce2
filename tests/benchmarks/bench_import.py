"""Benchmark: importing a 10,000-row records CSV, against merely reading it with ``csv``.

Why: an import is all or nothing and checks every row the way the record form does (NASBA
credits, vocabulary, dates, grouping rows into records, duplicates), then writes each record with
its credit lines and audit entry in one transaction; a person moving years of history (or a firm
moving everyone's) should not wait minutes. Timed, medians of ``--runs``, each on a fresh SQLite
file with one person: the CSV template importer (``import_records_csv``), the mapped importer the
window uses (``read_table`` + ``import_mapped`` with the guessed mapping), and as the baseline,
in the same run, reading the same file with Python's ``csv`` module (the least any import costs)
and, the figure issue 18 compares with, reading it and inserting every row as a record and its
credit line with ``sqlite3``'s ``executemany`` in one transaction (no checks, no grouping, no
audit entries: the least any import that stores the rows costs).
Each figure is also given in CPU time of the benchmark's thread (``time.thread_time``), steadier
than the wall clock on a busy machine; the four take turns, run after run. Also timed: the
longest write transaction of each import (BEGIN to COMMIT): on SQLite it holds
the write lock, and the window cannot save anything until it ends, so it must stay short.
The file is generated, seeded, so every run sees the same rows; about a third of its records have
two fields of study (two rows). Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import peewee

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop.clock import FixedClock  # noqa: E402
from cpe_desktop.db.database import bind, make_database  # noqa: E402
from cpe_desktop.db.migrations import migrate  # noqa: E402
from cpe_desktop.db.models import CpeRecord, User, database  # noqa: E402
from cpe_desktop.services import users  # noqa: E402
from cpe_desktop.services.context import SYSTEM, ServiceContext  # noqa: E402
from cpe_desktop.services.interchange.csv_format import import_records_csv  # noqa: E402
from cpe_desktop.services.interchange.mapped_import import import_mapped  # noqa: E402
from cpe_desktop.services.interchange.mapping import guess_mapping  # noqa: E402
from cpe_desktop.services.interchange.tabular import read_table  # noqa: E402
from tests.helpers.record_files import template_records_csv  # noqa: E402

TODAY = dt.datetime(2026, 6, 15, 9, 30)


def build_csv(path: Path, rows: int, seed: int = 7) -> int:
    """Write ``rows`` template rows to ``path``; returns how many records they make."""
    text, records = template_records_csv(rows, seed)
    path.write_text(text, encoding="utf-8")
    return records


# Seconds each transaction of the current run held the database, BEGIN to COMMIT/ROLLBACK.
HELD: list[float] = []


def _timing_transactions(db: peewee.Database) -> None:
    """Note how long each (outermost) transaction lasts; savepoints are inside them."""
    begin, commit, rollback = db.begin, db.commit, db.rollback
    started = [0.0]

    def timed_begin(*args, **kwargs):
        started[0] = time.perf_counter()
        return begin(*args, **kwargs)

    def ended(end):
        def wrapper(*args, **kwargs):
            try:
                return end(*args, **kwargs)
            finally:
                HELD.append(time.perf_counter() - started[0])

        return wrapper

    db.begin, db.commit, db.rollback = timed_begin, ended(commit), ended(rollback)


def fresh_database(folder: Path) -> tuple[ServiceContext, User]:
    path = folder / f"bench-{time.perf_counter_ns()}.db"
    db = make_database(str(path))
    _timing_transactions(db)
    bind(db)
    db.connect()
    migrate(db)
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    user = users.create_user(ctx, {"name": "Bench", "email": "bench@example.com"}).value
    return ctx, user


def timed(
    work: Callable[[ServiceContext, User], object], folder: Path, check: int | None
) -> tuple[float, float, float]:
    """Seconds of one run of ``work`` on a fresh database: wall clock, CPU time of this thread
    (``time.thread_time``: steadier than the wall clock when the machine is busy) and its
    longest write transaction; ``check``: records expected."""
    ctx, user = fresh_database(folder)
    HELD.clear()
    start, cpu = time.perf_counter(), time.thread_time()
    work(ctx, user)
    took, cpu = time.perf_counter() - start, time.thread_time() - cpu
    if check is not None:
        stored = CpeRecord.select().count()
        assert stored == check, f"imported {stored} records, expected {check}"
    return took, cpu, max(HELD, default=0.0)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rows", type=int, default=10_000)
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        source = folder / "records.csv"
        records = build_csv(source, args.rows)
        print(f"{args.rows:,} rows, {records:,} records, {source.stat().st_size:,} bytes")

        def read_only(ctx, user):
            with open(source, encoding="utf-8", newline="") as handle:
                return sum(1 for _ in csv.reader(handle))

        def read_and_insert(ctx, user):
            with open(source, encoding="utf-8", newline="") as handle:
                rows = list(csv.reader(handle))[1:]
            now = TODAY.isoformat(sep=" ")
            connection = database.connection()  # the sqlite3 connection itself
            with database.atomic():
                connection.executemany(
                    "INSERT INTO cpe_records (record_id, user_id, title, sponsor, completed_on,"
                    " delivery_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        (i, user.user_id, row[1], row[2], row[0], row[4], now, now)
                        for i, row in enumerate(rows, 1)
                    ),
                )
                connection.executemany(
                    "INSERT INTO record_credits (record_id, field_of_study, credits)"
                    " VALUES (?, ?, ?)",
                    ((i, row[5], row[6]) for i, row in enumerate(rows, 1)),
                )
            return len(rows)

        def template(ctx, user):
            return import_records_csv(ctx, source, user)

        def mapped(ctx, user):
            table = read_table(source)
            return import_mapped(ctx, table, guess_mapping(table.headers), user)

        kinds = [
            ("csv.reader only", read_only, None),
            ("+ executemany", read_and_insert, args.rows),
            ("template importer", template, records),
            ("mapped importer", mapped, records),
        ]
        runs: dict[str, list[tuple[float, float, float]]] = {label: [] for label, _, _ in kinds}
        for _ in range(args.runs):  # taking turns, so a busy moment weighs on each alike
            for label, work, expected in kinds:
                runs[label].append(timed(work, folder, expected))
    baseline = statistics.median(took for took, _, _ in runs["csv.reader only"])
    stored = statistics.median(took for took, _, _ in runs["+ executemany"])
    stored_cpu = statistics.median(cpu for _, cpu, _ in runs["+ executemany"])
    for label, found in runs.items():
        times = [took for took, _, _ in found]
        median = statistics.median(times)
        cpu = statistics.median(cpu for _, cpu, _ in found)
        lock = statistics.median(held for _, _, held in found)
        print(
            f"{label:>18}: median {median * 1000:9.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {args.runs} runs)"
            f"  {median / baseline:8.0f}x csv.reader, {median / stored:6.1f}x + executemany,"
            f" {args.rows / median:9,.0f} rows/s"
            + (f"; longest write transaction {lock * 1000:.1f} ms" if lock else "")
        )
        print(f"{'':>18}  CPU time {cpu * 1000:9.1f} ms, {cpu / stored_cpu:6.1f}x + executemany's")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
