"""Help › Getting started and Help › How compliance is worked out: one window with a list of
topics and the text, read from ``resources/help/`` (Markdown, bundled with the program).

"How compliance is worked out" ends with the signed-in person's own licenses and the rules that
judge them (``ui/help_html.py``), read again each time the topic is shown, so an edited rule or
a new license appears at once. Links: web addresses open in the browser, ``help:<topic>`` shows
another topic, ``action:data-folder`` opens the data folder.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QDesktopServices, QTextCursor
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from cpe_desktop import paths
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.ui.crash import show_error

log = logging.getLogger(__name__)

# topic -> (title in the list, file under resources/help/)
TOPICS = {
    "getting_started": ("Getting started", "getting_started.md"),
    "compliance": ("How compliance is worked out", "compliance.md"),
    "whats_new": ("What's new", "whats_new.md"),
}


def topic_text(topic: str) -> str:
    """The bundled Markdown of ``topic`` (a line saying it is missing if the file is gone)."""
    _title, name = TOPICS[topic]
    try:
        return paths.resource("help", name).read_text(encoding="utf-8")
    except OSError:
        log.exception("help file %s not found", name)
        return f"# {_title}\n\nThis help page is missing from the installation ({name})."


def open_data_folder() -> bool:
    """Show the data folder in the system's file manager; False when that failed."""
    folder = paths.data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))


SIDE_TABS_PADDING = 12  # resources/theme.qss: QListWidget[role="side-tabs"]::item, each side


class HelpWindow(QDialog):
    """The help topics (not modal: people read it while they work)."""

    def __init__(self, ctx: ServiceContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setWindowTitle("CPE Tracker Help")
        self.setModal(False)
        self.topics = QListWidget()
        self.topics.setAccessibleName("Help topics")
        # Looks like the Administration area's page list: padded items, not text at the edge.
        self.topics.setProperty("role", "side-tabs")
        for key, (title, _file) in TOPICS.items():
            item = QListWidgetItem(title)
            item.setData(Qt.ItemDataRole.UserRole, key)
            self.topics.addItem(item)
        widest = max(self.topics.fontMetrics().horizontalAdvance(t) for t, _f in TOPICS.values())
        self.topics.setFixedWidth(widest + 2 * SIDE_TABS_PADDING + 32)
        self.topics.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        self.browser.setAccessibleName("Help text")
        self.browser.document().setDocumentMargin(12)  # room to breathe around the text
        self.browser.anchorClicked.connect(self._follow)
        self.topics.currentItemChanged.connect(lambda item, _old: self._show_item(item))

        self.folder_button = QPushButton("Open data folder")
        self.folder_button.setToolTip(str(paths.data_dir()))
        self.folder_button.clicked.connect(self.open_data_folder)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        buttons.addButton(self.folder_button, QDialogButtonBox.ButtonRole.ActionRole)
        # Enter closes the window; it never opens a file manager.
        self.folder_button.setAutoDefault(False)
        buttons.button(QDialogButtonBox.StandardButton.Close).setDefault(True)

        row = QHBoxLayout()
        row.addWidget(self.topics)
        row.addWidget(self.browser, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(row, 1)
        layout.addWidget(buttons)
        self.resize(900, 640)
        self.current = ""

    def show_topic(self, topic: str) -> None:
        """Show ``topic`` (selecting it in the list), read afresh."""
        for row in range(self.topics.count()):
            item = self.topics.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == topic:
                if self.topics.currentRow() == row:
                    self._render(topic)
                else:
                    self.topics.setCurrentRow(row)  # renders through currentItemChanged
                return
        raise KeyError(topic)

    def _show_item(self, item: QListWidgetItem | None) -> None:
        if item is not None:
            self._render(item.data(Qt.ItemDataRole.UserRole))

    def _render(self, topic: str) -> None:
        self.current = topic
        self.browser.setMarkdown(topic_text(topic))
        if topic == "compliance":
            # Imported here: judging licenses brings the engine, needed only for this topic.
            from cpe_desktop.ui.help_html import licenses_html

            try:
                section = licenses_html(self.ctx)
            except Exception as exc:
                log.exception("could not list the licenses' rules for help")
                show_error(self, exc, "listing your licenses' rules")
            else:
                cursor = self.browser.textCursor()
                cursor.movePosition(QTextCursor.MoveOperation.End)
                cursor.insertBlock()
                cursor.insertHtml(section)
        self.browser.moveCursor(QTextCursor.MoveOperation.Start)

    def _follow(self, url: QUrl) -> None:
        scheme = url.scheme()
        if scheme == "help":
            self.show_topic(url.path())
        elif scheme == "action" and url.path() == "data-folder":
            self.open_data_folder()
        elif scheme in ("http", "https", "mailto"):
            QDesktopServices.openUrl(url)

    def open_data_folder(self) -> None:
        show_data_folder(self)


def show_data_folder(parent: QWidget) -> None:
    """Help › Open data folder: the file manager, or the folder's path where none opens."""
    if not open_data_folder():
        QMessageBox.information(
            parent,
            "Data folder",
            f"The data folder could not be opened here. It is:\n\n{paths.data_dir()}",
        )
