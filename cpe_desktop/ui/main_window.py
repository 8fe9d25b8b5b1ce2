"""The main window: daily tabs, the Administration area for administrators, menus and state."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, cast

from PySide6.QtCore import QModelIndex, QSettings, Signal
from PySide6.QtGui import QAction, QCloseEvent, QKeySequence, QShowEvent
from PySide6.QtWidgets import QLabel, QMainWindow, QTabWidget, QVBoxLayout, QWidget

from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.tables.admin_specs import ADMIN_SPECS
from cpe_desktop.services.tables.paging import spec as table_spec
from cpe_desktop.services.tables.specs import PRIMARY_SPECS
from cpe_desktop.ui import first_paint
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.connection_watch import ConnectionBanner, ConnectionWatch
from cpe_desktop.ui.qt_numbers import WIDGET_WITH_CHILDREN_SHORTCUT, set_by_number
from cpe_desktop.ui.tabs.dashboard_tab import DashboardTab
from cpe_desktop.ui.task_runner import TaskRunner, TaskStatusWidget
from cpe_desktop.ui.widgets.banner import NotificationBanner
from cpe_desktop.ui.widgets.side_tabs import SideTabs

if TYPE_CHECKING:  # the table tabs and the forms are imported when a table tab is first shown
    from cpe_desktop.ui.dialogs.help_dialog import HelpWindow
    from cpe_desktop.ui.tabs.table_tab import TableTab

# The tabs, in order, are the table views' own lists (services/tables/).
DAILY_TABS = tuple(spec.name for spec in PRIMARY_SPECS)
OPEN_RECORDS_MAX_PAGES = 50  # pages of the records table read to find the dashboard's records
ADMIN_TABS = tuple(spec.name for spec in ADMIN_SPECS)
# Shared tables members may read but not change, shown to them beside their own tabs (the rules
# that judge their licenses); administrators edit them in the Administration area.
MEMBER_READ_ONLY_TABS = ("requirements",)
MEMBER_NOTES = {
    "requirements": (
        "<b>Set by your administrator.</b> These are the rules the dashboard judges licenses by. "
        "Each shows where it came from and when it was last checked against that source. Boards "
        "change their rules often and have the final word: if your board's rule differs, tell "
        "your administrator. Help › How compliance is worked out shows the rules of your own "
        "licenses in full. This is not legal advice."
    ),
}
MEMBER_EMPTY_TEXT = {"requirements": "No requirement rules yet — your administrator adds them."}

TAB_NOTES = {
    "requirements": (
        "Each rule shows where it came from and when it was last checked. Boards change their "
        "rules often and have the final word: check yours, and edit a rule here to match it — "
        "your edits are kept when the program's own data is updated, and the dashboard follows "
        "at once. This is not legal advice."
    ),
    "requirement_components": (
        "What each rule asks beyond its headline figures, as the dashboard judges it. To change "
        "a rule's components, select the rule under Requirements and press Components… above the "
        "table."
    ),
}


class LazyTab(QWidget):
    """Holds a table tab's place in the tab bar and builds the tab when first shown."""

    def __init__(self, build: Callable[[], TableTab]) -> None:
        super().__init__()
        self._build = build
        self.content: TableTab | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure(self) -> TableTab:
        if self.content is None:
            self.content = self._build()
            cast(QVBoxLayout, self.layout()).addWidget(self.content)
            self.content.show()  # at once, so focus can go to it straight away
        return self.content

    def showEvent(self, event: QShowEvent) -> None:
        self.ensure()
        super().showEvent(event)


def _set_keys(action: QAction, keys: QKeySequence) -> None:
    """``action.setShortcut(keys)``, through the list form: PySide6 works out which of
    ``setShortcut``'s forms is meant by building its ``Qt`` namespace (see ``ui/qt_numbers.py``),
    which the menus, made before the first paint, need not."""
    action.setShortcuts([] if keys.isEmpty() else [keys])


