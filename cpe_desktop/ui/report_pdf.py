"""A stored report as a PDF, laid out by Qt: QTextDocument for the body, QPdfWriter for the file.

The body is ``report_html`` (the same HTML the report viewer shows). Pages are painted one by
one so each gets a running header (the report's title, the person and the data's as-of date) and
a footer with the generation date and "Page n of m" — a printed report whose pages fall apart
can be put back in order. US Letter, 15 mm margins, 300 dpi (text stays vector either way).

``render_pdf`` returns bytes, for services that take a renderer (``report_files.export_report``,
``audit_pack.build_audit_pack``), which keep this layer's Qt out of theirs.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QBuffer, QIODevice, QMarginsF, QRectF, QSizeF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontMetricsF,
    QPageLayout,
    QPageSize,
    QPainter,
    QPdfWriter,
    QPen,
    QTextDocument,
    QTextOption,
    QTextTable,
)

from cpe_desktop.services.files import write_bytes
from cpe_desktop.services.reporting.reports import FIRM_SUMMARY, ProgressCallback
from cpe_desktop.ui.report_html import break_tables, day, report_html, table_window

RESOLUTION = 300
MARGIN_MM = 15.0
BODY_POINTS = 9.5
BAND_POINTS = 8.0
MOST_PASSES = 2000  # layouts of the whole report to keep rows whole, at most
WINDOW_ROWS = 120  # rows laid out at a time to place the rows of a table continued on a new page


def _running_header(data: dict[str, Any]) -> tuple[str, str]:
    person = data.get("person") or {}
    left = str(data.get("title") or "Report")
    if data.get("kind") != FIRM_SUMMARY and person and person.get("name", "") not in left:
        left += f" — {person['name']}"
    return left, f"Data as of {day(data.get('as_of'))}"


def _band(painter: QPainter, rect: QRectF, left: str, right: str, line_at: float) -> None:
    """Two texts on one line (the left one elided to fit) and a thin rule above or below."""
    metrics = QFontMetricsF(painter.font())
    right_width = metrics.horizontalAdvance(right)
    gap = metrics.averageCharWidth() * 3
    room = max(0.0, rect.width() - right_width - gap)
    left = metrics.elidedText(left, Qt.TextElideMode.ElideRight, room)
    flags = Qt.AlignmentFlag.AlignVCenter
    painter.setPen(QColor("#444444"))
    painter.drawText(rect, flags | Qt.AlignmentFlag.AlignLeft, left)
    painter.drawText(rect, flags | Qt.AlignmentFlag.AlignRight, right)
    painter.setPen(QPen(QColor("#b8b8b8"), max(1.0, RESOLUTION / 200)))
    painter.drawLine(rect.left(), line_at, rect.right(), line_at)  # type: ignore[call-overload]  # floats work


def _paint(data: dict[str, Any], device: QIODevice, progress: ProgressCallback | None) -> int:
    """Lay the report out and paint every page onto ``device``; returns the page count."""
    writer = QPdfWriter(device)
    writer.setResolution(RESOLUTION)
    writer.setPageLayout(
        QPageLayout(
            QPageSize(QPageSize.PageSizeId.Letter),
            QPageLayout.Orientation.Portrait,
            QMarginsF(MARGIN_MM, MARGIN_MM, MARGIN_MM, MARGIN_MM),
            QPageLayout.Unit.Millimeter,
        )
    )
    writer.setTitle(str(data.get("title") or "Report"))
    writer.setCreator("CPE Tracker")
    width, height = float(writer.width()), float(writer.height())
    band = RESOLUTION * 0.32  # a third of an inch for the header and for the footer

    document = QTextDocument()
    document.documentLayout().setPaintDevice(writer)
    font = QFont()
    font.setPointSizeF(BODY_POINTS)
    # No "fi"/"fl" ligatures: the text layer must read "certificate", so searching finds it.
    font.setFeature(QFont.Tag("liga"), 0)
    document.setDefaultFont(font)
    document.setDocumentMargin(0)
    # Lines end between words only: Qt's default also cuts a word too long for its cell
    # anywhere (an e-mail address "p.someone@har" / "bor.example"); such a word widens its column.
    wrapping = document.defaultTextOption()
    wrapping.setWrapMode(QTextOption.WrapMode.WordWrap)
    document.setDefaultTextOption(wrapping)
    page = QSizeF(width, height - 2 * band)
    document.setPageSize(page)
    if progress is not None:
        progress(10, "Laying out the pages")
    html = report_html(data)
    document.setHtml(html)
    keep_rows_whole(document, html)
    pages = document.pageCount()

    left, right = _running_header(data)
    made = f"Generated on {day(data.get('generated_on'))} by CPE Tracker"
    band_font = QFont(font)
    band_font.setPointSizeF(BAND_POINTS)
    painter = QPainter()
    if not painter.begin(writer):
        raise OSError("the PDF could not be started")
    try:
        for number in range(pages):
            if number:
                writer.newPage()
            # Header, body, footer: the order a reader (and a PDF's text layer) takes them in.
            painter.setFont(band_font)
            header = QRectF(0, 0, width, band * 0.7)
            _band(painter, header, left, right, header.bottom())
            painter.save()
            painter.translate(0, band - number * page.height())
            document.drawContents(painter, QRectF(0, number * page.height(), width, page.height()))
            painter.restore()
            painter.setFont(band_font)
            footer = QRectF(0, height - band * 0.7, width, band * 0.7)
            _band(painter, footer, made, f"Page {number + 1} of {pages}", footer.top())
            if progress is not None:
                progress(20 + 80 * (number + 1) // pages, f"Page {number + 1} of {pages}")
    finally:
        painter.end()
    return pages


def keep_rows_whole(document: QTextDocument, html: str) -> dict[int, set[int]]:
    """Lay ``document`` (``html``, already set) out again until no table row is split between
    two pages; returns the rows moved ({table index: body row indexes}).

    QTextDocument breaks a row's cells line by line at the page's end and has no
    ``page-break-inside: avoid``. So the rows are measured: the first that starts on one page and
    ends on the next is made to start a page (the table continues there, its header repeated,
    :func:`report_html.break_tables`), the document is laid out again, and so on. A row taller
    than a page is left to be split: nothing else could show it."""
    breaks: dict[int, set[int]] = {}
    height = document.pageSize().height()
    if height <= 0:
        return breaks
    for _ in range(MOST_PASSES):
        found = _split_row(document, breaks, height)
        if found is None:
            break
        table, row = found
        breaks.setdefault(table, set()).add(row)
        _continue_table(document, html, table, row, breaks[table])
        document.setHtml(break_tables(html, breaks))
    return breaks


def _continue_table(
    document: QTextDocument, html: str, table: int, row: int, breaks: set[int]
) -> None:
    """Add to ``breaks`` the later rows of ``table`` to start pages, given that its ``row``
    starts one: from there the table is laid out alone (a page at a time, as it will be), which
    is quicker than the whole report again. The whole report is measured after, so a row this
    misplaces is still found."""
    scratch = QTextDocument()
    scratch.documentLayout().setPaintDevice(document.documentLayout().paintDevice())
    scratch.setDefaultFont(document.defaultFont())
    scratch.setDefaultTextOption(document.defaultTextOption())
    scratch.setDocumentMargin(document.documentMargin())
    scratch.setPageSize(document.pageSize())
    height = document.pageSize().height()
    while True:
        scratch.setHtml(table_window(html, table, row, WINDOW_ROWS))
        found = _split_row(scratch, {}, height)
        if found is None or found[1] == 0:
            return  # the rest fits on its pages (or is left to the whole report's measure)
        row += found[1]
        breaks.add(row)


def _split_row(
    document: QTextDocument, breaks: dict[int, set[int]], height: float
) -> tuple[int, int] | None:
    """The first (table index in ``html``, body row) laid out across a page's end, if any."""
    tables = [
        frame for frame in document.rootFrame().childFrames() if isinstance(frame, QTextTable)
    ]
    origins: list[tuple[int, int]] = []  # each table laid out: (the table in html, first row)
    index = 0
    while len(origins) < len(tables):
        origins += [(index, start) for start in sorted({0, *breaks.get(index, ())})]
        index += 1
    layout = document.documentLayout()
    for table, (index, start) in zip(tables, origins, strict=False):
        header = table.format().headerRowCount()
        for row in range(header, table.rows()):
            top, bottom = _row_extent(table, row, layout)
            if bottom - top >= height * 0.9:
                continue  # taller than a page: it cannot be kept whole
            if int(top // height) != int((bottom - 0.5) // height):
                body_row = start + row - header
                if body_row not in breaks.get(index, ()):
                    return index, body_row
    return None


def _row_extent(table: QTextTable, row: int, layout: Any) -> tuple[float, float]:
    """The top of the row's first lines and the bottom of its last, in document coordinates."""
    top, bottom = float("inf"), float("-inf")
    for column in range(table.columns()):
        cell = table.cellAt(row, column)
        if cell.row() != row:
            continue
        first = cell.firstCursorPosition().block()
        last = cell.lastCursorPosition().block()
        top = min(top, layout.blockBoundingRect(first).top())
        bottom = max(bottom, layout.blockBoundingRect(last).bottom())
    return top, bottom


def render_pdf(data: dict[str, Any], progress: ProgressCallback | None = None) -> bytes:
    """The report as PDF bytes."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _paint(data, buffer, progress)
    buffer.close()
    return bytes(buffer.data().data())


def write_pdf(
    data: dict[str, Any], path: str | os.PathLike[str], progress: ProgressCallback | None = None
) -> Path:
    """Write the report as a PDF file, whole or not at all."""
    content = render_pdf(data, progress)
    return write_bytes(path, content)
