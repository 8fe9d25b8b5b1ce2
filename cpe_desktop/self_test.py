"""``cpe-tracker --self-test``: does this installation work? One line per check, exit 0 or 1.

Why this module exists: a frozen bundle can start and still be broken (a data file, a Qt plugin
or a package's metadata left out by PyInstaller shows only when that code path runs). The build
script runs this on every bundle it makes, and a user or support person can run it on an
installed copy. It exercises the real code paths end to end, in a throwaway data folder so it
never touches the person's own database, settings or credential store:

resources   ``resources/`` found (frozen or from source): requirement data, icons, style sheet
database    a new SQLite database created and migrated, shipped rules loaded, integrity checked
services    a person, a license and a CPE record created through the service layer
compliance  that license judged by the compliance service
window      the main window built and shown (offscreen unless ``QT_QPA_PLATFORM`` says otherwise)
scheduler   a one-off job fired by the program's Qt scheduler
pdf         a one-page PDF written with ``QPdfWriter`` and read back with pypdf, also AES-locked
            (``cryptography``, as many certificates are)
libraries   package metadata (APScheduler triggers, keyring backends), openpyxl, icalendar,
            time zones, Python's TLS, and on Linux QtCore's ICU data (collation, time-zone
            names)
"""

from __future__ import annotations

import datetime as dt
import os
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cpe_desktop import __version__, paths

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

CHECKS = (
    "resources",
    "database",
    "services",
    "compliance",
    "window",
    "scheduler",
    "pdf",
    "libraries",
)
SCHEDULER_TIMEOUT_S = 10.0
TEXT_IN_PDF = "CPE Tracker self-test"


class CheckFailed(Exception):
    """A check found something wrong; the message says what."""


@dataclass
class _State:
    """What earlier checks made, for the later ones."""

    work: Path
    db: Any = None
    ctx: Any = None
    user_id: int | None = None
    license_id: int | None = None
    controller: Any = None

    def need(self, what: str, value: Any) -> Any:
        if value is None:
            raise CheckFailed(f"skipped: needs the {what} check to pass")
        return value


def _say(line: str) -> None:
    # A windowed Windows executable has no stdout unless its output is redirected.
    if sys.stdout is not None:
        print(line, flush=True)


