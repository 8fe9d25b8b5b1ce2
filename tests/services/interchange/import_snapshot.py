"""What an import stores, as plain data: every row of ``cpe_records``, ``record_credits`` and
``audit_logs`` after importing generated files (the benchmark's, and a messy one as people's
spreadsheets are) with both importers, on fresh databases at a fixed time. Used by
``test_import_stored_rows.py`` (its digest must not move when the importers get faster) and, run
as a script, to write the whole picture to a JSON file for comparing before and after a change::

    .venv/bin/python -m tests.services.interchange.import_snapshot out.json [--rows 10000]
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json
import random
import sys
import tempfile
from pathlib import Path
from typing import Any

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import database
from cpe_desktop.services import requirements, users
from cpe_desktop.services.audit import chain
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.csv_format import HEADER, import_records_csv
from cpe_desktop.services.interchange.mapped_import import import_mapped
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.services.shipped_data import load_shipped_requirements
from tests.helpers.record_files import template_records_csv

TODAY = dt.datetime(2026, 6, 15, 9, 30)
TABLES = ("cpe_records", "record_credits", "audit_logs")


def benchmark_csv(rows: int, seed: int = 7) -> str:
    """The benchmark's file (``tests/benchmarks/bench_import.py``), as text."""
    return template_records_csv(rows, seed)[0]


_TITLES = (
    "Tax update",
    "  Ethics for CPAs  ",
    "Café fiscal — année 2024",
    "税务更新",
    'The "Big" Audit',
    "100% of Revenue %s %d",
    "Back\\slash",
    '=HYPERLINK("x")',
    "Emoji 🎉 session",
    "A" * 200,
)
_SPONSORS = ("ACME CPE", "", "  Becker  ", "Société Générale", "O'Brien & Co", "%(name)s")
_METHODS = (
    "Group Live",
    "group live",
    "Webinar",
    "QAS Self Study",
    "Group Internet Based",
    " Live ",
    "Nano Learning",
    "Blended",
)
_FIELDS = ("Taxes", "Audit", "Accounting", "Regulatory Ethics", "Finance", "Acct", "Ethics")
_CREDITS = ("1", "1.0", "1.50", "2", "0.5", "4", "8", "12", "0.2", " 3 ", "1.25", "25")
_NOTES = ("", "", "", "two\nlines", "tab\there", "ünïcödé", '"quoted"', "'apostrophe")


