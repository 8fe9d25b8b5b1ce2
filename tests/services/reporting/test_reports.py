"""Progress reports and firm summaries: what they say, who may make and see them, how they are
kept, and their CSV and XLSX files (typed cells, formula-looking text neutralised)."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json

import openpyxl
import pytest

from cpe_desktop.db.models import ActivityLog, AuditLog, Report
from cpe_desktop.services import files, records
from cpe_desktop.services.errors import NotFound, PermissionDenied, ValidationError
from cpe_desktop.services.interchange.csv_format import restore
from cpe_desktop.services.reporting import files as report_files
from cpe_desktop.services.reporting import reports
from tests.helpers.report_firm import AS_OF, INJECTION, ODD_TITLE, build_firm, fake_pdf


@pytest.fixture
def firm(people, tmp_path):
    return build_firm(people, tmp_path / "sources")


def _license(data, jurisdiction="Atlantis"):
    (found,) = [lic for lic in data["licenses"] if lic["jurisdiction"] == jurisdiction]
    return found


def test_progress_report_says_what_counts_and_what_is_missing(firm):
    data = reports.progress_data(firm.people.as_ann)
    assert data["kind"] == "progress" and data["as_of"] == "2026-06-15"
    assert data["person"] == {
        "user_id": firm.people.ann.user_id,
        "name": "Ann Member",
        "email": "ann@example.com",
    }
    lic = _license(data)
    assert (lic["credential"], lic["license_number"], lic["status"]) == ("CPA", "A-100", "on_track")
    assert (lic["period_start"], lic["period_end"], lic["days_left"]) == (
        "2026-01-01",
        "2026-12-31",
        199,
    )
    assert (lic["required_total"], lic["counted_total"], lic["shortfall_total"]) == (20, 15.4, 4.6)
    assert (lic["required_ethics"], lic["counted_ethics"], lic["shortfall_ethics"]) == (2, 3, 0)
    assert lic["carryover_in"] == 0
    assert lic["shortfall"] == "4.6 more hours by 31 Dec 2026"
    assert lic["headline"] == "Need 4.6 h by 31 Dec 2026"  # the dashboard's first line
    assert lic["overdue"] is None
    # This year's records, oldest first; last year's course does not count.
    seen = [(r["completed_on"], r["title"], r["credits"], r["certificate"]) for r in lic["records"]]
    assert seen == [
        ("2026-02-01", "Tax update", 8, True),
        ("2026-02-01", "Tax update", 4, True),
        ("2026-03-01", INJECTION, 2, True),
        ("2026-04-01", "Nano: revenue", 0.4, False),
        ("2026-05-01", ODD_TITLE, 1, True),
    ]
    assert lic["records"][3]["fields"] == [{"field": "Accounting", "credits": 0.4}]
    message = "“Nano: revenue” (1 Apr 2026) has no certificate attached."
    assert {"kind": "no_certificate", "message": message} in lic["issues"]


def _aa_component(firm) -> None:
    """Atlantis asks 8 h of accounting and auditing too (an invented rule); Ann has 4 h of
    Auditing and 0.4 h of Accounting this year: 4.4 counted, 3.6 missing."""
    from cpe_desktop.db.models import StateRequirement
    from cpe_desktop.services import requirements

    rule = StateRequirement.get(StateRequirement.state_name == "Atlantis")
    component = {
        "kind": "min",
        "hours": 8,
        "fields": ["accounting_auditing"],
        "label": "8 h accounting and auditing",
        "source": "Atlantis Rule 7",
    }
    requirements.set_components(firm.people.as_admin, rule.state_id, [component])


def test_progress_report_lists_every_component_most_missing_first(firm):
    _aa_component(firm)
    lic = _license(reports.progress_data(firm.people.as_ann))
    seen = [
        (c["label"], c["required"], c["counted"], c["missing"], c["met"], c["headline"])
        for c in lic["components"]
    ]
    # Total 20 (15.4 counted: 4.6 missing), A&A 8 (4.4: 3.6 missing), ethics 2 (3: met).
    # The period runs to 31 Dec: nothing is judged short yet (met None), ethics is met.
    assert seen[0][1:] == (20, 15.4, 4.6, None, True)
    assert seen[1] == ("8 h accounting and auditing", 8, 4.4, 3.6, None, False)
    assert seen[2][1:5] == (2, 3, 0, True)
    assert lic["components"][1]["source"] == "Atlantis Rule 7"
    assert reports.component_state(lic["components"][1], "Atlantis") == "3.6 h missing"

    header, *rows = _sections(report_files.csv_text({"kind": "progress", **_data(lic)}))[
        "Components"
    ]
    row = dict(zip(header, rows[1], strict=True))
    assert (row["Requirement"], row["Required"], row["Counted"], row["Still needed"]) == (
        "8 h accounting and auditing",
        "8",
        "4.4",
        "3.6",
    )
    assert (row["Result"], row["Headline figure"], row["Source"]) == (
        "3.6 h missing",
        "No",
        "Atlantis Rule 7",
    )


def _data(lic):
    return {"licenses": [lic]}


def test_an_earlier_as_of_date_reports_that_day(firm):
    data = reports.progress_data(firm.people.as_ann, as_of=dt.date(2026, 2, 15))
    lic = _license(data)
    assert data["as_of"] == "2026-02-15"
    assert lic["counted_total"] == 12
    assert [r["title"] for r in lic["records"]] == ["Tax update", "Tax update"]


def test_a_license_without_rule_is_reported_as_such(firm):
    data = reports.progress_data(firm.people.as_bob)
    nowhere = _license(data, "Nowhere")
    assert nowhere["status"] == "no_rule" and nowhere["period_start"] is None
    assert "No requirement rule covers CPA in Nowhere" in nowhere["shortfall"]
    assert [r["title"] for r in _license(data)["records"]] == ["Bob's audit course"]


def test_stored_with_audit_entry_and_listed(firm):
    outcome = reports.make_progress_report(firm.people.as_ann)
    report = outcome.value
    assert {"reports", "audit"} <= outcome.changes.kinds
    stored = Report.get_by_id(report.report_id)
    assert (stored.user_id, stored.report_type, stored.as_of) == (
        firm.people.ann.user_id,
        "progress",
        AS_OF,
    )
    assert stored.title == "Progress report — Ann Member"
    assert json.loads(stored.data) == reports.progress_data(firm.people.as_ann)
    entry = AuditLog.get(AuditLog.entity == "report")
    assert (entry.action, entry.entity_id, entry.user_id) == (
        "create report",
        str(report.report_id),
        firm.people.ann.user_id,
    )
    assert [r.report_id for r in reports.list_reports(firm.people.as_ann)] == [report.report_id]


def test_members_report_only_on_themselves(firm):
    people = firm.people
    with pytest.raises(PermissionDenied):
        reports.make_progress_report(people.as_ann, people.bob.user_id)
    with pytest.raises(PermissionDenied):
        reports.make_firm_summary(people.as_ann)
    assert Report.select().count() == 0
    # An administrator may report on anyone; the report is kept under that person.
    bobs = reports.make_progress_report(people.as_admin, people.bob.user_id).value
    assert bobs.user_id == people.bob.user_id
    assert reports.list_reports(people.as_ann) == []
    with pytest.raises(NotFound):
        reports.get_report(people.as_ann, bobs.report_id)
    with pytest.raises(NotFound):
        reports.delete_reports(people.as_ann, [bobs.report_id])
    assert [r.report_id for r in reports.list_reports(people.as_bob)] == [bobs.report_id]


def test_firm_summary_lists_every_person_and_license(firm):
    report = reports.make_firm_summary(firm.people.as_admin).value
    data = reports.stored_data(firm.people.as_admin, report.report_id)
    assert report.user_id == firm.people.admin.user_id
    keys = ("jurisdiction", "status", "required_total", "counted_total", "shortfall_total")
    keys += ("period_end", "days_left")
    rows = [(lic["person"]["name"], *(lic[k] for k in keys)) for lic in data["licenses"]]
    assert rows == [  # the most urgent first
        ("Bob Member", "Atlantis", "at_risk", 20, 3, 17, "2026-12-31", 199),
        ("Ann Member", "Atlantis", "on_track", 20, 15.4, 4.6, "2026-12-31", 199),
        ("Bob Member", "Nowhere", "no_rule", None, None, None, None, None),
    ]
    assert data["people"] == 2
    assert data["counts"] == {"at_risk": 1, "on_track": 1, "no_rule": 1}


def test_stored_data_stays_as_it_was_when_records_change(firm):
    report = reports.make_progress_report(firm.people.as_ann).value
    records.update_record(firm.people.as_ann, firm.nano.record_id, {"title": "Renamed later"})
    records.delete_record(firm.people.as_ann, firm.tax_pdf.record_id)
    data = reports.stored_data(firm.people.as_ann, report.report_id)
    titles = [r["title"] for r in _license(data)["records"]]
    assert "Nano: revenue" in titles and "Renamed later" not in titles
    assert _license(data)["counted_total"] == 15.4
    assert "Renamed later" not in report_files.csv_text(data)


def test_delete_report_with_audit(firm):
    report = reports.make_progress_report(firm.people.as_ann).value
    outcome = reports.delete_reports(firm.people.as_ann, [report.report_id])
    assert outcome.value == 1 and "reports" in outcome.changes
    assert Report.select().count() == 0
    entry = AuditLog.get(AuditLog.action == "delete report")
    assert json.loads(entry.before_json)["title"] == "Progress report — Ann Member"


def test_report_data_from_another_version_is_refused(firm):
    report = reports.make_progress_report(firm.people.as_ann).value
    Report.update(data="{not json").where(Report.report_id == report.report_id).execute()
    with pytest.raises(ValidationError) as err:
        reports.stored_data(firm.people.as_ann, report.report_id)
    assert err.value.field == "data"


# --- CSV and XLSX --------------------------------------------------------------------------------


def _sections(text: str) -> dict[str, list[list[str]]]:
    """The CSV's tables by name (each under a line holding its name, blank line between)."""
    found: dict[str, list[list[str]]] = {}
    current: list[list[str]] = []
    for row in csv.reader(io.StringIO(text)):
        if not row:
            continue
        if len(row) == 1:
            current = found.setdefault(row[0], [])
        else:
            current.append(row)
    return found


