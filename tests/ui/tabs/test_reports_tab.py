"""The Reports tab as a person uses it: make a report, read it, export it, make an audit pack,
delete a report — members for themselves, administrators for anyone and the firm."""

from __future__ import annotations

import csv
import datetime as dt
import io
import threading
import zipfile
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pypdf
import pytest
from PySide6.QtCore import QDate, QSettings
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog, QLabel, QMessageBox

from cpe_desktop.db.models import Report, TaskQueue
from cpe_desktop.rules.wording import day_text
from cpe_desktop.services import records
from cpe_desktop.services.errors import ServiceError
from cpe_desktop.services.reporting import reports
from cpe_desktop.ui import crash
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.dialogs.report_dialogs import ReportOptionsDialog
from cpe_desktop.ui.main_window import MainWindow
from cpe_desktop.ui.tabs.reports_tab import FOLDER_KEY, ReportsTab
from cpe_desktop.ui.task_runner import TaskRunner
from tests.helpers.modal_dialogs import with_dialog
from tests.helpers.report_firm import build_firm

WAIT_MS = 20000  # generous: a 2-core machine may be busy
GATE_TIMEOUT = 20  # seconds a held task waits for the test before going on


def _d(iso: str) -> str:
    """A date as the program writes it (the locale's format, set as at start-up)."""
    return day_text(dt.date.fromisoformat(iso))


@pytest.fixture
def firm(people, tmp_path):
    return build_firm(people, tmp_path / "sources")


@pytest.fixture
def saving(monkeypatch, tmp_path):
    """Save dialogs answer with a file in ``out/``; "Open it now?" is answered Open, and what
    would be opened is recorded instead."""
    out = tmp_path / "out"
    out.mkdir()
    state = {"name": None, "filter": None, "offered": [], "opened": [], "asked": []}

    def save_dialog(parent, caption, suggested, filters, chosen=""):
        state["offered"].append((caption, Path(suggested).name, filters, chosen))
        name = state["name"] or Path(suggested).name
        return str(out / name), state["filter"] or chosen

    def question(parent, title, text, *args):
        state["asked"].append(text)
        return QMessageBox.StandardButton.Open

    monkeypatch.setattr(QFileDialog, "getSaveFileName", save_dialog)
    monkeypatch.setattr(QMessageBox, "question", question)
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: state["opened"].append(url))
    state["out"] = out
    return state


