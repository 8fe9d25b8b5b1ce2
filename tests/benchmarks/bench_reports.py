"""Benchmark: a progress report for one person with 500 records, from the database to a PDF.

Why: reports run on the GUI thread under a wait cursor until they move onto the task runner, so
how long the longest of them takes decides whether that is bearable. One person holds one license
(120 hours over 3 calendar years) and has 500 records inside the current period, 450 with a
certificate. Timed separately, each the median of ``--runs`` runs after one warm-up: building the
report's data (the compliance evaluation and the records, read afresh), laying out and painting
the PDF (QTextDocument + QPdfWriter), the CSV and XLSX files, and a whole audit pack (data, PDF,
450 certificates zipped). The PDF's page count and size are printed too. Qt runs offscreen.
Not collected by pytest; see README.md in this folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pypdf
from PySide6.QtWidgets import QApplication

from cpe_desktop import paths
from cpe_desktop.clock import FixedClock
from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.services import compliance, licenses, records, requirements, users
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import SYSTEM, Actor, ServiceContext
from cpe_desktop.services.reporting import audit_pack, reports
from cpe_desktop.services.reporting import files as report_files
from cpe_desktop.services.shipped_data import load_shipped_requirements
from cpe_desktop.ui.report_pdf import render_pdf

TODAY = dt.datetime(2026, 6, 15, 9, 30)
FIELDS = ("Taxes", "Auditing", "Accounting", "Regulatory Ethics", "Finance")
METHODS = ("Group Live", "Group Internet Based", "QAS Self Study")
WORDS = ("Tax", "update", "lease", "audit", "ethics", "revenue", "controls", "planning", "data")


def build(folder: Path, count: int, with_certificates: int) -> tuple[ServiceContext, int, int]:
    """A database with one person, one license and ``count`` records; returns (ctx, user, lic)."""
    paths.set_data_dir(folder / "data")
    db = bind(make_database(str(folder / "bench.db")))
    db.connect()
    migrate(db)
    system = ServiceContext(SYSTEM, FixedClock(TODAY))
    load_shipped_requirements(system)
    rule = {"credential": "CPA", "jurisdiction": "Benchland", "total_hours": 120}
    rule |= {"period_years": 3, "ethics_hours": 4, "period_basis": "calendar"}
    rule["cycle_anchor_year"] = 2024
    requirements.create_requirement(system, rule)
    person = users.create_user(system, {"name": "Pat Busy", "email": "pat@example.com"}).value
    ctx = ServiceContext(Actor.for_user(person), system.clock)
    license_ = licenses.create_license(
        ctx, {"credential": "CPA", "jurisdiction": "Benchland", "issued_on": "2015-01-01"}
    ).value
    rng = random.Random(11)
    sources = folder / "certificates"
    sources.mkdir()
    first, span = dt.date(2024, 1, 1), (TODAY.date() - dt.date(2024, 1, 1)).days
    for n in range(count):
        attachment = None
        if n < with_certificates:
            source = sources / f"c{n}.pdf"
            source.write_bytes(b"%PDF-1.4\n" + os.urandom(2048))
            attachment = attachments.store_certificate(ctx, person.user_id, source).value
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 7))).capitalize()
        records.create_record(
            ctx,
            {
                "title": f"{title} #{n}",
                "sponsor": rng.choice(("ACME CPE", "State Society", "Big Four Academy")),
                "completed_on": (first + dt.timedelta(days=rng.randrange(span))).isoformat(),
                "delivery_method": rng.choice(METHODS),
                "credits": [{"field": rng.choice(FIELDS), "credits": rng.choice((1, 2, 4, 8))}],
                "attachment_id": attachment.attachment_id if attachment else None,
            },
        )
    return ctx, person.user_id, license_.license_id


def timed(call: Callable[[], object], runs: int) -> tuple[float, float, float]:
    call()  # warm-up
    samples = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples), min(samples), max(samples)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument("--certificates", type=int, default=450)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication(sys.argv)
    folder = Path(tempfile.mkdtemp(prefix="cpe-bench-reports-"))
    start = time.perf_counter()
    ctx, user_id, license_id = build(folder, args.records, args.certificates)
    print(f"built {args.records} records in {time.perf_counter() - start:.1f}s ({folder})")

    def fresh_data():
        compliance.forget_cached_records()
        return reports.progress_data(ctx, user_id)

    data = fresh_data()
    pdf = render_pdf(data)
    counted = len(data["licenses"][0]["records"])
    pages = len(pypdf.PdfReader(io.BytesIO(pdf)).pages)
    print(f"{counted} records counted; PDF of {pages} pages, {len(pdf) / 1024:.0f} KiB")
    pack_path = folder / "pack.zip"
    steps = (
        ("report data (evaluate + records)", fresh_data),
        ("PDF (layout + paint)", lambda: render_pdf(data)),
        ("CSV", lambda: report_files.csv_text(data)),
        ("XLSX", lambda: report_files.xlsx_bytes(data)),
        (
            f"audit pack ({args.certificates} certificates)",
            lambda: audit_pack.build_audit_pack(ctx, license_id, pack_path, render_pdf),
        ),
    )
    print(f"{'':40s}{'median':>10s}{'min':>10s}{'max':>10s}")
    for name, call in steps:
        median, low, high = timed(call, args.runs)
        print(f"{name:40s}{median * 1000:8.0f}ms{low * 1000:8.0f}ms{high * 1000:8.0f}ms")
    print(f"audit pack size: {pack_path.stat().st_size / 1024:.0f} KiB")
    del app
    sys.exit(0)


if __name__ == "__main__":
    main()
