"""The audit pack: one zip with the license's summary, every counted record's certificate under
a dated, file-system-safe name (clashes numbered), and the list of records without one."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest

from cpe_desktop.db.models import ActivityLog, CertificateContent, Report
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.services.reporting import audit_pack, reports
from tests.helpers.report_firm import PDF, PNG, build_firm, fake_pdf

CERTIFICATES = [
    "2026-02-01_Tax update.pdf",
    "2026-02-01_Tax update (2).pdf",
    "2026-03-01_=HYPERLINK(_http_example.com_x_,_click_).png",
    "2026-05-01_Ethics_ _A_B_ _case_ study_.pdf",
]


@pytest.fixture
def firm(people, tmp_path):
    return build_firm(people, tmp_path / "sources")


@pytest.fixture
def out(tmp_path):
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _pack(firm, out, ctx=None, **kwargs):
    ctx = ctx or firm.people.as_ann
    path = out / "pack.zip"
    return audit_pack.build_audit_pack(ctx, firm.ann_cpa.license_id, path, fake_pdf, **kwargs)


def test_the_zip_holds_summary_certificates_and_the_missing_list(firm, out):
    result = _pack(firm, out).value
    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
        assert names == ["summary.pdf", *CERTIFICATES, "missing-certificates.txt"]
        assert archive.read("2026-02-01_Tax update.pdf") == PDF
        assert archive.read("2026-02-01_Tax update (2).pdf") == PDF + b"second"
        assert archive.read(CERTIFICATES[2]) == PNG + b"ethics"
        summary = archive.read("summary.pdf")
        missing = archive.read("missing-certificates.txt").decode("utf-8")
        assert archive.testzip() is None
    assert summary == fake_pdf(reports.stored_data(firm.people.as_ann, result.report_id))
    assert missing == (
        "1 record counting toward CPA — Atlantis (2026-01-01 to 2026-12-31) has no "
        "certificate in this pack:\n\n2026-04-01  Nano: revenue  (0.4 credits)\n"
    )
    assert result.files == tuple(names)
    assert [p.name for p in out.iterdir()] == ["pack.zip"]  # no temporary file left


def test_the_pack_is_kept_as_a_report_and_logged(firm, out):
    outcome = _pack(firm, out)
    assert {"reports", "audit", "activity"} <= outcome.changes.kinds
    report = Report.get_by_id(outcome.value.report_id)
    assert report.report_type == "audit_pack"
    assert report.title == "Audit pack — Ann Member, CPA Atlantis 2026–2026"
    data = reports.report_data(report)
    assert [c["file"] for c in data["pack"]["certificates"]] == CERTIFICATES
    assert data["pack"]["missing"] == ["2026-04-01  Nano: revenue  (0.4 credits)"]
    assert [lic["jurisdiction"] for lic in data["licenses"]] == ["Atlantis"]
    entry = ActivityLog.get(ActivityLog.action == "made audit pack")
    assert entry.details.endswith("to pack.zip")


def test_nothing_missing_is_said_plainly(firm, out, tmp_path):
    note = tmp_path / "nano.pdf"
    note.write_bytes(PDF + b"nano")
    attachment = attachments.store_certificate(firm.people.as_ann, firm.people.ann.user_id, note)
    firm.nano.attachment = attachment.value.attachment_id
    firm.nano.save()
    result = _pack(firm, out).value
    with zipfile.ZipFile(result.path) as archive:
        text = archive.read("missing-certificates.txt").decode("utf-8")
        assert "2026-04-01_Nano_ revenue.pdf" in archive.namelist()
    assert text.startswith("No certificates are missing")
    assert result.missing == ()


def test_a_certificate_file_gone_from_disk_is_listed_as_missing(firm, out):
    attachments.path_of(firm.tax_png.attachment).unlink()
    CertificateContent.delete().execute()  # and a server's copy: lost everywhere
    result = _pack(firm, out).value
    assert "2026-02-01_Tax update (2).pdf" not in result.files
    assert "2026-02-01_Tax update.pdf" in result.files
    assert result.missing == (
        "2026-02-01  Tax update  (4 credits) — its stored file is missing from the data folder",
        "2026-04-01  Nano: revenue  (0.4 credits)",
    )


def test_a_member_cannot_pack_another_persons_license(firm, out):
    with pytest.raises(PermissionDenied):
        _pack(firm, out, ctx=firm.people.as_bob)
    with pytest.raises(PermissionDenied):
        audit_pack.pack_periods(firm.people.as_bob, firm.ann_cpa.license_id)
    assert list(out.iterdir()) == [] and Report.select().count() == 0
    # The firm's administrator may.
    assert _pack(firm, out, ctx=firm.people.as_admin).value.path.is_file()


def test_a_license_without_rule_cannot_be_packed(firm, out):
    with pytest.raises(ValidationError) as err:
        audit_pack.build_audit_pack(
            firm.people.as_bob, firm.nowhere.license_id, out / "x.zip", fake_pdf
        )
    assert err.value.field == "license_id"
    assert list(out.iterdir()) == []


def test_an_earlier_period_packs_its_own_records(firm, out):
    periods = audit_pack.pack_periods(firm.people.as_ann, firm.ann_cpa.license_id)
    # Held since 2025: this year and last year, nothing before.
    assert [(p.start, p.end, p.as_of) for p in periods] == [
        (dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 6, 15)),
        (dt.date(2025, 1, 1), dt.date(2025, 12, 31), dt.date(2025, 12, 31)),
    ]
    assert periods[1].label == "1 Jan 2025 – 31 Dec 2025"
    result = _pack(firm, out, as_of=periods[1].as_of).value
    assert result.files == (
        "summary.pdf",
        "2025-05-05_Last year's update.pdf",
        "missing-certificates.txt",
    )
    license_ = firm.ann_cpa
    name = audit_pack.pack_file_name(license_, periods[1])
    assert name == "Audit pack - CPA Atlantis - 2025-01-01 to 2025-12-31.zip"


def test_a_failing_summary_leaves_no_file_and_no_report(firm, out):
    def broken(data):
        raise RuntimeError("layout failed")

    with pytest.raises(RuntimeError):
        audit_pack.build_audit_pack(
            firm.people.as_ann, firm.ann_cpa.license_id, out / "x.zip", broken
        )
    assert list(out.iterdir()) == [] and Report.select().count() == 0


@pytest.mark.parametrize(
    ("entries", "expected"),
    [
        (
            [("2026-01-02", "Ethics", ".pdf"), ("2026-01-02", "ETHICS", ".pdf")],
            ["2026-01-02_Ethics.pdf", "2026-01-02_ETHICS (2).pdf"],
        ),
        (
            [("2026-01-02", "A", ".pdf"), ("2026-01-02", "A", ".pdf"), ("2026-01-02", "A", ".png")],
            ["2026-01-02_A.pdf", "2026-01-02_A (2).pdf", "2026-01-02_A.png"],
        ),
        ([("2026-01-02", "  ..  ", ".jpg")], ["2026-01-02_record.jpg"]),
        ([("2026-01-02", "CON", ".pdf")], ["2026-01-02_CON.pdf"]),
        ([("2026-01-02", "x" * 200, ".pdf")], [f"2026-01-02_{'x' * 80}.pdf"]),
        ([("2026-01-02", "tab\there\nnew", ".pdf")], ["2026-01-02_tab_here_new.pdf"]),
    ],
)
def test_certificate_names(entries, expected):
    assert audit_pack.certificate_names(entries) == expected
