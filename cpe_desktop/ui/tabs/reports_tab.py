"""The Reports tab: the ``reports`` table plus making, opening and exporting reports.

A new progress report, firm summary (administrators) or audit pack is made by the services and
stored; the table lists every stored report the person may see. Open shows a report from its
stored data (never a fresh evaluation), Export as… writes it as PDF, CSV or XLSX. File dialogs
offer a name made from the report's title and date, in the folder used last; after saving, the
file can be opened at once. Generation runs on the GUI thread under a wait cursor for now; each
service takes a ``progress`` callback so it can move onto the task runner unchanged.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton

from cpe_desktop.db.models import Report
from cpe_desktop.services import audit_pack, report_files, reports, users
from cpe_desktop.services import licenses as licenses_service
from cpe_desktop.services.changes import Outcome
from cpe_desktop.ui.crash import show_error
from cpe_desktop.ui.dialogs.report_dialogs import ReportOptionsDialog, ReportViewer
from cpe_desktop.ui.report_pdf import render_pdf
from cpe_desktop.ui.tabs.table_tab import TableTab

T = TypeVar("T")
FOLDER_KEY = "reports/folder"
FILTERS = {
    "pdf": "PDF document (*.pdf)",
    "csv": "CSV file (*.csv)",
    "xlsx": "Excel workbook (*.xlsx)",
}


@contextlib.contextmanager
def wait_cursor() -> Iterator[None]:
    QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
    try:
        yield
    finally:
        QApplication.restoreOverrideCursor()


class ReportsTab(TableTab):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.viewers: list[ReportViewer] = []
        admin = self.ctx.actor.is_admin
        self.progress_button = self._button("Progress report…", self.new_progress_report)
        self.firm_button = self._button("Firm summary…", self.new_firm_summary)
        self.firm_button.setVisible(admin)
        self.pack_button = self._button("Audit pack…", self.new_audit_pack)
        self.open_button = self._button("Open", self.open_current)
        self.export_button = self._button("Export as…", lambda: self.export_report())
        self.delete_button.setVisible(True)
        self.selectionChanged.connect(self._update_report_buttons)
        self._update_report_buttons()

    def _button(self, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text)
        button.clicked.connect(lambda _checked=False: slot())
        self.extra_bar.addWidget(button)
        return button

    def _update_report_buttons(self) -> None:
        one = self.current_pk() is not None
        self.open_button.setEnabled(one)
        self.export_button.setEnabled(one)

    def _run(self, doing: str, call: Callable[[], T]) -> T | None:
        """Run a service call under a wait cursor; a refusal or failure is shown, not raised."""
        try:
            with wait_cursor():
                return call()
        except Exception as exc:  # noqa: BLE001 - shown to the user in the right words
            show_error(self, exc, doing)
            return None

    # --- making reports -------------------------------------------------------------------------

    def _people(self) -> list[tuple[int, str]]:
        if not self.ctx.actor.is_admin:
            return []
        return [(u.user_id, f"{u.name} <{u.email}>") for u in users.list_users(self.ctx)]

    def new_progress_report(self) -> None:
        dialog = ReportOptionsDialog(
            self,
            "New progress report",
            people=self._people(),
            person_id=self.ctx.actor.user_id,
            as_of=self.ctx.clock.today(),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        person, as_of = dialog.person_id(), dialog.as_of()
        outcome = self._run(
            "making the progress report",
            lambda: reports.make_progress_report(self.ctx, person, as_of),
        )
        self._made(outcome)

    def new_firm_summary(self) -> None:
        dialog = ReportOptionsDialog(self, "New firm summary", as_of=self.ctx.clock.today())
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        as_of = dialog.as_of()
        outcome = self._run(
            "making the firm summary", lambda: reports.make_firm_summary(self.ctx, as_of)
        )
        self._made(outcome)

    def _made(self, outcome: Outcome[Report] | None) -> None:
        if outcome is None:
            return
        self.bus.publish(outcome)
        self.select_pks([outcome.value.report_id])
        self.open_report(outcome.value.report_id)

    def new_audit_pack(self) -> None:
        held = [lic for lic in licenses_service.list_licenses(self.ctx) if lic.status == "active"]
        admin = self.ctx.actor.is_admin
        choices = [
            (
                lic.license_id,
                f"{lic.credential.code} — {lic.jurisdiction}" + (f" ({lic.user.name})" * admin),
            )
            for lic in held
        ]
        dialog = ReportOptionsDialog(
            self,
            "New audit pack",
            licenses=choices,
            periods_of=lambda license_id: audit_pack.pack_periods(self.ctx, license_id),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return
        license_id, period = dialog.license_id(), dialog.chosen_period()
        if license_id is None or period is None:
            return
        license_ = next(lic for lic in held if lic.license_id == license_id)
        name = audit_pack.pack_file_name(license_, period)
        path = self._ask_path("Save audit pack", name, "Zip archive (*.zip)")[0]
        if not path:
            return
        if Path(path).suffix.lower() != ".zip":
            path += ".zip"
        outcome = self._run(
            "making the audit pack",
            lambda: audit_pack.build_audit_pack(
                self.ctx, license_id, path, render_pdf, period.as_of
            ),
        )
        if outcome is None:
            return
        self.bus.publish(outcome)
        self.select_pks([outcome.value.report_id])
        missing = len(outcome.value.missing)
        note = (
            f"\n\n{missing} record(s) have no certificate; see missing-certificates.txt."
            if missing
            else ""
        )
        self._offer_to_open(outcome.value.path, note)

    # --- stored reports -------------------------------------------------------------------------

    def open_current(self) -> None:
        pk = self.current_pk()
        if pk is not None:
            self.open_report(pk)

    def edit_current(self) -> None:
        """Double-click (and Edit) opens the report: a stored report is not edited."""
        self.open_current()

    def open_report(self, report_id: int) -> ReportViewer | None:
        data = self._run("opening the report", lambda: reports.stored_data(self.ctx, report_id))
        if data is None:
            return None
        viewer = ReportViewer(self, report_id, data)
        viewer.exportRequested.connect(self.export_report)
        viewer.destroyed.connect(lambda _=None, v=viewer: self._forget(v))
        self.viewers.append(viewer)
        viewer.show()
        return viewer

    def _forget(self, viewer: ReportViewer) -> None:
        with contextlib.suppress(ValueError):
            self.viewers.remove(viewer)

    def export_report(self, report_id: int | None = None) -> Path | None:
        report_id = self.current_pk() if report_id is None else report_id
        if report_id is None:
            return None
        data = self._run("opening the report", lambda: reports.stored_data(self.ctx, report_id))
        if data is None:
            return None
        filters = ";;".join(FILTERS.values())
        path, chosen = self._ask_path(
            "Export report", report_files.file_stem(data) + ".pdf", filters, FILTERS["pdf"]
        )
        if not path:
            return None
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in FILTERS:
            fmt = next((k for k, v in FILTERS.items() if v == chosen), "pdf")
            path += f".{fmt}"
        outcome = self._run(
            "exporting the report",
            lambda: report_files.export_report(
                self.ctx, report_id, path, fmt, render_pdf=render_pdf
            ),
        )
        if outcome is None:
            return None
        self.bus.publish(outcome)
        self._offer_to_open(outcome.value)
        return outcome.value

    def delete_selected(self) -> None:
        pks = self.selected_pks()
        if not pks:
            return
        lines = "\n• ".join(reports.describe(pks))
        what = f"these {len(pks)} reports" if len(pks) > 1 else "this report"
        answer = QMessageBox.question(
            self,
            "Delete?",
            f"Delete {what}?\n\n• {lines}\n\nFiles already exported are not touched.",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        if answer == QMessageBox.StandardButton.Yes:
            outcome = self._run("deleting reports", lambda: reports.delete_reports(self.ctx, pks))
            self.bus.publish(outcome)

    # --- files ----------------------------------------------------------------------------------

    def _ask_path(self, caption: str, name: str, filters: str, chosen: str = "") -> tuple[str, str]:
        """A save dialog in the folder used last (else Documents) offering ``name``."""
        folder = QSettings().value(FOLDER_KEY) or QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation
        )
        path, selected = QFileDialog.getSaveFileName(
            self, caption, str(Path(folder) / name), filters, chosen
        )
        if path:
            QSettings().setValue(FOLDER_KEY, str(Path(path).parent))
        return path, selected

    def _offer_to_open(self, path: Path, note: str = "") -> None:
        answer = QMessageBox.question(
            self,
            "Saved",
            f"Saved {path.name} in {path.parent}.{note}\n\nOpen it now?",
            QMessageBox.StandardButton.Open | QMessageBox.StandardButton.Close,
            QMessageBox.StandardButton.Open,
        )
        if answer == QMessageBox.StandardButton.Open:
            QDesktopServices.openUrl(QUrl.fromLocalFile(str(path)))
