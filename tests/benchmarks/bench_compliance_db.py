"""Benchmark: judging a whole firm from the database — 50 people × 3 licenses × 10 years of
records (about 20,000) — next to one raw SQL aggregate over the same records, in the same run.

Why: the dashboard's firm view and ``cpe-tracker status`` evaluate every license at once; the
aim is the whole firm in under 100 ms on a 2-core machine. The baseline (``SUM`` of all credits
grouped by person, in SQLite) is the least any answer could cost. Two figures for ours: reading
the records afresh (a cold start, or after a record changed) and with the records unchanged
since the last evaluation (the dashboard after a license or rule edit), when the service reuses
what it read. Medians of ``--runs`` runs, the three taking turns run after run (so a busy moment
of the machine weighs on each alike). ``--demo`` judges the ``cpe-tracker demo`` firm instead
(the same number of people, one or two licenses each in many states and credentials, records
written through the services; no certificate files), a firm like a real one rather than three
identical licenses each. ``--breakdown`` also prints where the CPU time of a fresh evaluation
goes (records read, ledgers built, licenses judged, the rest), each as a multiple of the raw
aggregate's.
Not collected by pytest; see README.md in this folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import Credential
from cpe_desktop.services import compliance
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.shipped_data import load_shipped_requirements

LICENSES = (("CPA", "Texas"), ("CPA", "New York"), ("EA", "IRS"))
FIELDS = ("Taxes", "Auditing", "Accounting", "Regulatory Ethics", "Finance")
METHODS = ("Group Live", "Group Internet Based", "QAS Self Study")
AS_OF = dt.date(2026, 6, 15)
SQL_BASELINE = (
    "SELECT r.user_id, SUM(c.credits) FROM record_credits c "
    "JOIN cpe_records r ON r.record_id = c.record_id GROUP BY r.user_id"
)


def build(path: Path, people: int, per_person: int) -> int:
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    load_shipped_requirements()
    codes = {c.code: c.credential_id for c in Credential.select()}
    now = "2026-06-01 09:00:00"
    rng = random.Random(7)
    cursor = db.cursor()
    with db.atomic():
        cursor.executemany(
            "INSERT INTO users (name, email, role, birth_date, active, created_at, updated_at) "
            "VALUES (?, ?, 'member', ?, 1, ?, ?)",
            [
                (f"Person {i}", f"p{i}@example.com", f"19{60 + i % 30}-0{1 + i % 9}-15", now, now)
                for i in range(people)
            ],
        )
        cursor.executemany(
            "INSERT INTO licenses (user_id, credential_id, jurisdiction, issued_on, status, "
            "created_at, updated_at) VALUES (?, ?, ?, '2010-05-01', 'active', ?, ?)",
            [
                (u + 1, codes[code], place, now, now)
                for u in range(people)
                for code, place in LICENSES
            ],
        )
        record_id = 0
        for user in range(1, people + 1):
            heads, lines = [], []
            for _ in range(per_person):
                record_id += 1
                day = AS_OF - dt.timedelta(days=rng.randrange(0, 3650))
                heads.append(
                    (
                        record_id,
                        user,
                        f"Course {record_id}",
                        day.isoformat(),
                        rng.choice(METHODS),
                        now,
                        now,
                    )
                )
                for field in rng.sample(FIELDS, rng.choice((1, 1, 2))):
                    lines.append((record_id, field, rng.choice((1, 2, 4, 8))))
            cursor.executemany(
                "INSERT INTO cpe_records (record_id, user_id, title, completed_on, "
                "delivery_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                heads,
            )
            cursor.executemany(
                "INSERT INTO record_credits (record_id, field_of_study, credits) VALUES (?, ?, ?)",
                lines,
            )
    return record_id


def build_demo(path: Path, people: int, per_person: int) -> int:
    """The demo firm (services/demo) as of AS_OF, without certificate files."""
    from cpe_desktop.db.models import CpeRecord
    from cpe_desktop.services.demo import demo_clock, make_demo_firm

    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    load_shipped_requirements()
    make_demo_firm(
        demo_clock(AS_OF), users_count=people, records_per_user=per_person, max_certificates=0
    )
    return CpeRecord.select().count()


def timed(call, runs: int) -> tuple[float, float, float, float]:
    """Median, min and max wall-clock time of ``runs`` calls, and the median CPU time of this
    thread (``time.thread_time``: steadier than the wall clock when the machine is busy)."""
    call()  # warm the page cache
    samples, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        call()
        cpu.append(time.thread_time() - start_cpu)
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples), statistics.median(cpu)


def timed_in_turns(calls, runs: int) -> list[tuple[float, float, float, float]]:
    """:func:`timed` of each call, the calls taking turns run after run (so a busy moment of
    the machine weighs on each alike, as the ratios compare them)."""
    for call in calls:
        call()  # warm the page cache
    samples: list[list[float]] = [[] for _ in calls]
    cpu: list[list[float]] = [[] for _ in calls]
    for _ in range(runs):
        for index, call in enumerate(calls):
            start, start_cpu = time.perf_counter(), time.thread_time()
            call()
            cpu[index].append(time.thread_time() - start_cpu)
            samples[index].append(time.perf_counter() - start)
    return [
        (statistics.median(found), min(found), max(found), statistics.median(spent))
        for found, spent in zip(samples, cpu, strict=True)
    ]


def breakdown(ctx: ServiceContext, runs: int) -> dict[str, float]:
    """Median CPU time of each part of a whole-firm evaluation with the records read afresh:
    reading the records (``compliance_reads.read_records``), building the holders' ledgers
    (``rules.ledger.Ledger``), judging the licenses (the rest of
    ``rules.compliance.evaluate_prepared``) and everything else (licenses, rules, people,
    the records' version, the collector). Measured by wrapping those functions for these runs
    only."""
    from cpe_desktop.rules import compliance as engine
    from cpe_desktop.rules.ledger import Ledger

    spent = {"read": 0.0, "ledgers": 0.0, "engine": 0.0}

    def timing(name, call):
        def timed_call(*args, **kwargs):
            start = time.thread_time()
            try:
                return call(*args, **kwargs)
            finally:
                spent[name] += time.thread_time() - start

        return timed_call

    class TimedLedger(Ledger):
        def __init__(self, *args, **kwargs):
            start = time.thread_time()
            super().__init__(*args, **kwargs)
            spent["ledgers"] += time.thread_time() - start

    saved = (compliance.read_records, compliance.evaluate_prepared, engine.Ledger)
    compliance.read_records = timing("read", saved[0])
    compliance.evaluate_prepared = timing("engine", saved[1])
    engine.Ledger = TimedLedger
    parts: dict[str, list[float]] = {"read": [], "ledgers": [], "judging": [], "rest": []}
    try:
        for _ in range(runs):
            spent.update(read=0.0, ledgers=0.0, engine=0.0)
            compliance.forget_cached_records()
            start = time.thread_time()
            compliance.evaluate_licenses(ctx, as_of=AS_OF)
            whole = time.thread_time() - start
            parts["read"].append(spent["read"])
            parts["ledgers"].append(spent["ledgers"])
            parts["judging"].append(spent["engine"] - spent["ledgers"])
            parts["rest"].append(whole - spent["read"] - spent["engine"])
    finally:
        compliance.read_records, compliance.evaluate_prepared, engine.Ledger = saved
    return {name: statistics.median(values) for name, values in parts.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--records-per-person", type=int, default=400)
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--demo", action="store_true", help="judge the demo firm instead")
    parser.add_argument(
        "--breakdown",
        action="store_true",
        help="also print the CPU time of each part (records read, ledgers, judging, the rest)",
    )
    args = parser.parse_args()
    path = Path(tempfile.mkdtemp(prefix="cpe-bench-firm-")) / "firm.db"
    records = (build_demo if args.demo else build)(path, args.people, args.records_per_person)
    ctx = ServiceContext(SYSTEM)
    db = make_database(str(path))
    items = compliance.evaluate_licenses(ctx, as_of=AS_OF)
    statuses: dict[str, int] = {}
    for item in items:
        statuses[item.status] = statuses.get(item.status, 0) + 1

    def cold():
        compliance.forget_cached_records()
        return compliance.evaluate_licenses(ctx, as_of=AS_OF)

    from cpe_desktop.db.models import database

    ours_cold, ours, raw = timed_in_turns(
        [
            cold,
            lambda: compliance.evaluate_licenses(ctx, as_of=AS_OF),
            lambda: database.execute_sql(SQL_BASELINE).fetchall(),
        ],
        args.runs,
    )
    print(f"{args.people} people, {len(items)} licenses, {records:,} records, as of {AS_OF}")
    print(f"statuses: {statuses}")
    print(f"{'':34s}{'median':>10s}{'min':>10s}{'max':>10s}{'CPU':>10s}")
    for name, (median, low, high, cpu) in (
        ("whole firm, records read afresh", ours_cold),
        ("whole firm, records unchanged", ours),
        ("raw SQL SUM grouped by person", raw),
    ):
        print(
            f"{name:34s}{median * 1000:8.1f}ms{low * 1000:8.1f}ms{high * 1000:8.1f}ms"
            f"{cpu * 1000:8.1f}ms"
        )
    for clock, at in (("wall clock", 0), ("CPU", 3)):
        print(
            f"ratio ({clock}): {ours_cold[at] / raw[at]:.1f}x (afresh) and "
            f"{ours[at] / raw[at]:.1f}x (unchanged) the raw aggregate"
        )
    if args.breakdown:
        parts = breakdown(ctx, args.runs)
        print(
            "afresh, CPU time by part (x the raw aggregate's CPU time): "
            + ", ".join(
                f"{name} {spent * 1000:.1f}ms ({spent / raw[3]:.1f}x)"
                for name, spent in parts.items()
            )
        )
    del db
    sys.exit(0)


if __name__ == "__main__":
    main()
