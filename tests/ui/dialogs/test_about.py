"""Help › About names where the database, the data folder and the log are, each path whole."""

from __future__ import annotations

from PySide6.QtGui import QTextDocument

from cpe_desktop import __version__, paths
from cpe_desktop.log import log_path
from cpe_desktop.ui.dialogs.about import about_text


def test_about_lists_each_place_on_a_line_of_its_own_never_broken(tmp_path, monkeypatch):
    """A path was wrapped at its hyphen ("cpe-" / "tracker.log"): each path now sits on its own
    line in a <nobr>, and characters that mean something in HTML are shown, not interpreted."""
    where = str(tmp_path / "R&D <firm>" / "cpe-tracker.db")
    text = about_text(where)
    document = QTextDocument()
    document.setHtml(text)
    lines = document.toPlainText().splitlines()
    assert lines[0] == f"CPE Tracker {__version__}"
    for label, path in (
        ("Database", where),
        ("Data folder", str(paths.data_dir())),
        ("Log file", str(log_path())),
    ):
        assert lines[lines.index(label) + 1] == path
        assert f"<nobr>{path.replace('&', '&amp;').replace('<', '&lt;').replace('>', '&gt;')}" in (
            text
        )