def test_csv_has_licenses_and_records_with_plain_values(firm):
    text = report_files.csv_text(reports.progress_data(firm.people.as_ann))
    tables = _sections(text)
    assert list(tables) == ["Licenses", "Records", "Components"]
    header, *licenses = tables["Licenses"]
    row = dict(zip(header, licenses[0], strict=True))
    assert row["Status"] == "On track" and row["Period end"] == "2026-12-31"
    assert (row["Required total"], row["Counted total"], row["Shortfall total"]) == (
        "20",
        "15.4",
        "4.6",
    )
    header, *lines = tables["Records"]
    assert header == [
        "Credential",
        "Jurisdiction",
        "Completed on",
        "Title",
        "Sponsor",
        "Delivery method",
        "Credits",
        "Fields of study",
        "Certificate",
    ]
    assert lines[3] == [
        "CPA",
        "Atlantis",
        "2026-04-01",
        "Nano: revenue",
        "ACME CPE",
        "Nano Learning",
        "0.4",
        "Accounting 0.4",
        "No",
    ]


def test_csv_neutralises_formulas_and_restore_recovers_them(firm):
    text = report_files.csv_text(reports.progress_data(firm.people.as_ann))
    titles = [line[3] for line in _sections(text)["Records"][1:]]
    assert f"'{INJECTION}" in titles  # a spreadsheet shows it as text, never runs it
    assert not any(title.startswith(("=", "+", "-", "@")) for title in titles)
    assert INJECTION in [restore(title) for title in titles]