def messy_csv(
    rows: int, seed: int = 11, topics: tuple[str, ...] = (), *, importable: bool = True
) -> str:
    """A file as people keep them: accents, quotes, odd spacing, aliases, blank shared cells on
    some rows of a record, multi-day programs, topics, notes over two lines. Not
    ``importable``: also rows repeated and records whose rows disagree (many refusals)."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([*HEADER, "started_on", "topics"])
    written = 0
    day = dt.date(2019, 1, 1)
    earlier: list[list[str]] = []
    while written < rows:
        day += dt.timedelta(days=rng.choice((0, 1, 1, 2)))
        if (
            not importable and earlier and rng.random() < 0.03
        ):  # the same row again: one record, one line more
            writer.writerow(rng.choice(earlier))
            written += 1
            continue
        title = rng.choice(_TITLES) + (f" {rng.randrange(40)}" if rng.random() < 0.7 else "")
        if importable:
            title += f" #{written}"  # no two records of a day share a title
        sponsor_id = rng.choice(("", "103456", "ABC-1"))
        sponsor = rng.choice(_SPONSORS)
        method = rng.choice(_METHODS)
        notes = rng.choice(_NOTES)
        jurisdiction = rng.choice(("", "", "Texas", "CA"))
        started = ""
        if rng.random() < 0.1:
            started = (day - dt.timedelta(days=rng.choice((1, 2)))).isoformat()
        topic = rng.choice(topics) if topics and rng.random() < 0.1 else ""
        completed = day.isoformat() if rng.random() < 0.9 else f" {day.isoformat()} "
        fields = rng.sample(_FIELDS[:5], rng.choice((1, 1, 1, 2, 3)))
        for index, field in enumerate(fields):
            blank = index and rng.random() < 0.5  # a later row leaves shared cells blank
            row = [
                completed,
                title,
                sponsor,
                "" if blank else (sponsor_id if importable else rng.choice(("", "103456", "ABC"))),
                "" if blank else method,
                rng.choice((field, field, field.lower(), f" {field}")),
                rng.choice(_CREDITS),
                "" if blank else jurisdiction,
                "" if blank else notes,
                "" if blank else started,
                "" if blank else topic,
            ]
            if index == 0 and row[3] == "" and rng.random() < 0.2:
                row[3] = "'+44 20"  # an exported cell that held a formula character
            writer.writerow(row)
            earlier.append(row)
            written += 1
    return out.getvalue()


def erroneous_csv() -> str:
    """A file with one of most kinds of problem (and good rows between them)."""
    good = [f"2025-02-{day:02d},Course {day},ACME,,Group Live,Taxes,2,," for day in range(1, 11)]
    bad = [
        "2025-13-01,Bad date,,,Group Live,Taxes,2,,",
        "2025-03-04,Bad credits,,,Group Live,Taxes,-2,,",
        "2025-03-05,Bad field,,,Group Live,Astrology,2,,",
        "2025-03-06,Split,,,Group Live,Taxes,2,,",
        "2025-03-06,Split,,,Self Study,Auditing,2,,",
        "2030-01-01,Future,,,Group Live,Taxes,2,,",
        "2025-03-07,,,,Group Live,Taxes,2,,",
        "2025-03-08,Too precise,,,Group Live,Taxes,1.234,,",
        "2025-03-09,Odd method,,,Telepathy,Taxes,2,,",
        "2025-03-10,Twice,,,Group Live,Taxes,2,,",
        "2025-03-10,Twice,,,Group Live,Taxes,3,,",
        "2025-03-11," + "T" * 600 + ",,,Group Live,Taxes,2,,",
        "2025-03-12,Control \x07 char,,,Group Live,Taxes,2,,",
        "2025-03-13,Many,,,Group Live,Taxes,30,,",
        "1899-01-01,Old,,,Group Live,Taxes,2,,",
    ]
    return ",".join(HEADER) + "\n" + "\n".join(good[:5] + bad + good[5:]) + "\n"


def _fresh(folder: Path, name: str) -> tuple[ServiceContext, Any]:
    db = make_database(str(folder / f"{name}.db"))
    bind(db)
    db.connect()
    migrate(db)
    ctx = ServiceContext(SYSTEM, FixedClock(TODAY))
    load_shipped_requirements(ctx)  # the rules name the topics a record may have
    user = users.create_user(ctx, {"name": "Snap", "email": "snap@example.com"}).value
    return ctx, user


def _rows() -> dict[str, list[list[Any]]]:
    connection = database.connection()
    found = {}
    for table in TABLES:
        cursor = connection.execute(f"SELECT * FROM {table} ORDER BY rowid")
        names = [column[0] for column in cursor.description]
        rows = [[repr(value) for value in row] for row in cursor.fetchall()]
        found[table] = [names, *rows]
    return found


def snapshot(rows: int = 10_000, messy_rows: int = 3_000) -> dict[str, Any]:
    """Every stored row after each import, and every refusal's messages, by case."""
    cases: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as name:
        folder = Path(name)
        ctx, _ = _fresh(folder, "topics")
        topics = tuple(requirements.known_topics()[:4])
        database.close()
        files = {
            "benchmark": benchmark_csv(rows),
            "messy": messy_csv(messy_rows, topics=topics),
            "messy refused": messy_csv(messy_rows, topics=topics, importable=False),
            "erroneous": erroneous_csv(),
        }
        for label, text in files.items():
            source = folder / f"{label}.csv"
            source.write_text(text, encoding="utf-8")
            for kind in ("template", "mapped"):
                ctx, user = _fresh(folder, f"{label}-{kind}")
                outcome: dict[str, Any] = {}
                try:
                    for _ in range(2):  # the second time, every record is already there
                        if kind == "template":
                            summary = import_records_csv(ctx, source, user)
                        else:
                            table = read_table(source)
                            summary = import_mapped(ctx, table, guess_mapping(table.headers), user)
                        outcome.setdefault("summaries", []).append(
                            [summary.records_added, summary.records_skipped, summary.warnings]
                        )
                except ValidationError as error:
                    outcome["refused"] = error.errors if hasattr(error, "errors") else str(error)
                outcome["stored"] = _rows()
                outcome["chain"] = chain.verify().summary()
                database.close()
                cases[f"{label} {kind}"] = outcome
    return cases


def digest(found: dict[str, Any]) -> str:
    text = json.dumps(found, sort_keys=True, ensure_ascii=True, default=repr)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


if __name__ == "__main__":
    rows = int(sys.argv[sys.argv.index("--rows") + 1]) if "--rows" in sys.argv else 10_000
    found = snapshot(rows)
    Path(sys.argv[1]).write_text(json.dumps(found, sort_keys=True, indent=0, default=repr))
    for case, outcome in found.items():
        stored = {table: len(rows) - 1 for table, rows in outcome["stored"].items()}
        print(
            case,
            stored,
            "refused" if "refused" in outcome else outcome.get("summaries", [])[:1][0][:2],
        )
    print(digest(found))
