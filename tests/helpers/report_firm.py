"""Test data for the report and audit-pack tests: a small firm with certificates.

Ann holds a CPA license in Atlantis (20 hours a calendar year, 2 of ethics, held since 2025).
This year she has five records: two courses called "Tax update" on the same day (two PDF
certificates: their pack names clash), an ethics course whose title is a spreadsheet formula (a
PNG certificate), a nano course without certificate, and a course titled with characters no
file name may hold. Last year she has one record (2025's period: not counted this year). Bob holds
the same license with one course, and a CPA license in Nowhere, which no rule covers.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from types import SimpleNamespace

from cpe_desktop.db.models import License
from cpe_desktop.services import licenses, records
from cpe_desktop.services.certificates import store as attachments
from tests.helpers.atlantis_rule import add_atlantis_rule

AS_OF = dt.date(2026, 6, 15)
INJECTION = '=HYPERLINK("http://example.com/x","click")'
ODD_TITLE = 'Ethics: "A/B" <case> study?'
PDF = b"%PDF-1.4\n% a certificate\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 16


def certificate(ctx, user_id: int, folder: Path, name: str, content: bytes) -> int:
    """Store ``content`` as a certificate; returns the attachment id."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(content)
    return attachments.store_certificate(ctx, user_id, path).value.attachment_id


def course(ctx, title, day, field, credits, *, method="Group Live", attachment_id=None, **extra):
    data = {
        "title": title,
        "sponsor": "ACME CPE",
        "completed_on": day,
        "delivery_method": method,
        "credits": [{"field": field, "credits": credits}],
        "attachment_id": attachment_id,
        **extra,
    }
    return records.create_record(ctx, data).value


def build_firm(people, folder: Path) -> SimpleNamespace:
    add_atlantis_rule(people)
    ann_cpa = licenses.create_license(
        people.as_ann,
        {
            "credential": "CPA",
            "jurisdiction": "Atlantis",
            "license_number": "A-100",
            "issued_on": "2025-01-01",
        },
    ).value
    bob_cpa = licenses.create_license(
        people.as_bob, {"credential": "CPA", "jurisdiction": "Atlantis", "issued_on": "2026-01-01"}
    ).value
    licenses.create_license(people.as_bob, {"credential": "CPA", "jurisdiction": "Nowhere"})

    ann, ctx = people.ann.user_id, people.as_ann
    pdf = certificate(ctx, ann, folder, "tax.pdf", PDF)
    second = certificate(ctx, ann, folder, "tax-2.pdf", PDF + b"second")
    ethics = certificate(ctx, ann, folder, "ethics.png", PNG + b"ethics")
    odd = certificate(ctx, ann, folder, "odd.pdf", PDF + b"odd")
    old = certificate(ctx, ann, folder, "old.pdf", PDF + b"2025")
    course(ctx, "Last year's update", "2025-05-05", "Taxes", 21, attachment_id=old)
    tax_pdf = course(ctx, "Tax update", "2026-02-01", "Taxes", 8, attachment_id=pdf)
    tax_png = course(ctx, "Tax update", "2026-02-01", "Auditing", 4, attachment_id=second)
    formula = course(ctx, INJECTION, "2026-03-01", "Regulatory Ethics", 2, attachment_id=ethics)
    nano = course(ctx, "Nano: revenue", "2026-04-01", "Accounting", "0.4", method="Nano Learning")
    odd_record = course(ctx, ODD_TITLE, "2026-05-01", "Behavioral Ethics", 1, attachment_id=odd)
    bob_course = course(people.as_bob, "Bob's audit course", "2026-03-03", "Auditing", 3)
    return SimpleNamespace(
        people=people,
        ann_cpa=ann_cpa,
        bob_cpa=bob_cpa,
        tax_pdf=tax_pdf,
        tax_png=tax_png,
        formula=formula,
        nano=nano,
        odd=odd_record,
        bob_course=bob_course,
        nowhere=License.get(License.jurisdiction == "Nowhere"),
    )


def fake_pdf(data: dict) -> bytes:
    """A stand-in renderer for Qt-free tests: says which report it was given."""
    return b"%PDF-1.4\n% " + str(data["title"]).encode("utf-8") + b"\n"
