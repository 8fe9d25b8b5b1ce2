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
)

from cpe_desktop.services.files import write_bytes
from cpe_desktop.services.reports import FIRM_SUMMARY, ProgressCallback
from cpe_desktop.ui.report_html import day, report_html

RESOLUTION = 300
MARGIN_MM = 15.0
BODY_POINTS = 9.5
BAND_POINTS = 8.0


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
    painter.drawLine(rect.left(), line_at, rect.right(), line_at)


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
    page = QSizeF(width, height - 2 * band)
    document.setPageSize(page)
    if progress is not None:
        progress(10, "Laying out the pages")
    document.setHtml(report_html(data))
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


def render_pdf(data: dict[str, Any], progress: ProgressCallback | None = None) -> bytes:
    """The report as PDF bytes."""
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    _paint(data, buffer, progress)
    buffer.close()
    return bytes(buffer.data())


def write_pdf(
    data: dict[str, Any], path: str | os.PathLike[str], progress: ProgressCallback | None = None
) -> Path:
    """Write the report as a PDF file, whole or not at all."""
    content = render_pdf(data, progress)
    return write_bytes(path, content)