def _tab(qtbot, ctx) -> ReportsTab:
    window = MainWindow(ctx, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    tab = window.show_table("reports")
    assert isinstance(tab, ReportsTab)
    return tab


@pytest.fixture
def tasked(qtbot, monkeypatch):
    """``tasked(ctx)``: the Reports tab of a window whose reports run on a real task runner (made
    as the app controller makes it), that runner, and the window. Errors that would be shown are
    collected in ``tasked.errors`` as (parent, exception, doing)."""
    runners: list[TaskRunner] = []
    errors: list[tuple[object, BaseException, str]] = []
    monkeypatch.setattr(
        crash, "show_error", lambda parent, exc, doing="": errors.append((parent, exc, doing))
    )

    def make(ctx):
        bus = ChangeBus()
        runner = TaskRunner(lambda: ctx, bus=bus)
        runners.append(runner)
        actions = SimpleNamespace(tasks=runner)
        window = MainWindow(ctx, bus, database_location="test.db", actions=actions)
        qtbot.addWidget(window)
        tab = window.show_table("reports")
        assert isinstance(tab, ReportsTab) and tab.tasks is runner
        return tab, runner, window

    make.errors = errors
    yield make
    for runner in runners:
        assert runner.wait_for_all(WAIT_MS)


def _words(reader: pypdf.PdfReader) -> str:
    return " ".join(" ".join(page.extract_text().split()) for page in reader.pages)


def _titles(tab):
    column = tab.model.column_index("title")
    return [tab.model.index(row, column).data() for row in range(tab.model.rowCount())]


def test_members_see_their_buttons_and_no_firm_summary(qtbot, firm):
    member = _tab(qtbot, firm.people.as_ann)
    assert member.firm_button.isHidden() and not member.progress_button.isHidden()
    assert not member.pack_button.isHidden() and not member.delete_button.isHidden()
    assert not member.open_button.isEnabled() and not member.export_button.isEnabled()
    admin = _tab(qtbot, firm.people.as_admin)
    assert not admin.firm_button.isHidden()


def test_member_makes_a_progress_report_and_reads_it(qtbot, firm):
    tab = _tab(qtbot, firm.people.as_ann)

    def accept(dialog: ReportOptionsDialog) -> None:
        labels = [label.text() for label in dialog.findChildren(QLabel)]
        assert "Data &as of:" in labels and "&Person:" not in labels  # no one else to pick
        assert dialog.as_of() == firm.people.as_ann.clock.today()
        dialog.accept()

    with_dialog(tab.progress_button.click, accept)
    assert _titles(tab) == ["Progress report — Ann Member"]
    assert tab.current_pk() == Report.get().report_id and tab.open_button.isEnabled()
    (viewer,) = tab.viewers
    text = viewer.text()
    assert f"Need 4.6 h by {_d('2026-12-31')}" in text
    assert "Nano: revenue" in text
    viewer.close()


def test_admin_reports_on_another_person_as_of_a_date(qtbot, firm):
    tab = _tab(qtbot, firm.people.as_admin)

    def choose(dialog: ReportOptionsDialog) -> None:
        dialog.person.setCurrentIndex(dialog.person.findData(firm.people.bob.user_id))
        dialog.date.setDate(QDate(2026, 3, 31))
        dialog.accept()

    with_dialog(tab.progress_button.click, choose)
    report = Report.get()
    assert (report.user_id, report.title, str(report.as_of)) == (
        firm.people.bob.user_id,
        "Progress report — Bob Member",
        "2026-03-31",
    )
    assert f"Data as of {_d('2026-03-31')}" in tab.viewers[-1].text()


def test_firm_summary_then_export_as_xlsx(qtbot, firm, saving):
    tab = _tab(qtbot, firm.people.as_admin)

    def look_then_make(dialog: ReportOptionsDialog) -> None:
        # It says what the report is and is wide enough for its title (it was a bare date box
        # 200 pixels wide).
        assert "most urgent first" in dialog.intro.text() and dialog.intro.isVisible()
        assert dialog.width() >= 440
        assert dialog.ok_button.text().replace("&", "") == "Make"
        dialog.accept()

    with_dialog(tab.firm_button.click, look_then_make)
    assert "Bob Member" in tab.viewers[-1].text()
    saving["name"] = "firm.xlsx"
    written = tab.export_report()
    caption, offered, filters, chosen = saving["offered"][-1]
    assert offered == "Firm summary - 2026-06-15.pdf" and "Excel workbook (*.xlsx)" in filters
    sheet = openpyxl.load_workbook(written)["Firm summary"]
    assert [c.value for c in sheet[1]][:4] == ["Person", "Email", "Credential", "Jurisdiction"]
    people = [sheet.cell(row, 1).value for row in range(2, sheet.max_row + 1)]
    assert people == ["Bob Member", "Ann Member", "Bob Member"]  # the most urgent first
    assert saving["opened"][-1].toLocalFile() == str(written)
    assert "Saved firm.xlsx" in saving["asked"][-1]


def test_export_as_pdf_and_csv_from_the_stored_data(qtbot, firm, saving):
    tab = _tab(qtbot, firm.people.as_ann)
    with_dialog(tab.progress_button.click, lambda dialog: dialog.accept())
    records.update_record(firm.people.as_ann, firm.nano.record_id, {"title": "Renamed later"})
    pdf = tab.export_report()
    assert pdf == saving["out"] / "Progress report — Ann Member - 2026-06-15.pdf"
    text = _words(pypdf.PdfReader(pdf))
    assert "Nano: revenue" in text and "Renamed later" not in text
    # No extension typed: the file type chosen in the dialog says which.
    saving["name"], saving["filter"] = "ann", "CSV file (*.csv)"
    written = tab.export_report()
    assert written.name == "ann.csv"
    rows = list(csv.reader(io.StringIO(written.read_text(encoding="utf-8-sig"))))
    assert rows[0] == ["Licenses"] and ["Records"] in rows
    assert any(row[3:4] == ["Nano: revenue"] for row in rows)
    assert QSettings().value(FOLDER_KEY) == str(saving["out"])  # offered first next time


def test_reopening_shows_what_the_report_said(qtbot, firm):
    report = reports.make_progress_report(firm.people.as_ann).value
    records.delete_record(firm.people.as_ann, firm.nano.record_id)
    tab = _tab(qtbot, firm.people.as_ann)
    tab.select_pks([report.report_id])
    tab.open_button.click()
    assert "Nano: revenue" in tab.viewers[-1].text()
    tab.viewers[-1].close()


def test_audit_pack_from_the_tab(qtbot, firm, saving):
    tab = _tab(qtbot, firm.people.as_ann)

    def choose(dialog: ReportOptionsDialog) -> None:
        assert [dialog.license.itemText(i) for i in range(dialog.license.count())] == [
            "CPA — Atlantis"
        ]
        periods = [dialog.period.itemText(i) for i in range(dialog.period.count())]
        assert periods == [
            f"{_d('2026-01-01')} – {_d('2026-12-31')} (current)",
            f"{_d('2025-01-01')} – {_d('2025-12-31')}",
        ]
        dialog.period.setCurrentIndex(0)
        dialog.accept()

    with_dialog(tab.pack_button.click, choose)
    (pack,) = saving["out"].iterdir()
    assert pack.name == "Audit pack - CPA Atlantis - 2026-01-01 to 2026-12-31.zip"
    with zipfile.ZipFile(pack) as archive:
        assert archive.namelist()[0] == "summary.pdf"
        assert "missing-certificates.txt" in archive.namelist()
    assert _titles(tab) == ["Audit pack — Ann Member, CPA Atlantis 2026–2026"]
    assert "1 record has no certificate" in saving["asked"][-1]
    assert saving["opened"][-1].toLocalFile() == str(pack)


def test_a_license_without_rule_says_why_it_cannot_be_packed(qtbot, firm):
    tab = _tab(qtbot, firm.people.as_bob)

    def look(dialog: ReportOptionsDialog) -> None:
        dialog.license.setCurrentIndex(dialog.license.findData(firm.nowhere.license_id))
        assert not dialog.ok_button.isEnabled()
        assert "no requirement rule" in dialog.problem.text()
        dialog.license.setCurrentIndex(dialog.license.findData(firm.bob_cpa.license_id))
        assert dialog.ok_button.isEnabled() and dialog.problem.isHidden()

    with_dialog(tab.pack_button.click, look)
    assert Report.select().count() == 0


def test_delete_asks_then_removes(qtbot, firm, monkeypatch):
    reports.make_progress_report(firm.people.as_ann)
    tab = _tab(qtbot, firm.people.as_ann)
    asked = []

    def question(parent, title, text, *args):
        asked.append(text)
        return QMessageBox.StandardButton.Yes

    monkeypatch.setattr(QMessageBox, "question", question)
    tab.select_pks([Report.get().report_id])
    tab.delete_button.click()
    assert "Progress report — Ann Member" in asked[0]
    assert Report.select().count() == 0 and _titles(tab) == []


def test_a_refusal_is_shown_not_raised(qtbot, firm, monkeypatch):
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda parent, title, text: warned.append(text))
    tab = _tab(qtbot, firm.people.as_ann)
    assert tab._run("testing", lambda: reports.make_firm_summary(tab.ctx)) is None
    assert warned == ["Only an administrator can make the firm summary."]


