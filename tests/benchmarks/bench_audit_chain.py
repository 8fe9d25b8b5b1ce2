"""Benchmark: the audit log's hash chain on a 20,000-record database.

Why: ``cpe-tracker check`` hashes every audit entry again and compares every record and license
with its latest entry; the program's start checks the chain's tail; every audit write now also
reads and moves the chain's head. Timed, on one fresh SQLite file (in the temp folder) with 10
people, 3 licenses each and ``--records`` records (default 20,000) written by the bulk importer
(one chained entry each), medians of ``--runs``:

- the whole chain hashed again (``verify_chain``), the records and licenses against the log
  (``check_records``), both (``verify``, what ``check`` runs), and the start-up tail check
  (``tail_problems``); baseline in the same run: reading the same audit columns with no hashing;
- one audit entry written through ``audit.write`` (chained) against the same entry inserted plain
  (``AuditLog.insert``, what the program did before the chain), ``--writes`` of each (default
  2,000), each in its own transaction (as the window saves), then all in one transaction (so
  the commit's wait for the disk does not hide the chain's own cost);
- importing the records themselves (``bulk_records.insert``; its entries are chained in memory,
  no query per entry).

Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop.clock import FixedClock  # noqa: E402
from cpe_desktop.db.database import bind, make_database  # noqa: E402
from cpe_desktop.db.migrations import migrate  # noqa: E402
from cpe_desktop.db.models import AuditLog, database  # noqa: E402
from cpe_desktop.services import bulk_records, licenses, users  # noqa: E402
from cpe_desktop.services.audit import chain as audit_chain  # noqa: E402
from cpe_desktop.services.audit import trail as audit  # noqa: E402
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext  # noqa: E402
from cpe_desktop.services.shipped_data import load_shipped_requirements  # noqa: E402

TODAY = dt.datetime(2026, 6, 15, 9, 30)
FIELDS = ("Taxes", "Auditing", "Accounting", "Regulatory Ethics", "Finance")
STATES = ("Texas", "Ohio", "Florida")


def timed(label: str, action: Callable[[], object], runs: int) -> float:
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        samples.append(time.perf_counter() - start)
    median = statistics.median(samples)
    print(f"  {label:<48} median {median * 1000:9.1f} ms  (min {min(samples) * 1000:.1f}, "
          f"max {max(samples) * 1000:.1f})")  # fmt: skip
    return median


def build(path: Path, record_count: int) -> tuple[ServiceContext, float]:
    db = bind(make_database(str(path)))
    db.connect()
    migrate(db)
    system = ServiceContext(SYSTEM, FixedClock(TODAY))
    load_shipped_requirements(system)
    rng = random.Random(7)
    people = []
    for n in range(10):
        person = users.create_user(system, {"name": f"P{n}", "email": f"p{n}@example.com"}).value
        ctx = ServiceContext(Actor.for_user(person), system.clock)
        for state in STATES:
            licenses.create_license(
                ctx, {"credential": "cpa", "jurisdiction": state, "issued_on": "2010-05-01"}
            )
        people.append(person)
    batch = []
    for n in range(record_count):
        person = people[n % len(people)]
        day = dt.date(2016, 1, 1) + dt.timedelta(days=rng.randrange(3600))
        fields = rng.sample(FIELDS, rng.choice((1, 1, 2)))
        batch.append(
            bulk_records.prepare(
                person.user_id,
                {
                    "title": f"Course {n}",
                    "completed_on": day,
                    "delivery_method": "Group Live",
                    "credits": [
                        {"field": f, "credits": Decimal(rng.choice((1, 2, 4)))} for f in fields
                    ],  # fmt: skip
                },
            )
        )
    start = time.perf_counter()
    bulk_records.insert(system, batch)
    return system, time.perf_counter() - start


def _one_transaction(action: Callable[[], None]) -> None:
    with database.atomic():  # the writes' own atomic() become savepoints
        action()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--writes", type=int, default=2_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        system, import_seconds = build(Path(folder) / "bench.db", args.records)
        entries = AuditLog.select().count()
        print(f"{args.records:,} records, {entries:,} audit entries")
        label = "importing the records (bulk_records.insert)"
        print(f"  {label:<48} once   {import_seconds:9.2f} s")
        report = audit_chain.verify()
        assert report.ok, [str(f) for f in report.findings[:5]]

        print("Checking:")
        base = timed(
            "baseline: reading the audit columns",
            lambda: list(AuditLog.select(*audit_chain._COLUMNS).tuples().iterator()),
            args.runs,
        )
        chain = timed("verify_chain (every entry hashed)", audit_chain.verify_chain, args.runs)
        timed("check_records (records and licenses vs log)", audit_chain.check_records, args.runs)
        timed("verify (what `cpe-tracker check` adds)", audit_chain.verify, args.runs)
        timed(f"tail_problems (start-up: newest {audit_chain.START_UP_TAIL})",
              audit_chain.tail_problems, args.runs)  # fmt: skip
        print(f"  verify_chain / baseline: {chain / base:.1f}x")

        print(f"Writing ({args.writes:,} entries, one transaction each):")
        before = {"a": 1}
        after = {"a": 2, "title": "x" * 80}

        def chained() -> None:
            for n in range(args.writes):
                with database.atomic():
                    audit.write(system, "update", "bench", n, before, after)

        def plain() -> None:
            import json

            for n in range(args.writes):
                with database.atomic():
                    AuditLog.insert(
                        user=None,
                        action="update bench",
                        timestamp=system.now(),
                        details="by the system",
                        entity="bench",
                        entity_id=str(n),
                        before_json=json.dumps(before, sort_keys=True),
                        after_json=json.dumps(after, sort_keys=True),
                    ).execute()

        old = timed("plain insert (before the chain)", plain, 1)
        new = timed("audit.write (chained)", chained, 1)
        each_old, each_new = old / args.writes * 1e6, new / args.writes * 1e6
        print(f"  per entry: plain {each_old:.0f} µs, chained {each_new:.0f} µs "
              f"(+{each_new - each_old:.0f} µs)")  # fmt: skip

        print(f"Writing ({args.writes:,} entries in one transaction: no commit to wait for):")
        old = timed("plain insert (before the chain)", lambda: _one_transaction(plain), 1)
        new = timed("audit.write (chained)", lambda: _one_transaction(chained), 1)
        each_old, each_new = old / args.writes * 1e6, new / args.writes * 1e6
        print(f"  per entry: plain {each_old:.0f} µs, chained {each_new:.0f} µs "
              f"(+{each_new - each_old:.0f} µs)")  # fmt: skip
        database.obj.close()


if __name__ == "__main__":
    main()
