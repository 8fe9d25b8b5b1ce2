"""Reports as PDF, read back as a person (or a board) would: the words and numbers on each page,
the running header and "Page n of m" footer, and the stored data — not today's — on re-opening."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pypdf
import pytest

from cpe_desktop.rules.wording import day_text
from cpe_desktop.services import records
from cpe_desktop.services.reporting import audit_pack, reports
from cpe_desktop.ui.report_pdf import render_pdf, write_pdf
from tests.helpers.report_firm import INJECTION, ODD_TITLE, build_firm, course


def _d(iso: str) -> str:
    """A date as the program writes it (the locale's format, set as at start-up)."""
    return day_text(dt.date.fromisoformat(iso))


@pytest.fixture
def firm(people, tmp_path, qapp):
    return build_firm(people, tmp_path / "sources")


def pages_of(content: bytes) -> list[str]:
    """Each page's text with runs of white space made one space."""
    reader = pypdf.PdfReader(io.BytesIO(content))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def test_progress_report_pdf_shows_totals_records_and_page_numbers(firm):
    content = render_pdf(reports.progress_data(firm.people.as_ann))
    (page,) = pages_of(content)
    assert page.startswith(
        f"Progress report — Ann Member Data as of {_d('2026-06-15')} Progress report"
    )
    assert "Ann Member <ann@example.com>" in page
    assert f"Data as of {_d('2026-06-15')} · generated on {_d('2026-06-15')}" in page
    assert "CPA — Atlantis (license A-100)" in page
    assert (
        f"On track · Reporting period {_d('2026-01-01')} – {_d('2026-12-31')} · 199 days left"
        in page
    )
    assert f"Need 4.6 h by {_d('2026-12-31')}" in page
    assert "Total hours 20 15.4 4.6" in page
    assert "Ethics 2 3 0" in page
    squeezed = "".join(page.split())  # a long title may wrap inside its cell
    for title in ("Tax update", "Nano: revenue", INJECTION, ODD_TITLE):
        assert "".join(title.split()) in squeezed  # shown as written, never as markup
    assert f"{_d('2026-04-01')} Nano: revenue ACME CPE 0.4 Accounting 0.4 No" in page
    assert "1 record that counts has no certificate attached" in page
    assert "Last year's update" not in page
    assert page.endswith(f"Generated on {_d('2026-06-15')} by CPE Tracker Page 1 of 1")
    assert pypdf.PdfReader(io.BytesIO(content)).metadata.title == "Progress report — Ann Member"


def test_long_reports_number_every_page_and_repeat_the_header(firm):
    for n in range(120):
        title = f"Course number {n:03d}"
        course(firm.people.as_ann, title, "2026-01-15", "Taxes", "0.2", method="Nano Learning")
    content = render_pdf(reports.progress_data(firm.people.as_ann))
    pages = pages_of(content)
    count = len(pages)
    assert count >= 3
    for number, page in enumerate(pages, start=1):
        assert page.startswith(f"Progress report — Ann Member Data as of {_d('2026-06-15')}")
        assert page.endswith(f"Page {number} of {count}")
    text = " ".join(pages)
    assert all(f"Course number {n:03d}" in text for n in range(120))
    # The records table's header is repeated on the pages it continues on.
    assert sum("Date Title Sponsor Credits Fields of study Certificate" in p for p in pages) >= 2


def test_firm_summary_pdf_lists_people_and_licenses(firm):
    content = render_pdf(reports.firm_summary_data(firm.people.as_admin))
    (page,) = pages_of(content)
    end = _d("2026-12-31")
    assert page.startswith(
        f"Firm summary Data as of {_d('2026-06-15')} Firm summary 2 people, 3 licenses"
    )
    assert "Status: 1 at risk, 1 on track, 1 no rule" in page
    assert (
        "Ann Member ann@example.com CPA — Atlantis Need 4.6 h "
        f"by {end} On track 20 15.4 4.6 {end} 199"
    ) in page
    assert (
        "Bob Member bob@example.com CPA — Atlantis Need 17 h, 2 of them ethics, "
        f"by {end} At risk 20 3 17 {end} 199"
    ) in page
    assert "Bob Member bob@example.com CPA — Nowhere No requirement rule covers CPA" in page
    assert "judge this license. No rule — — — — —" in page
    assert page.endswith("Page 1 of 1")


def test_reopening_renders_the_stored_data_after_records_change(firm, tmp_path):
    report = reports.make_progress_report(firm.people.as_ann).value
    records.update_record(firm.people.as_ann, firm.nano.record_id, {"title": "Renamed later"})
    records.delete_record(firm.people.as_ann, firm.tax_pdf.record_id)
    path = write_pdf(reports.stored_data(firm.people.as_ann, report.report_id), tmp_path / "a.pdf")
    (page,) = pages_of(path.read_bytes())
    assert "Nano: revenue" in page and "Renamed later" not in page
    assert "Total hours 20 15.4 4.6" in page
    # A new report shows today's records.
    (fresh,) = pages_of(render_pdf(reports.progress_data(firm.people.as_ann)))
    assert "Renamed later" in fresh and "Total hours 20 7.4 12.6" in fresh


def test_audit_pack_summary_is_the_license_report_with_its_files(firm, tmp_path):
    result = audit_pack.build_audit_pack(
        firm.people.as_ann, firm.ann_cpa.license_id, tmp_path / "pack.zip", render_pdf
    ).value
    with zipfile.ZipFile(result.path) as archive:
        pages = pages_of(archive.read("summary.pdf"))
    text = " ".join(pages)
    assert pages[0].startswith("Audit pack — Ann Member, CPA Atlantis 2026–2026 Data as of")
    assert "Audit pack Ann Member <ann@example.com>" in text
    assert "Total hours 20 15.4 4.6" in text
    assert "In this audit pack summary.pdf (this report) 2026-02-01_Tax update.pdf" in text
    assert "Records without a certificate 2026-04-01 Nano: revenue (0.4 credits)" in text
    assert pages[-1].endswith(f"Page {len(pages)} of {len(pages)}")
