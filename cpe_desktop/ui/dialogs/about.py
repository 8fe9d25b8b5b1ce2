"""Help › About: version, where the database and the data folder are."""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QWidget

from cpe_desktop import __version__, paths
from cpe_desktop.log import log_path


def about_text(database_location: str) -> str:
    return (
        f"<h3>CPE Tracker {__version__}</h3>"
        "<p>Continuing Professional Education records and compliance for accountants.</p>"
        f"<p><b>Database:</b> {database_location}<br>"
        f"<b>Data folder:</b> {paths.data_dir()}<br>"
        f"<b>Log file:</b> {log_path()}</p>"
        "<p>Requirement rules change; your board has the final word.</p>"
    )


def show_about(parent: QWidget, database_location: str) -> None:
    QMessageBox.about(parent, "About CPE Tracker", about_text(database_location))
