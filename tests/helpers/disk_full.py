"""A database that is "full": SQLite's ``PRAGMA max_page_count`` set to the pages the file has
now, so the next write that needs a page fails with SQLITE_FULL ("database or disk is full"),
the error a full disk gives. Not a test module.
"""

from __future__ import annotations

import csv
from pathlib import Path

import peewee

HEADER = ["completed_on", "title", "sponsor", "delivery_method", "field_of_study", "credits"]


def fill(db: peewee.Database) -> None:
    """Let ``db``'s connection use no more pages than the file has now."""
    (pages,) = db.execute_sql("PRAGMA page_count").fetchone()
    db.execute_sql(f"PRAGMA max_page_count = {pages}")


def records_csv(path: Path, rows: int) -> Path:
    """A records file of ``rows`` courses, more than a full database can take."""
    with path.open("w", newline="", encoding="utf-8") as handle:
        out = csv.writer(handle)
        out.writerow(HEADER)
        for n in range(rows):
            day = f"2025-{1 + n % 12:02d}-{1 + n % 28:02d}"
            title = f"Course {n}: a title long enough to need pages of its own"
            out.writerow([day, title, "ACME CPE", "Group Live", "Taxes", "2"])
    return path