def test_a_progress_report_is_made_by_a_task_while_the_window_waits(
    qtbot, firm, tasked, monkeypatch
):
    tab, runner, window = tasked(firm.people.as_ann)
    gate = threading.Event()
    ran_on: list[bool] = []
    real = reports.make_progress_report

    def held(*args, **kwargs):
        ran_on.append(threading.current_thread() is threading.main_thread())
        gate.wait(GATE_TIMEOUT)
        return real(*args, **kwargs)

    monkeypatch.setattr(reports, "make_progress_report", held)
    with qtbot.waitSignal(runner.started, timeout=WAIT_MS):
        with_dialog(tab.progress_button.click, lambda dialog: dialog.accept())
    # Under way: the status bar says so, the buttons that start work are off, no row yet.
    assert window.task_status.label.text() == "Making the progress report for Ann Member…"
    assert not window.task_status.isHidden()
    assert not tab.progress_button.isEnabled() and not tab.pack_button.isEnabled()
    assert _titles(tab) == [] and tab.viewers == []

    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        gate.set()
    assert ran_on == [False], "made off the window's thread"
    assert window.task_status.isHidden() and tasked.errors == []
    assert tab.progress_button.isEnabled() and tab.pack_button.isEnabled()
    assert _titles(tab) == ["Progress report — Ann Member"]
    assert tab.current_pk() == Report.get().report_id
    (viewer,) = tab.viewers
    assert f"Need 4.6 h by {_d('2026-12-31')}" in viewer.text()
    viewer.close()
    task = TaskQueue.get(TaskQueue.task_name == "Making the progress report for Ann Member")
    assert task.status == "completed"


