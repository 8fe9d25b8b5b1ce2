"""The desktop program: opens the database and shows the main window.

For now the window summarises what the database holds; the tabbed main window replaces it.
"""

from __future__ import annotations

import argparse
import sys

from PySide6.QtWidgets import QApplication, QLabel, QMainWindow, QMessageBox

from cpe_desktop import __version__
from cpe_desktop.db.database import describe
from cpe_desktop.db.errors import DatabaseEnvironmentError
from cpe_desktop.db.models import CpeRecord, License, StateRequirement, User
from cpe_desktop.log import setup_logging


class SummaryWindow(QMainWindow):
    def __init__(self, location: str) -> None:
        super().__init__()
        self.setWindowTitle("CPE Tracker")
        text = (
            f"<h2>CPE Tracker {__version__}</h2>"
            f"<p>Database: {location}</p>"
            f"<p>{User.select().count()} people · {License.select().count()} licenses · "
            f"{CpeRecord.select().count()} CPE records · "
            f"{StateRequirement.select().count()} requirement rules</p>"
            "<p>Use <code>cpe-tracker import FILE</code> to bring records in.</p>"
        )
        label = QLabel(text)
        label.setContentsMargins(24, 24, 24, 24)
        label.setWordWrap(True)
        self.setCentralWidget(label)
        self.resize(560, 260)


def run_gui(args: argparse.Namespace) -> int:
    from cpe_desktop.startup import open_database

    setup_logging()
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("CPE Tracker")
    try:
        db = open_database(args.db)
    except DatabaseEnvironmentError as exc:
        QMessageBox.critical(None, "CPE Tracker cannot open its database", str(exc))
        return 1
    window = SummaryWindow(describe(db))
    window.show()
    return app.exec()
