"""Help › About: version, where the database and the data folder are."""

from __future__ import annotations

from html import escape

from PySide6.QtWidgets import QMessageBox, QWidget

from cpe_desktop import __version__, paths
from cpe_desktop.log import log_path


def _place(label: str, where: object) -> str:
    """A label, and under it a path kept on one line (wrapping broke "cpe-tracker.log" at its
    hyphen); selectable, so it can be copied."""
    return f"<b>{label}</b><br><nobr>{escape(str(where))}</nobr>"


def about_text(database_location: str) -> str:
    places = "<br>".join(
        (
            _place("Database", database_location),
            _place("Data folder", paths.data_dir()),
            _place("Log file", log_path()),
        )
    )
    return (
        f"<h3>CPE Tracker {__version__}</h3>"
        "<p>Continuing Professional Education records and compliance for accountants.</p>"
        f"<p>{places}</p>"
        "<p>Requirement rules change; your board has the final word.</p>"
    )


def show_about(parent: QWidget, database_location: str) -> None:
    QMessageBox.about(parent, "About CPE Tracker", about_text(database_location))
