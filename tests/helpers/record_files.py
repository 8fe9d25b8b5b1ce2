"""The records CSV the import benchmark and the import's stored-rows snapshot both read.

Seeded, so every run sees the same file: one record a day from 1 January 2000, about a third of
them with two fields of study (two rows), in the template's columns (``csv_format.HEADER``).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import random

from cpe_desktop.services.interchange.csv_format import HEADER

FIELDS = ("Taxes", "Auditing", "Accounting", "Regulatory Ethics", "Finance", "Economics")
METHODS = ("Group Live", "Group Internet Based", "QAS Self Study")


def template_records_csv(rows: int, seed: int = 7) -> tuple[str, int]:
    """``rows`` template rows as CSV text, and how many records they make."""
    rng = random.Random(seed)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(HEADER)
    written = records = 0
    day = dt.date(2000, 1, 1)
    while written < rows:
        day += dt.timedelta(days=1)
        fields = rng.sample(FIELDS, 2 if rng.random() < 0.35 and rows - written > 1 else 1)
        method = rng.choice(METHODS)
        records += 1
        for field in fields:
            credits = rng.choice(("1", "1.5", "2", "4", "8"))
            writer.writerow(
                [day.isoformat(), f"Course {records}", "ACME CPE", "103456", method, field,
                 credits, "", ""]
            )  # fmt: skip
            written += 1
    return out.getvalue(), records


def numbered_records_csv(numbers: range | list[int], extra: str = "") -> str:
    """Template rows for records numbered ``numbers`` (a day and an amount from the number; odd
    ones with a second line of ethics), as CSV text; ``extra``: a last line as it is."""
    lines = [",".join(HEADER)]
    for number in numbers:
        day = f"2024-{1 + number % 12:02d}-{1 + number % 28:02d}"
        lines.append(f"{day},Course {number},ACME,,Group Live,Taxes,{number % 4 + 1},,")
        if number % 2:
            lines.append(f"{day},Course {number},ACME,,Group Live,Regulatory Ethics,1,,n")
    return "\n".join([*lines, *([extra] if extra else [])])