def test_an_audit_pack_is_made_by_a_task(qtbot, firm, tasked, saving):
    tab, runner, window = tasked(firm.people.as_ann)
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        with_dialog(tab.pack_button.click, lambda dialog: dialog.accept())
    assert tasked.errors == []
    (pack,) = saving["out"].iterdir()
    with zipfile.ZipFile(pack) as archive:
        summary = pypdf.PdfReader(io.BytesIO(archive.read("summary.pdf")))
    assert "CPA — Atlantis" in _words(summary)
    assert _titles(tab) == ["Audit pack — Ann Member, CPA Atlantis 2026–2026"]
    assert "1 record has no certificate" in saving["asked"][-1]
    assert saving["opened"][-1].toLocalFile() == str(pack)
    task = TaskQueue.get(
        TaskQueue.task_name == "Making the audit pack for Ann Member, CPA Atlantis"
    )
    assert task.status == "completed"


def test_a_report_is_exported_by_a_task(qtbot, firm, tasked, saving):
    report = reports.make_progress_report(firm.people.as_ann).value
    tab, runner, window = tasked(firm.people.as_ann)
    tab.select_pks([report.report_id])
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        assert tab.export_report() is None  # the file comes when the task is done
    assert tasked.errors == []
    pdf = saving["out"] / "Progress report — Ann Member - 2026-06-15.pdf"
    assert "Nano: revenue" in _words(pypdf.PdfReader(pdf))
    assert saving["opened"][-1].toLocalFile() == str(pdf)


def test_a_failing_audit_pack_is_explained_and_leaves_no_report(qtbot, firm, tasked, saving):
    tab, runner, window = tasked(firm.people.as_ann)
    saving["name"] = "no such folder/pack.zip"  # the folder chosen has since gone
    with qtbot.waitSignal(runner.idle, timeout=WAIT_MS):
        with_dialog(tab.pack_button.click, lambda dialog: dialog.accept())
    ((parent, exc, doing),) = tasked.errors
    missing = saving["out"] / "no such folder"
    assert parent is tab and doing == "making the audit pack"
    assert isinstance(exc, ServiceError)  # shown as a plain warning, not a crash report
    assert (
        str(exc)
        == f"{missing / 'pack.zip'}: cannot be written: the folder {missing} does not exist"
    )
    assert Report.select().count() == 0 and _titles(tab) == []
    assert list(saving["out"].iterdir()) == [] and saving["opened"] == []
    assert tab.pack_button.isEnabled() and tab.progress_button.isEnabled()
    assert TaskQueue.get().status == "failed"
