"""The Reports tab: the ``reports`` table plus making, opening and exporting reports.

A new progress report, firm summary (administrators) or audit pack is made by the services and
stored; the table lists every stored report the person may see. Open shows a report from its
stored data (never a fresh evaluation), Export as… writes it as PDF, CSV or XLSX. File dialogs
offer a name made from the report's title and date, in the folder used last; after saving, the
file can be opened at once.

Making and exporting run as tracked tasks on the window's task runner (``tasks``), so the window
keeps responding and the status bar shows the progress; the buttons that start such work are off
until this tab's task has ended. The work gets only plain values (the context, ids, paths), never
a widget; when it ends, what changed is published on the bus and the result shown, or the error
in the right words. A tab made without a runner (a window built without the app controller) does
the same work at once under a wait cursor.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import shiboken6
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QDialog, QFileDialog, QMessageBox, QPushButton

from cpe_desktop.services import licenses as licenses_service
from cpe_desktop.services import users
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.reporting import audit_pack, reports
from cpe_desktop.services.reporting import files as report_files
from cpe_desktop.services.tasks import Progress
from cpe_desktop.ui import crash
from cpe_desktop.ui.dialogs.report_dialogs import ReportOptionsDialog, ReportViewer
from cpe_desktop.ui.report_pdf import render_pdf
from cpe_desktop.ui.tabs.table_tab import TableTab
from cpe_desktop.ui.task_runner import TaskRunner

T = TypeVar("T")
Work = Callable[[Progress | None], Outcome[T]]
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
    def __init__(self, *args: Any, tasks: TaskRunner | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.tasks = tasks
        self.task_id: int | None = None  # this tab's task while it runs
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

    @property
    def busy(self) -> bool:
        """This tab's report is being made or exported."""
        return self.task_id is not None

    def _update_report_buttons(self) -> None:
        one = self.current_pk() is not None
        free = not self.busy
        self.open_button.setEnabled(one)
        self.export_button.setEnabled(one and free)
        for button in (self.progress_button, self.firm_button, self.pack_button):
            button.setEnabled(free)
        for viewer in self.viewers:
            viewer.export_button.setEnabled(free)

    def _run(self, doing: str, call: Callable[[], T]) -> T | None:
        """Run a service call under a wait cursor; a refusal or failure is shown, not raised."""
        try:
            with wait_cursor():
                return call()
        except Exception as exc:
            crash.show_error(self, exc, doing)
            return None

    def _start(
        self, name: str, doing: str, work: Work[T], done: Callable[[Outcome[T]], None]
    ) -> Outcome[T] | None:
        """Run ``work(progress)`` as the task ``name``; when it has finished, publish what it
        changed and call ``done(outcome)``. A failure is shown (``doing`` says while doing what),
        never raised. Without a runner the work is done at once and its outcome returned."""
        if self.tasks is None:
            outcome = self._run(doing, lambda: work(None))
            if outcome is not None:
                self.bus.publish(outcome)
                done(outcome)
            return outcome
        if self.busy:
            return None  # one at a time; the buttons are off meanwhile

        def finished(outcome: Outcome[T]) -> None:
            if self._task_ended():
                self.bus.publish(outcome)
                done(outcome)
            elif shiboken6.isValid(self.bus):  # the window was closed meanwhile
                self.bus.publish(outcome)

        def failed(exc: BaseException) -> None:
            crash.show_error(self if self._task_ended() else None, exc, doing)

        try:
            self.task_id = self.tasks.submit(name, work, on_done=finished, on_error=failed)
        except Exception as exc:
            crash.show_error(self, exc, doing)
            return None
        self._update_report_buttons()
        return None

    def _task_ended(self) -> bool:
        """Forget the task and turn the buttons back on; False if this tab is gone."""
        self.task_id = None
        if not shiboken6.isValid(self):
            return False
        self._update_report_buttons()
        return True

    # --- making reports -------------------------------------------------------------------------

    def new_progress_report(self) -> None:
        people = users.list_users(self.ctx) if self.ctx.actor.is_admin else []
        dialog = ReportOptionsDialog(
            self,
            "New progress report",
            people=[(u.user_id, f"{u.name} <{u.email}>") for u in people],
            person_id=self.ctx.actor.user_id,
            as_of=self.ctx.clock.today(),
            intro=(
                "One person's licenses: for each, the period, the hours counted and still "
                "needed, and the courses that count, as they stood on the date below."
            ),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or self.busy:
            return
        ctx, person, as_of = self.ctx, dialog.person_id(), dialog.as_of()
        names: dict[int | None, str] = {u.user_id: u.name for u in people}
        who = names.get(person, ctx.actor.name)
        self._start(
            f"Making the progress report for {who}",
            "making the progress report",
            lambda progress: reports.make_progress_report(ctx, person, as_of, progress=progress),
            self._show_made,
        )

    def new_firm_summary(self) -> None:
        dialog = ReportOptionsDialog(
            self,
            "New firm summary",
            as_of=self.ctx.clock.today(),
            intro=(
                "Every license in the firm, most urgent first: its status, the hours still "
                "needed and the deadline, as they stood on the date below."
            ),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or self.busy:
            return
        ctx, as_of = self.ctx, dialog.as_of()
        self._start(
            "Making the firm summary",
            "making the firm summary",
            lambda progress: reports.make_firm_summary(ctx, as_of, progress=progress),
            self._show_made,
        )

    def _show_made(self, outcome: Outcome[reports.Report]) -> None:
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
            intro=(
                "A zip file for a board's audit of one license and period: the courses, their "
                "certificates and how the requirement was worked out."
            ),
        )
        if dialog.exec() != QDialog.DialogCode.Accepted or self.busy:
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
        ctx, as_of = self.ctx, period.as_of
        which = f"{license_.user.name}, {license_.credential.code} {license_.jurisdiction}"
        self._start(
            f"Making the audit pack for {which}",
            "making the audit pack",
            lambda progress: audit_pack.build_audit_pack(
                ctx, license_id, path, render_pdf, as_of, progress=progress
            ),
            self._show_pack,
        )

    def _show_pack(self, outcome: Outcome[audit_pack.PackResult]) -> None:
        self.select_pks([outcome.value.report_id])
        missing = len(outcome.value.missing)
        note = (
            f"\n\n{missing} record{' has' if missing == 1 else 's have'} no certificate; "
            "see missing-certificates.txt."
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
        viewer.export_button.setEnabled(not self.busy)
        viewer.exportRequested.connect(self.export_report)
        viewer.destroyed.connect(lambda _=None, v=viewer: self._forget(v))
        self.viewers.append(viewer)
        viewer.show()
        return viewer

    def _forget(self, viewer: ReportViewer) -> None:
        with contextlib.suppress(ValueError):
            self.viewers.remove(viewer)

    def export_report(self, report_id: int | None = None) -> Path | None:
        """Write a stored report to a file the user names. Without a task runner the export is
        done at once and the file returned; with one it runs as a task (None here)."""
        report_id = self.current_pk() if report_id is None else report_id
        if report_id is None or self.busy:
            return None
        data = self._run("opening the report", lambda: reports.stored_data(self.ctx, report_id))
        if data is None:
            return None
        filters = ";;".join(FILTERS.values())
        path, chosen = self._ask_path(
            "Export report", report_files.file_stem(data) + ".pdf", filters, FILTERS["pdf"]
        )
        if not path or self.busy:
            return None
        fmt = Path(path).suffix.lower().lstrip(".")
        if fmt not in FILTERS:
            fmt = next((k for k, v in FILTERS.items() if v == chosen), "pdf")
            path += f".{fmt}"
        ctx = self.ctx
        outcome = self._start(
            f"Exporting {data.get('title') or 'the report'} as {fmt.upper()}",
            "exporting the report",
            lambda progress: report_files.export_report(
                ctx, report_id, path, fmt, render_pdf=render_pdf, progress=progress
            ),
            lambda outcome: self._offer_to_open(outcome.value),
        )
        return None if outcome is None else outcome.value

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