def run() -> int:
    """Run every check; 0 when all passed, 1 otherwise."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    frozen = "frozen" if getattr(sys, "frozen", False) else "from source"
    _say(
        f"self-test: CPE Tracker {__version__} ({frozen}), Python {sys.version.split()[0]}, "
        f"{sys.platform}, Qt platform {os.environ['QT_QPA_PLATFORM']}"
    )
    with tempfile.TemporaryDirectory(prefix="cpe-self-test-", ignore_cleanup_errors=True) as tmp:
        state = _State(work=Path(tmp))
        paths.set_data_dir(state.work / "data")
        _isolate_qt_settings(state.work / "settings")
        failed = 0
        steps: dict[str, Callable[[_State], str]] = {
            "resources": _check_resources,
            "database": _check_database,
            "services": _check_services,
            "compliance": _check_compliance,
            "window": _check_window,
            "scheduler": _check_scheduler,
            "pdf": _check_pdf,
            "libraries": _check_libraries,
        }
        for name in CHECKS:
            try:
                detail = steps[name](state)
            except Exception as exc:
                failed += 1
                _say(f"FAIL  {name:<11} {type(exc).__name__}: {exc}")
            else:
                _say(f"ok    {name:<11} {detail}")
        try:
            _close(state)
        except Exception as exc:
            failed += 1
            _say(f"FAIL  {'cleanup':<11} {type(exc).__name__}: {exc}")
        paths.set_data_dir(None)
    if failed:
        _say(f"self-test: {failed} of {len(CHECKS)} checks FAILED")
        return 1
    _say(f"self-test: all {len(CHECKS)} checks passed")
    return 0


def _isolate_qt_settings(folder: Path) -> None:
    """Window state and the last signed-in person go to a throwaway INI file, not the real
    registry / plist / config entries of the installed program."""
    from PySide6.QtCore import QSettings

    QSettings.setDefaultFormat(QSettings.Format.IniFormat)
    QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, str(folder))


def _application() -> QApplication:
    """The program's QApplication, made as the program makes it (once); Qt's drawing, timers
    and PDF writer all need one."""
    from PySide6.QtCore import qInstallMessageHandler

    from cpe_desktop.ui.launch import make_application

    qInstallMessageHandler(_qt_message)
    return make_application()


def _qt_message(_kind: Any, _context: Any, message: str) -> None:
    # The offscreen platform cannot size native windows and says so for every window shown;
    # anything else Qt says goes to stderr as usual.
    if message != "This plugin does not support propagateSizeHints()" and sys.stderr:
        print(message, file=sys.stderr, flush=True)


def _check_resources(state: _State) -> str:
    from cpe_desktop.services.shipped_data import read_data
    from cpe_desktop.ui.icons import APP_ICON_SIZES

    root = paths.resources_dir()
    if not root.is_dir():
        raise CheckFailed(f"no resources folder at {root}")
    document = read_data()
    rules = len(document["requirements"])
    if rules == 0:
        raise CheckFailed("requirements.json has no requirement rules")
    wanted = [f"icons/app-{size}.png" for size in APP_ICON_SIZES]
    wanted += ["icons/app.ico", "icons/app.icns", "icons/tray.png", "theme.qss"]
    missing = [name for name in wanted if not (root / name).is_file()]
    if missing:
        raise CheckFailed(f"missing from {root}: {', '.join(missing)}")
    return f"{root}: {rules} requirement rules, {len(wanted)} icon and style files"


def _check_database(state: _State) -> str:
    from cpe_desktop.db.migrations import current_version
    from cpe_desktop.services.backups import maintenance
    from cpe_desktop.startup import open_database

    target = state.work / "self-test.db"
    state.db = open_database(target)
    problems = maintenance.check(state.db)
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"SQLite file created and migrated to schema {current_version(state.db)}, integrity ok"


def _check_services(state: _State) -> str:
    from cpe_desktop.clock import SystemClock
    from cpe_desktop.services import licenses, records, users
    from cpe_desktop.services.context import Actor, ServiceContext

    state.need("database", state.db)
    nobody = ServiceContext(Actor(user_id=None, role="member", name="self-test"), SystemClock())
    user = users.create_user(
        nobody,
        {"name": "Self Test", "email": "self-test@example.com", "birth_date": "1980-05-14"},
    ).value
    ctx = ServiceContext(Actor.for_user(user), SystemClock())
    today = ctx.clock.today()
    license_ = licenses.create_license(
        ctx,
        {
            "user_id": user.user_id,
            "credential": "CPA",
            "jurisdiction": "Texas",
            "issued_on": dt.date(today.year - 5, 1, 1).isoformat(),
        },
    ).value
    record = records.create_record(
        ctx,
        {
            "user_id": user.user_id,
            "title": "Self-test tax update",
            "sponsor": "CPE Tracker",
            "completed_on": today.isoformat(),
            "delivery_method": "Group Live",
            "credits": [{"field": "Taxes", "credits": "4"}],
        },
    ).value
    state.ctx, state.user_id, state.license_id = ctx, user.user_id, license_.license_id
    return (
        f"person #{user.user_id} ({user.role}), license #{license_.license_id} CPA Texas, "
        f"record #{record.record_id} with 4 credits"
    )


def _check_compliance(state: _State) -> str:
    from cpe_desktop.services import compliance

    ctx = state.need("services", state.ctx)
    items = compliance.evaluate_licenses(ctx, state.user_id)
    mine = [item for item in items if item.license.license_id == state.license_id]
    if len(mine) != 1 or mine[0].evaluation is None:
        raise CheckFailed(f"the license was not judged (got {len(items)} results)")
    ev = mine[0].evaluation
    if ev.counted_total != 4:
        raise CheckFailed(f"expected 4 counted hours, got {ev.counted_total}")
    if ev.status == "overdue" or ev.previous is not None:
        # A license added today is tracked from its current period: no history to judge.
        raise CheckFailed(f"a license added today was judged on untracked history: {ev.status}")
    required = ev.required_total  # CPA Texas has a total: never None here
    return (
        f"CPA Texas {ev.status}: {float(ev.counted_total):g} of {float(required):g} h, "  # type: ignore[arg-type]
        f"period {ev.period_start.isoformat()}..{ev.period_end.isoformat()}"
    )


def _check_window(state: _State) -> str:
    from PySide6.QtWidgets import QApplication

    from cpe_desktop.db.database import describe
    from cpe_desktop.ui.controller import Controller
    from cpe_desktop.ui.icons import app_icon
    from cpe_desktop.ui.theme import apply_theme

    db = state.need("database", state.db)
    state.need("services", state.ctx)
    app = _application()
    app.setWindowIcon(app_icon())
    apply_theme(app, "system")
    state.controller = Controller(describe(db))
    if not state.controller.start():
        raise CheckFailed("no person was chosen at start")
    window = state.controller.window
    QApplication.processEvents()
    if window is None or not window.isVisible():
        raise CheckFailed("the main window is not visible")
    picture = window.grab()
    if picture.isNull():
        raise CheckFailed("the main window could not be drawn")
    return (
        f"main window shown and drawn ({picture.width()}x{picture.height()}), "
        f"Qt platform {QApplication.platformName()}"
    )


def _check_scheduler(state: _State) -> str:
    from PySide6.QtCore import QEventLoop, QTimer

    from cpe_desktop.scheduler.qt_scheduler import SingleTimerQtScheduler

    _application()
    loop = QEventLoop()
    fired: list[float] = []
    started = time.monotonic()

    def job() -> None:
        fired.append(time.monotonic() - started)
        loop.quit()

    scheduler = SingleTimerQtScheduler()
    run_at = dt.datetime.now(dt.UTC) + dt.timedelta(milliseconds=200)
    scheduler.add_job(job, "date", run_date=run_at)
    scheduler.start()
    QTimer.singleShot(int(SCHEDULER_TIMEOUT_S * 1000), loop.quit)
    try:
        loop.exec()
    finally:
        scheduler.shutdown(wait=False)
    if not fired:
        raise CheckFailed(f"the job did not run within {SCHEDULER_TIMEOUT_S:g} s")
    return f"{type(scheduler).__name__} ran a one-off job after {fired[0]:.2f} s"


def _check_pdf(state: _State) -> str:
    from pypdf import PdfReader
    from PySide6.QtGui import QPageSize, QPdfWriter, QTextDocument

    _application()
    target = state.work / "self-test.pdf"
    writer = QPdfWriter(str(target))
    writer.setPageSize(QPageSize(QPageSize.PageSizeId.Letter))
    writer.setTitle(TEXT_IN_PDF)
    document = QTextDocument()
    document.setHtml(f"<h1>{TEXT_IN_PDF}</h1><p>Generated {dt.date.today().isoformat()}.</p>")
    document.print_(writer)
    del writer  # the file is complete once the writer is gone
    data = target.read_bytes()
    if not data.startswith(b"%PDF"):
        raise CheckFailed(f"{target.name} is not a PDF file")
    reader = PdfReader(target)
    if len(reader.pages) != 1:
        raise CheckFailed(f"expected 1 page, found {len(reader.pages)}")
    text = reader.pages[0].extract_text() or ""
    if TEXT_IN_PDF not in " ".join(text.split()):
        raise CheckFailed(f"the page's text does not read back (got {text[:60]!r})")
    _check_locked_pdf(state, target)
    return (
        f"QPdfWriter wrote 1 page ({len(data):,} bytes); pypdf reads its text back, AES-locked too"
    )


def _check_locked_pdf(state: _State, source: Path) -> None:
    """Many certificates are AES-locked against editing only; pypdf reads them with
    ``cryptography``, which a bundle could lose without any other check noticing."""
    from pypdf import PdfReader, PdfWriter

    locked = state.work / "self-test-locked.pdf"
    writer = PdfWriter(clone_from=source)
    writer.encrypt(user_password="", owner_password="owner", algorithm="AES-128")
    with locked.open("wb") as handle:
        writer.write(handle)
    reader = PdfReader(locked)
    if not reader.is_encrypted:
        raise CheckFailed("pypdf wrote no AES-locked PDF")
    text = reader.pages[0].extract_text() or ""
    if TEXT_IN_PDF not in " ".join(text.split()):
        raise CheckFailed("an AES-locked PDF's text does not read back")


def _check_libraries(state: _State) -> str:
    import ssl
    import zoneinfo
    from importlib import metadata

    import icalendar
    import keyring.backend
    import openpyxl

    triggers = {ep.name for ep in metadata.entry_points(group="apscheduler.triggers")}
    if "date" not in triggers:
        raise CheckFailed("APScheduler's package metadata is missing (no 'date' trigger)")
    backends = {ep.name for ep in metadata.entry_points(group="keyring.backends")}
    if not backends:
        raise CheckFailed("keyring's package metadata is missing (no backends registered)")
    native = {"win32": "keyring.backends.Windows", "darwin": "keyring.backends.macOS"}
    module = native.get(sys.platform, "keyring.backends.SecretService")
    __import__(module)
    available = sorted(
        f"{type(k).__module__.rsplit('.', 1)[-1]}.{type(k).__name__}"
        for k in keyring.backend.get_all_keyring()
    )

    book = state.work / "self-test.xlsx"
    workbook = openpyxl.Workbook()
    workbook.active.append(["completed_on", "credits"])
    workbook.active.append([dt.date(2025, 3, 2), 4.0])
    workbook.save(book)
    if openpyxl.load_workbook(book).active["B2"].value != 4.0:
        raise CheckFailed("openpyxl did not read back what it wrote")

    chicago = zoneinfo.ZoneInfo("America/Chicago")
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//CPE Tracker//self-test//EN")
    calendar.add("version", "2.0")
    event = icalendar.Event()
    event.add("summary", "CPE deadline")
    event.add("dtstart", dt.datetime(2026, 12, 31, 9, 0, tzinfo=chicago))
    calendar.add_component(event)
    if b"BEGIN:VEVENT" not in calendar.to_ical():
        raise CheckFailed("icalendar wrote no event")
    ssl.create_default_context()  # mail over TLS: Python's ssl with its OpenSSL libraries
    icu = _check_icu() if sys.platform.startswith("linux") else ""
    return (
        f"APScheduler {metadata.version('apscheduler')} triggers, keyring {len(backends)} "
        f"backends ({module.rsplit('.', 1)[1]} loads; usable here: "
        f"{', '.join(available) or 'none'}), openpyxl, icalendar, time zones, TLS{icu}"
    )


def _check_icu() -> str:
    """Linux: QtCore's ICU data (pruned in the bundle, build/icu_data.py) still has what Qt reads
    for the program: collation rules and time-zone names."""
    from PySide6.QtCore import QCollator, QLocale, QTimeZone

    if QCollator(QLocale("sv_SE")).compare("ö", "z") <= 0:  # Swedish sorts ö after z
        raise CheckFailed("ICU collation data is missing (Swedish ö sorts before z)")
    name = QTimeZone(b"Europe/Berlin").displayName(
        QTimeZone.TimeType.StandardTime, QTimeZone.NameType.LongName, QLocale("de_DE")
    )
    if name != "Mitteleuropäische Normalzeit":
        raise CheckFailed(f"ICU time-zone names are missing (Europe/Berlin in German: {name!r})")
    return ", ICU collation and zone names"


def _close(state: _State) -> None:
    from PySide6.QtWidgets import QApplication

    controller = state.controller
    if controller is not None and controller.window is not None:
        controller.window.close()
        QApplication.processEvents()
    if state.db is not None and not state.db.is_closed():
        state.db.close()