def test_firm_summary_csv_is_one_table(firm):
    text = report_files.csv_text(reports.firm_summary_data(firm.people.as_admin))
    header, *lines = list(csv.reader(io.StringIO(text)))
    assert header[:4] == ["Person", "Email", "Credential", "Jurisdiction"]
    assert [(line[0], line[3], line[5]) for line in lines] == [
        ("Bob Member", "Atlantis", "At risk"),
        ("Ann Member", "Atlantis", "On track"),
        ("Bob Member", "Nowhere", "No rule"),
    ]


def test_xlsx_keeps_types_bold_headers_and_widths(firm, tmp_path):
    data = reports.progress_data(firm.people.as_ann)
    path = report_files.write_report(data, tmp_path / "report.xlsx", "xlsx")
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["Licenses", "Records", "Components"]
    sheet = book["Records"]
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    nano = [cell.value for cell in sheet[5]]
    assert nano[2] == dt.datetime(2026, 4, 1) and sheet.cell(5, 3).is_date
    assert nano[3:] == ["Nano: revenue", "ACME CPE", "Nano Learning", 0.4, "Accounting 0.4", "No"]
    assert isinstance(sheet.cell(2, 7).value, int) and sheet.cell(2, 7).value == 8
    formula = sheet.cell(4, 4)
    assert formula.data_type == "s" and restore(formula.value) == INJECTION
    assert sheet.column_dimensions["D"].width > 20  # the title column fits its titles
    licenses = book["Licenses"]
    values = {licenses.cell(1, c).value: licenses.cell(2, c).value for c in range(1, 16)}
    assert values["Counted total"] == 15.4 and values["Days left"] == 199
    assert values["Period start"] == dt.datetime(2026, 1, 1)


