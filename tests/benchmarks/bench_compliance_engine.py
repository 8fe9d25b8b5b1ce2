"""Benchmark: the compliance engine over a whole firm, against a plain summing loop.

Why: the dashboard of a firm administrator evaluates every license of every person whenever data
changes; the README promises a firm of 50 people x 3 licenses x ~130 records per license (about
20,000 records) in under 100 ms on a 2-core machine. Everything is built in memory (no database):
real shipped requirement rows from ``resources/requirements/requirements.json``, 10 years of
records per person, seeded so every run sees the same firm. Timed, medians of ``--runs``:
``evaluate_all`` (which also sorts and classifies every record), and as the baseline, in the
same run, a plain Python loop summing the same people's credits inside each license's current
period (periods worked out beforehand, untimed), which is the least any answer costs.
Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop.rules.compliance import (  # noqa: E402
    LicenseFacts,
    RecordFacts,
    Rule,
    evaluate_all,
)
from cpe_desktop.rules.fields import ETHICS_FIELDS, FIELDS_OF_STUDY  # noqa: E402
from cpe_desktop.rules.periods import current_period  # noqa: E402
from tests.helpers.compliance_cases import all_shipped, shipped  # noqa: E402

AS_OF = date(2026, 6, 15)
# One CPA license per person (states with every period basis and cap), plus two credentials.
CPA_STATES = (
    "Texas",
    "California",
    "New York",
    "Florida",
    "Illinois",
    "Virginia",
    "Arizona",
    "Ohio",
    "Nebraska",
    "Connecticut",
    "Maryland",
    "Michigan",
)
OTHER = (("EA", "IRS"), ("CISA", "ISACA"), ("CIA", "IIA"), ("CMA", "IMA"), ("CFE", "ACFE"))
METHODS = (
    ("Group Live", 35),
    ("Group Internet Based", 35),
    ("QAS Self Study", 20),
    ("Nano Learning", 10),
)
CREDITS = ("1.0", "1.5", "2.0", "2.5", "3.0", "4.0", "8.0", "1.3")


def load_rules() -> dict[tuple[str, str], Rule]:
    """Every shipped row as a Rule, built the same way the engine's tests build them."""
    return {key: shipped(*key) for key in all_shipped()}


def build_firm(people: int, records_per_license: int, seed: int = 7):
    rng = random.Random(seed)
    rules = load_rules()
    methods = [m for m, _ in METHODS]
    weights = [w for _, w in METHODS]
    licenses: list[tuple[LicenseFacts, Rule]] = []
    records: dict[int, list[RecordFacts]] = {}
    next_id = 1
    for person in range(people):
        birth = date(1960 + rng.randrange(35), rng.randrange(1, 13), rng.randrange(1, 29))
        state = CPA_STATES[person % len(CPA_STATES)]
        held = [("CPA", state), *rng.sample(OTHER, 2)]
        for number, key in enumerate(held):
            issued = date(2000 + rng.randrange(20), rng.randrange(1, 13), rng.randrange(1, 29))
            # Rules whose period end only the holder knows get one, as the form asks for it.
            own_end = (
                date(AS_OF.year + 1, 12, 31)
                if rules[key].cycle_anchor == "holder_supplied"
                else None
            )
            facts = LicenseFacts(
                person * 3 + number,
                key[0],
                key[1],
                issued,
                own_end,
                birth,
                person,
                license_number=str(rng.randrange(1000, 99999)),
            )
            licenses.append((facts, rules[key]))
        mine = []
        for _ in range(records_per_license * len(held)):
            completed = AS_OF - timedelta(days=rng.randrange(3653))
            method = rng.choices(methods, weights)[0]
            fields = rng.sample(FIELDS_OF_STUDY, rng.choice((1, 1, 1, 2)))
            if rng.random() < 0.15:
                fields[0] = rng.choice(ETHICS_FIELDS)
            credits = tuple((f, Decimal(rng.choice(CREDITS))) for f in fields)
            jurisdiction = state if rng.random() < 0.5 else None
            mine.append(
                RecordFacts(next_id, completed, method, jurisdiction, rng.random() < 0.9, credits)
            )
            next_id += 1
        records[person] = mine
    return licenses, records


def baseline(windows, records) -> Decimal:
    """Sum each license's credits in its current period with a plain loop."""
    grand = Decimal(0)
    for holder, start, end in windows:
        total = Decimal(0)
        for record in records[holder]:
            if start <= record.completed_on <= end:
                for _, credits in record.credits:
                    total += credits
        grand += total
    return grand


def timed(function, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    parser.add_argument("--people", type=int, default=50)
    parser.add_argument("--records", type=int, default=130, help="records per license")
    args = parser.parse_args(argv)

    licenses, records = build_firm(args.people, args.records)
    windows = []
    for facts, rule in licenses:
        period = current_period(rule, facts, facts.birth_date, AS_OF)
        windows.append((facts.holder_id, period.start, min(period.end, AS_OF)))
    count = sum(len(mine) for mine in records.values())
    print(f"{args.people} people, {len(licenses)} licenses, {count:,} records, as of {AS_OF}")

    results = evaluate_all(licenses, records, AS_OF)  # warm the caches, as a running app has
    statuses = {s: sum(r.status == s for r in results) for s in sorted({r.status for r in results})}
    print(f"statuses: {statuses}")
    engine = timed(lambda: evaluate_all(licenses, records, AS_OF), args.runs)
    plain = timed(lambda: baseline(windows, records), args.runs)
    for name, times in (("evaluate_all", engine), ("plain summing loop", plain)):
        print(
            f"{name:>20}: median {statistics.median(times) * 1000:7.1f} ms "
            f"(min {min(times) * 1000:.1f}, max {max(times) * 1000:.1f}, {args.runs} runs)"
        )
    ratio = statistics.median(engine) / statistics.median(plain)
    print(f"{'ratio':>20}: {ratio:.2f}x the plain loop")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
