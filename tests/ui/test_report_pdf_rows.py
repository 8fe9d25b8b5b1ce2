"""Report PDFs keep every table row on one page (issue 15, item 4): Qt's QTextDocument split a
row's cells line by line at a page's end ("Harbor and" / "Finch LLP" on the next page). Long
reports with rows of differing heights are rendered and read back with pypdf: every row's words
are on exactly one page, and the table's header is repeated where it continues."""

from __future__ import annotations

import io

import pypdf
import pytest

from cpe_desktop.ui.report_pdf import render_pdf

STATUSES = ("overdue", "at_risk", "on_track", "complete")


def _pages(content: bytes) -> list[str]:
    """Each page's text with all white space removed (cells wrap wherever they wrap)."""
    return [
        "".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(content)).pages
    ]


def _progress(count: int) -> dict:
    """A stored progress report's data: ``count`` records whose titles wrap to 1-3 lines."""
    records = [
        {
            "completed_on": f"2026-01-{1 + n % 28:02d}",
            "title": f"Annual review Q{n:03d} of tax practice" + " in depth" * (n % 5),
            "sponsor": f"Harbor and Finch LLP S{n:03d}",
            "credits": "2",
            "fields": [{"field": "Taxes", "credits": "1"}, {"field": "Accounting", "credits": "1"}][
                : 1 + n % 2
            ],
            "certificate": n % 3 == 0,
        }
        for n in range(count)
    ]
    lic = {
        "credential": "CPA",
        "jurisdiction": "California",
        "license_number": "C-1",
        "status": "on_track",
        "headline": "Need 10 h by 31 Dec 2026",
        "period_start": "2025-01-01",
        "period_end": "2026-12-31",
        "days_left": 100,
        "required_total": "80",
        "counted_total": "70",
        "shortfall_total": "10",
        "records": records,
        "components": [],
        "issues": [],
        "caps": [],
    }
    return {
        "kind": "progress",
        "title": "Progress report — Ann Member",
        "as_of": "2026-06-15",
        "generated_on": "2026-06-15",
        "person": {"name": "Ann Member", "email": "ann@example.com"},
        "licenses": [lic],
    }


def _firm(count: int) -> dict:
    """A stored firm summary's data: ``count`` licenses whose sentences wrap to 1-4 lines."""
    licenses = [
        {
            "person": {"name": f"Person P{n:03d}", "email": f"p{n:03d}@harborfinch.example"},
            "credential": "CPA",
            "jurisdiction": "California",
            "headline": f"Need 12 h H{n:03d} by 31 Dec 2026" + ", 4 of them ethics" * (n % 4),
            "status": STATUSES[n % 4],
            "required_total": "80",
            "counted_total": "40",
            "shortfall_total": "40",
            "period_end": "2026-12-31",
            "days_left": 30 + n,
        }
        for n in range(count)
    ]
    return {
        "kind": "firm_summary",
        "title": "Firm summary",
        "as_of": "2026-06-15",
        "generated_on": "2026-06-15",
        "people": count,
        "licenses": licenses,
        "counts": {"overdue": count},
    }


def _one_page_each(pages: list[str], rows: dict[str, list[str]]) -> None:
    """Every row's texts (keyed by a word only that row has) are whole on one page."""
    for key, texts in rows.items():
        where = [number for number, page in enumerate(pages) if key in page]
        assert len(where) == 1, f"{key} is on pages {where}"
        page = pages[where[0]]
        for text in texts:
            assert "".join(text.split()) in page, f"{key}: {text!r} is not whole on its page"


@pytest.mark.parametrize("count", [60, 130])
def test_no_record_row_of_a_progress_report_is_split_between_pages(qapp, count):
    data = _progress(count)
    pages = _pages(render_pdf(data))
    assert len(pages) >= 3
    _one_page_each(
        pages,
        {
            f"Q{n:03d}": [record["title"], record["sponsor"]]
            for n, record in enumerate(data["licenses"][0]["records"])
        },
    )
    # The table's header heads every page it continues on.
    header = "DateTitleSponsorCreditsFieldsofstudyCertificate"
    assert all(header in page for page in pages[1:-1])


def test_no_row_of_a_firm_summary_is_split_between_pages(qapp):
    data = _firm(90)
    pages = _pages(render_pdf(data))
    assert len(pages) >= 3
    _one_page_each(
        pages,
        {
            f"H{n:03d}": [lic["person"]["name"], lic["headline"]]
            for n, lic in enumerate(data["licenses"])
        },
    )


def test_firm_summary_breaks_an_email_address_only_after_its_at_sign(qapp):
    """Issue 15, item 13: "p000.someone.long@har" / "borandfinchllp-" / "example.com"."""
    data = _firm(12)
    for n, lic in enumerate(data["licenses"]):
        lic["person"]["email"] = f"p{n:03d}.someone.long@harborandfinchllp-example.com"
    reader = pypdf.PdfReader(io.BytesIO(render_pdf(data)))
    lines = [
        "".join(line.split()) for page in reader.pages for line in page.extract_text().split("\n")
    ]
    for lic in data["licenses"]:
        email = lic["person"]["email"]
        local, domain = email.split("@")
        whole = any(email in line for line in lines)
        at_the_at = any(
            first.endswith(f"{local}@") and second.startswith(domain)
            for first, second in zip(lines, lines[1:], strict=False)
        )
        assert whole or at_the_at, (email, [line for line in lines if local[:4] in line])