class MainWindow(QMainWindow):
    """Everything a signed-in person works with. ``switchUserRequested`` asks the app to re-sign."""

    switchUserRequested = Signal()
    quitRequested = Signal()  # Quit chosen: leave the program even when a tray icon could keep it
    hiddenToTray = Signal()  # the window was closed but the program runs on in the tray

    def __init__(
        self,
        ctx: ServiceContext,
        bus: ChangeBus,
        *,
        database_location: str,
        editor: Callable | None = None,
        actions: object | None = None,
        dashboard_after_paint: bool = False,
    ) -> None:
        """``dashboard_after_paint`` (the program's start): the dashboard is filled once this
        window has been painted, the first of the work after the paint (``DashboardTab.fill``)."""
        super().__init__()
        self.ctx = ctx
        self.bus = bus
        self.database_location = database_location
        self.setWindowTitle(f"CPE Tracker — {ctx.actor.name}")
        self.editor = editor
        # Tabs are built the first time they are shown: start-up reads only what is on screen.
        self.lazy_tabs: dict[str, LazyTab] = {}

        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.dashboard = DashboardTab(ctx, bus, fill_after_paint=dashboard_after_paint)
        self.dashboard.openRecords.connect(self.open_records)
        self.tabs.addTab(self.dashboard, "Dashboard")
        for name in DAILY_TABS:
            self.tabs.addTab(self._lazy(name), table_spec(name).title)
        if not ctx.actor.is_admin:
            for name in MEMBER_READ_ONLY_TABS:
                self.tabs.addTab(self._lazy(name), table_spec(name).title)
        self.admin_tabs: SideTabs | None = None
        if ctx.actor.is_admin:
            self.admin_tabs = SideTabs()
            for name in ADMIN_TABS:
                self.admin_tabs.addTab(self._lazy(name), table_spec(name).title)
            self.tabs.addTab(self.admin_tabs, "Administration")
        self.banner = NotificationBanner()
        self.banner.openRequested.connect(lambda: self.show_table("notifications"))
        # A database server that went away: said above everything, retried by itself.
        self.connection_banner = ConnectionBanner()
        self.connection_watch = ConnectionWatch(bus, self.connection_banner, self)
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.connection_banner)
        column.addWidget(self.banner)
        column.addWidget(self.tabs, 1)
        self.setCentralWidget(central)
        # Set by the controller when a tray icon exists: closing the window then hides it and the
        # program keeps running for its reminders. Without a tray, closing quits, so the program
        # can never become unreachable.
        self.close_to_tray = False
        self._quitting = False

        who = QLabel(f"Signed in as {ctx.actor.name}{' (administrator)' * ctx.actor.is_admin}")
        where = QLabel(f"Database: {database_location}")
        where.setProperty("role", "muted")
        self.statusBar().addWidget(who)
        self.statusBar().addPermanentWidget(where)
        runner = getattr(actions, "tasks", None)
        self.tasks = runner if isinstance(runner, TaskRunner) else None
        self.task_status = TaskStatusWidget(self.tasks) if self.tasks is not None else None
        if self.task_status is not None:
            self.statusBar().addPermanentWidget(self.task_status)
        self._build_menus(actions)
        self._restore_state()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self.dashboard.waiting:
            # Queued while the window is shown, so before whatever its caller queues after show().
            first_paint.after_first_paint(self, self.dashboard.fill)

    def _lazy(self, name: str) -> LazyTab:
        def build() -> TableTab:
            from cpe_desktop.ui.forms.registry import EDITABLE_TABLES
            from cpe_desktop.ui.tabs.audit_log_tab import AuditLogTab
            from cpe_desktop.ui.tabs.notifications_tab import NotificationsTab
            from cpe_desktop.ui.tabs.table_tab import TableTab

            classes: dict[str, type[TableTab]] = {
                "notifications": NotificationsTab,
                "audit_logs": AuditLogTab,
            }
            if name == "reports":
                # Imported when that tab is first shown: it brings the PDF and XLSX writers.
                from cpe_desktop.ui.tabs.reports_tab import ReportsTab

                classes["reports"] = ReportsTab
            cls = classes.get(name, TableTab)
            editor = self.editor if name in EDITABLE_TABLES else None
            extra: dict[str, Any] = {"tasks": self.tasks} if name == "reports" else {}
            member_reads = name in MEMBER_READ_ONLY_TABS and not self.ctx.actor.is_admin
            if member_reads:
                editor, extra = None, {"read_only": True}
            tab = cls(name, self.ctx, self.bus, editor=editor, **extra)
            if member_reads:
                tab.set_note(MEMBER_NOTES[name])
                tab.empty.setText(MEMBER_EMPTY_TEXT[name])
            elif name in TAB_NOTES:
                tab.set_note(TAB_NOTES[name])
            if name == "requirements" and self.ctx.actor.is_admin:
                tab.add_row_button("Components…", lambda pk: self.open_components(tab, pk))
            if isinstance(tab, NotificationsTab):
                tab.openRecord.connect(lambda pk: self.open_records([pk]))
                tab.openLicense.connect(self.open_license)
            return tab

        self.lazy_tabs[name] = LazyTab(build)
        return self.lazy_tabs[name]

    def open_components(self, parent: QWidget, state_id: int) -> None:
        """The components of a requirement rule, to add, edit and delete (administrators)."""
        from cpe_desktop.ui.dialogs.components_dialog import open_components

        open_components(parent, self.ctx, state_id, self.bus.publish)

    def tab(self, name: str) -> TableTab:
        """The tab for table ``name``, built now if it has not been shown yet."""
        return self.lazy_tabs[name].ensure()

    @property
    def table_tabs(self) -> dict[str, TableTab]:
        """The table tabs built so far."""
        return {n: lazy.content for n, lazy in self.lazy_tabs.items() if lazy.content is not None}

    # --- menus --------------------------------------------------------------------------------

    def _action(self, text: str, slot, shortcut=None, fallback: str | None = None) -> QAction:
        """A menu action; ``fallback`` is the key used where the platform has no standard one."""
        action = QAction(text, self)
        if shortcut is not None:
            _set_keys(action, QKeySequence(shortcut))
        if fallback and action.shortcut().isEmpty():
            _set_keys(action, QKeySequence(fallback))
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_menus(self, actions: object | None) -> None:
        bar = self.menuBar()
        file_menu = bar.addMenu("&File")
        self.import_action = self._action("&Import…", lambda: self._app_call("import_data"))
        self.export_action = self._action("&Export…", lambda: self._app_call("export_data"))
        file_menu.addAction(self.import_action)
        file_menu.addAction(self.export_action)
        self.backup_action = self._action("&Back up now", lambda: self._app_call("backup_now"))
        self.backup_action.setVisible(self.ctx.actor.is_admin)
        file_menu.addAction(self.backup_action)
        # Both open the list of backups (services/backups/automatic.py): Restore… is where one is
        # chosen.
        self.backups_action = self._action("Back&ups…", lambda: self._app_call("show_backups"))
        self.restore_action = self._action("&Restore…", lambda: self._app_call("show_backups"))
        for action in (self.backups_action, self.restore_action):
            action.setVisible(self.ctx.actor.is_admin)
            file_menu.addAction(action)
        file_menu.addSeparator()
        self.switch_action = self._action("&Switch user…", self.switchUserRequested.emit)
        file_menu.addAction(self.switch_action)
        file_menu.addSeparator()
        self.quit_action = self._action(
            "&Quit", self.quit, QKeySequence.StandardKey.Quit, fallback="Ctrl+Q"
        )
        self.quit_action.setMenuRole(QAction.MenuRole.QuitRole)
        file_menu.addAction(self.quit_action)

        edit = bar.addMenu("&Edit")
        self.new_record_action = self._action("&New record…", self.new_record, "Ctrl+N")
        self.edit_action = self._action("&Edit…", self.edit_current, "Ctrl+E")
        self.delete_action = self._action(
            "&Delete", self.delete_current, QKeySequence.StandardKey.Delete
        )
        # Delete in a field of a form deletes text, not the row (Qt's WidgetWithChildrenShortcut)
        set_by_number(self.delete_action, "shortcutContext", WIDGET_WITH_CHILDREN_SHORTCUT)
        self.find_action = self._action("&Find", self.focus_search, QKeySequence.StandardKey.Find)
        for action in (self.new_record_action, self.edit_action, self.delete_action):
            edit.addAction(action)
        edit.addSeparator()
        edit.addAction(self.find_action)
        edit.addSeparator()
        self.preferences_action = self._action(
            "&Preferences…",
            lambda: self._app_call("edit_preferences"),
            QKeySequence.StandardKey.Preferences,
            fallback="Ctrl+,",
        )
        self.preferences_action.setMenuRole(QAction.MenuRole.PreferencesRole)
        edit.addAction(self.preferences_action)
        # Everyone edits their own name, email, password and birth date (some boards' periods
        # end in the birth month or follow the birth year).
        self.account_action = self._action("Your &details…", self.edit_own_details)
        edit.addAction(self.account_action)
        # Delete acts on the table with focus, never on text being edited in a field.
        self.tabs.addAction(self.delete_action)

        view = bar.addMenu("&View")
        self.refresh_action = self._action(
            "&Refresh", self.refresh_all, QKeySequence.StandardKey.Refresh, fallback="F5"
        )
        view.addAction(self.refresh_action)

        help_menu = bar.addMenu("&Help")
        self.help_window: HelpWindow | None = None
        self.getting_started_action = self._action(
            "&Getting started",
            lambda: self.show_help("getting_started"),
            QKeySequence.StandardKey.HelpContents,
            fallback="F1",
        )
        self.compliance_help_action = self._action(
            "How &compliance is worked out", lambda: self.show_help("compliance")
        )
        self.whats_new_action = self._action("&What's new", lambda: self.show_help("whats_new"))
        self.data_folder_action = self._action("Open &data folder", self.open_data_folder)
        for action in (
            self.getting_started_action,
            self.compliance_help_action,
            self.whats_new_action,
        ):
            help_menu.addAction(action)
        help_menu.addSeparator()
        help_menu.addAction(self.data_folder_action)
        help_menu.addSeparator()
        self.about_action = self._action("&About CPE Tracker", lambda: self._app_call("about"))
        self.about_action.setMenuRole(QAction.MenuRole.AboutRole)
        help_menu.addAction(self.about_action)
        self._handlers = actions

    def show_help(self, topic: str) -> None:
        """The help window at ``topic`` (one window, brought forward when already open)."""
        from cpe_desktop.ui.dialogs.help_dialog import HelpWindow

        if self.help_window is None:
            self.help_window = HelpWindow(self.ctx, self)
        self.help_window.show_topic(topic)
        # A dialog of this window: it stays above it, so showing and activating brings it back.
        self.help_window.show()
        self.help_window.activateWindow()

    def open_data_folder(self) -> None:
        from cpe_desktop.ui.dialogs.help_dialog import show_data_folder

        show_data_folder(self)

    def _app_call(self, name: str) -> None:
        handler = getattr(self._handlers, name, None)
        if handler is not None:
            handler(self)

    # --- current tab --------------------------------------------------------------------------

    def current_table_tab(self) -> TableTab | None:
        widget: QWidget | None = self.tabs.currentWidget()
        if widget is self.admin_tabs and self.admin_tabs is not None:
            widget = self.admin_tabs.currentWidget()
        return widget.ensure() if isinstance(widget, LazyTab) else None

    def show_table(self, name: str) -> TableTab:
        holder = self.lazy_tabs[name]
        if self.admin_tabs is not None and self.admin_tabs.indexOf(holder) >= 0:
            self.tabs.setCurrentWidget(self.admin_tabs)
            self.admin_tabs.setCurrentWidget(holder)
        else:
            self.tabs.setCurrentWidget(holder)
        return holder.ensure()

    def open_records(self, record_ids: list[int]) -> None:
        """Show the CPE Records tab with these records selected (the dashboard's "what counts").

        The filter box is cleared so every record can be shown, and pages are loaded until all of
        them are (at most ``OPEN_RECORDS_MAX_PAGES``; a record further down stays unselected).
        """
        tab = self.show_table("records")
        if tab.search.text():
            tab.search.clear()
            tab.search.returnPressed.emit()  # apply now, not after the typing delay
        wanted = set(record_ids)
        root = QModelIndex()
        for _ in range(OPEN_RECORDS_MAX_PAGES):
            loaded = {pk for pk in wanted if tab.model.row_of_pk(pk) is not None}
            if loaded == wanted or not tab.model.canFetchMore(root):
                break
            tab.model.fetchMore(root)
        tab.select_pks(record_ids)
        selected = tab.selected_pks()
        if selected:
            first = tab.model.row_of_pk(selected[0])
            tab.view.scrollTo(tab.model.index(first, 0))  # type: ignore[arg-type]  # it is loaded
        tab.view.setFocus()  # (Qt's OtherFocusReason)
        count = len(record_ids)
        self.statusBar().showMessage(
            f"{len(selected)} of {count} counted record{'' if count == 1 else 's'} selected"
            if count
            else "No records count toward that license yet",
            8000,
        )

    def open_license(self, license_id: int) -> None:
        """Show the Licenses tab with this license selected."""
        tab = self.show_table("licenses")
        root = QModelIndex()
        for _ in range(OPEN_RECORDS_MAX_PAGES):
            if tab.model.row_of_pk(license_id) is not None or not tab.model.canFetchMore(root):
                break
            tab.model.fetchMore(root)
        tab.select_pks([license_id])
        tab.view.setFocus()  # (Qt's OtherFocusReason)

    def edit_own_details(self, focus: str | None = None) -> None:
        """The signed-in person's own account in the person form."""
        from cpe_desktop.ui.forms.registry import open_editor

        if self.ctx.actor.user_id is not None:
            outcome = open_editor(self, "users", self.ctx, self.ctx.actor.user_id, focus)
            self.bus.publish(outcome)

    def new_record(self) -> None:
        self.show_table("records").new_row()

    def edit_current(self) -> None:
        tab = self.current_table_tab()
        if tab is not None:
            tab.edit_current()

    def delete_current(self) -> None:
        tab = self.current_table_tab()
        if tab is not None:
            tab.delete_selected()

    def focus_search(self) -> None:
        tab = self.current_table_tab()
        if tab is not None:
            tab.focus_search()

    def refresh_all(self) -> None:
        for tab in self.table_tabs.values():
            tab.refresh()
        self.dashboard.refresh()

    # --- state --------------------------------------------------------------------------------

    def _restore_state(self) -> None:
        settings = QSettings()
        geometry = settings.value("window/geometry")
        if geometry is None or not self.restoreGeometry(geometry):
            self.resize(1180, 760)
        state = settings.value("window/state")
        if state is not None:
            self.restoreState(state)
        last = settings.value("window/last_tab", "")
        if last in self.lazy_tabs:
            self.show_table(last)

    def save_state(self) -> None:
        settings = QSettings()
        settings.setValue("window/geometry", self.saveGeometry())
        settings.setValue("window/state", self.saveState())
        current = self.current_table_tab()
        settings.setValue("window/last_tab", current.spec.name if current else "")
        for tab in self.table_tabs.values():
            tab.save_state()

    def quit(self) -> None:
        """Close for good, even when the tray could keep the program running."""
        self._quitting = True
        if self.close():
            self.quitRequested.emit()
        else:
            self._quitting = False

    def closeEvent(self, event: QCloseEvent) -> None:
        self.save_state()
        if self.close_to_tray and not self._quitting:
            event.ignore()
            self.hide()
            self.hiddenToTray.emit()
            return
        if not self._may_stop_tasks():
            event.ignore()
            self._quitting = False
            return
        super().closeEvent(event)

    def _may_stop_tasks(self) -> bool:
        """Leaving while a task runs would cut it off: ask first (waiting is the default)."""
        from PySide6.QtWidgets import QMessageBox

        if self.tasks is None or not self.tasks.busy:
            return True
        running = self.tasks.current()
        name = running[1] if running else "A task"
        answer = QMessageBox.question(
            self,
            "A task is still running",
            f"{name} has not finished. If you quit now it is stopped and marked as failed; "
            "nothing half-done is kept.\n\nWait for it to finish?",
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.Yes,
        )
        return answer == QMessageBox.StandardButton.No