def test_export_writes_the_stored_report_and_logs_it(firm, tmp_path):
    report = reports.make_progress_report(firm.people.as_ann).value
    outcome = report_files.export_report(
        firm.people.as_ann, report.report_id, tmp_path / "out.pdf", "pdf", render_pdf=fake_pdf
    )
    assert outcome.value.read_bytes() == fake_pdf(reports.report_data(report))
    assert "activity" in outcome.changes
    entry = ActivityLog.get(ActivityLog.action == "exported report")
    assert entry.details == "Progress report — Ann Member as PDF to out.pdf"
    with pytest.raises(NotFound):
        report_files.export_report(firm.people.as_bob, report.report_id, tmp_path / "b.csv", "csv")


@pytest.mark.parametrize(
    ("fmt", "renderer", "field"),
    [("docx", None, "format"), ("pdf", None, "format")],
)
def test_export_refusals_name_the_field(firm, tmp_path, fmt, renderer, field):
    report = reports.make_progress_report(firm.people.as_ann).value
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(ValidationError) as err:
        report_files.export_report(
            firm.people.as_ann, report.report_id, out / f"x.{fmt}", fmt, render_pdf=renderer
        )
    assert err.value.field == field
    assert list(out.iterdir()) == []


def test_a_failed_write_leaves_nothing_behind(firm, tmp_path):
    def broken_midway(handle):
        handle.write(b"half a file")
        raise RuntimeError("renderer broke")

    out = tmp_path / "out"
    out.mkdir()
    target = out / "report.pdf"
    target.write_bytes(b"the old file")
    with pytest.raises(RuntimeError):
        files.write_atomically(target, broken_midway)
    with pytest.raises(ValidationError) as err:
        data = reports.progress_data(firm.people.as_ann)
        report_files.write_report(data, out / "missing" / "x.csv", "csv")
    assert "does not exist" in str(err.value)
    assert [p.name for p in out.iterdir()] == ["report.pdf"]
    assert target.read_bytes() == b"the old file"


def test_file_names_offered_are_safe(firm):
    data = reports.progress_data(firm.people.as_ann)
    assert report_files.file_stem(data) == "Progress report — Ann Member - 2026-06-15"
    assert report_files.safe_title('a/b\\c:d*e?f"g<h>i|j. ') == "a_b_c_d_e_f_g_h_i_j"
    assert report_files.safe_title("...") == "record"
