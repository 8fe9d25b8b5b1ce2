"""Kill -9 durability: writes, imports and backups killed at random moments lose nothing committed.

Not part of the test suite (it runs hundreds of kills; minutes of work). Run from the project root:

    .venv/bin/python tests/durability/kill9.py [--kills 200] [--seed 1]

A worker process opens a fresh SQLite database the way the program does and loops: add a record
with two credit lines, import a 30-row CSV (one transaction), now and then a checked backup; it
prints each record id and import as soon as its transaction has committed. The parent kills it
with SIGKILL after a random 20-600 ms, then checks, before the next round, what a person would
lose or see broken:

- the database passes ``PRAGMA integrity_check`` and ``cpe-tracker check``'s own checks
  (foreign keys, the audit chain, records against their latest audit entry);
- every record the worker reported committed is there, with its credit lines;
- no record without credit lines (nothing half-written), and no backup file listed that does
  not pass its own integrity check.

Prints the figures: kills, writes committed before the kill, problems found (expected 0).
"""

from __future__ import annotations

import argparse
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

WORKER = r"""
import sys, datetime as dt
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from cpe_desktop.startup import open_database
from cpe_desktop.services import records
from cpe_desktop.services.backups import automatic as backups
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.interchange import import_file
db_path, csv_path, round_no = sys.argv[2], Path(sys.argv[3]), int(sys.argv[4])
db = open_database(db_path, recover_tasks=False)
ctx = ServiceContext(Actor(user_id=1, role="admin", name="Kill Test"))
n = 0
while True:
    n += 1
    record = records.create_record(ctx, {
        "title": f"Round {round_no} course {n}", "sponsor": "ACME CPE",
        "completed_on": "2026-03-02", "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 4}, {"field": "Regulatory Ethics", "credits": 2}],
    }).value
    print(f"record {record.record_id}", flush=True)
    if n % 5 == 0:
        rows = "".join(
            f"2025-01-{1 + i % 28:02d},Import {round_no}-{n}-{i},Taxes,Group Live,1\n"
            for i in range(30)
        )
        csv_path.write_text("completed_on,title,field_of_study,delivery_method,credits\n" + rows)
        import_file(ctx, csv_path, user_email="kill@example.com")
        print(f"import {round_no}-{n}", flush=True)
    if n % 17 == 0:
        backups.make_backup(db, "manual", now=dt.datetime.now())
        print("backup", flush=True)
"""


def _setup(folder: Path) -> Path:
    from cpe_desktop.services import users
    from cpe_desktop.services.context import SYSTEM, ServiceContext
    from cpe_desktop.startup import open_database

    db_path = folder / "cpe-tracker.db"
    db = open_database(str(db_path), recover_tasks=False)
    with db.connection_context():
        users.create_user(
            ServiceContext(SYSTEM),
            {"name": "Kill Test", "email": "kill@example.com", "role": "admin"},
        )
    db.close()
    return db_path


def _verify(db_path: Path, committed: list[int], imports: list[str]) -> list[str]:
    from cpe_desktop.db.database import bind, make_database
    from cpe_desktop.services.backups import automatic as backups
    from cpe_desktop.services.backups import maintenance

    problems: list[str] = []
    with sqlite3.connect(db_path) as raw:
        line = raw.execute("PRAGMA integrity_check").fetchone()[0]
        if line != "ok":
            problems.append(f"integrity: {line}")
        stored = {rid for (rid,) in raw.execute("SELECT record_id FROM cpe_records")}
        lonely = raw.execute(
            "SELECT count(*) FROM cpe_records r WHERE NOT EXISTS "
            "(SELECT 1 FROM record_credits c WHERE c.record_id = r.record_id)"
        ).fetchone()[0]
        for tag in imports:
            found = raw.execute(
                "SELECT count(*) FROM cpe_records WHERE title LIKE ?", (f"Import {tag}-%",)
            ).fetchone()[0]
            if found != 30:
                problems.append(f"import {tag}: {found} of 30 records")
    raw.close()
    missing = [rid for rid in committed if rid not in stored]
    if missing:
        problems.append(f"committed records missing: {missing[:5]}")
    if lonely:
        problems.append(f"{lonely} record(s) without credit lines")
    db = bind(make_database(str(db_path)))
    db.connect()
    try:
        problems += [f"check: {p}" for p in maintenance.check(db)]
        for backup in backups.list_backups(db_path):
            path = backup.path
            if path.exists():
                with sqlite3.connect(path) as copy:
                    if copy.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                        problems.append(f"listed backup {path.name} is damaged")
                copy.close()
    finally:
        db.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        os.environ["CPE_DATA_DIR"] = str(folder)
        db_path = _setup(folder)
        committed: list[int] = []
        imports: list[str] = []
        backups_made = 0
        problems_total = 0
        started = time.monotonic()
        for round_no in range(args.kills):
            worker = subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    WORKER,
                    str(ROOT),
                    str(db_path),
                    str(folder / f"rows-{round_no}.csv"),
                    str(round_no),
                ],
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
            )
            time.sleep(0.35 + rng.uniform(0.02, 0.6))  # opening the database takes ~0.3 s
            worker.send_signal(signal.SIGKILL)
            out, err = worker.communicate()
            for line in out.splitlines():
                kind, _, value = line.partition(" ")
                if kind == "record":
                    committed.append(int(value))
                elif kind == "import":
                    imports.append(value)
                elif kind == "backup":
                    backups_made += 1
            if "Traceback" in err:
                print(f"round {round_no}: the worker failed before the kill:\n{err[-800:]}")
                return 2
            found = _verify(db_path, committed, imports)
            if found:
                problems_total += len(found)
                print(f"round {round_no}: " + "; ".join(found))
        elapsed = time.monotonic() - started
    print(
        f"kills: {args.kills}; committed before a kill: {len(committed)} records, "
        f"{len(imports)} imports of 30 rows, {backups_made} backups; "
        f"problems found: {problems_total}; {elapsed:.0f} s"
    )
    return 0 if problems_total == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
