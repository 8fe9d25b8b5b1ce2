"""Draw CPE Tracker's own icons with QPainter and write them under ``resources/icons/``.

Why this script exists: the program ships no borrowed artwork. Every icon is drawn here from
simple shapes (no fonts, no downloads), so the PNG/ICO/ICNS files in ``resources/icons/`` are
source assets that anyone can reproduce byte for byte with the same Qt version::

    QT_QPA_PLATFORM=offscreen .venv/bin/python build/make_icons.py

What it writes:

* ``app-<size>.png`` for 16, 24, 32, 48, 64, 128, 256, 512 and 1024 px: a deep-teal rounded
  badge holding a white certificate with a green check seal. Sizes up to 24 px drop the
  certificate and keep a bold check so the mark stays legible in title bars and lists.
* ``app.ico`` (Windows): 16-48 px as 32-bit BMP entries (read by every Windows version and
  resource compiler), 64-256 px as PNG entries (Vista and later). Qt's ICO writer stores one
  image per file, so the container is written here.
* ``app.icns`` (macOS): PNG entries icp4-icp6, ic07-ic14. Qt's ICNS writer also stores one image.
* ``tray.png`` / ``tray@2x.png`` and ``tray-alert.png`` / ``tray-alert@2x.png``: a plain badge
  with a check, and the same with an alert dot.
* ``status-<status>-16.png`` / ``-32.png`` for complete, on-track, at-risk and overdue: a check,
  a progress circle, a triangle with "!" and an octagon with a cross, so the four differ in shape
  as well as colour; ``-selected`` variants are white (inner symbol cut out) for selected rows,
  where the coloured glyphs would sit on the teal highlight.
"""

from __future__ import annotations

import argparse
import math
import os
import struct
import sys
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QGuiApplication,
    QImage,
    QLinearGradient,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
)

ROOT = Path(__file__).resolve().parent.parent
ICON_DIR = ROOT / "resources" / "icons"

APP_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
ICO_BMP_MAX = 48  # entries up to this size are stored as BMP, larger ones as PNG
# ICNS entry types holding PNG data, by pixel size (several types share a size: 1x and @2x).
ICNS_TYPES: tuple[tuple[bytes, int], ...] = (
    (b"icp4", 16),
    (b"icp5", 32),
    (b"icp6", 64),
    (b"ic07", 128),
    (b"ic08", 256),
    (b"ic09", 512),
    (b"ic10", 1024),
    (b"ic11", 32),
    (b"ic12", 64),
    (b"ic13", 256),
    (b"ic14", 512),
)
STATUS_SIZES = (16, 32)
STATUSES = ("complete", "on_track", "at_risk", "overdue")

# The brand teal, shared with the theme's accent colour (cpe_desktop/ui/theme.py).
TEAL_TOP = QColor("#17808e")
TEAL_BOTTOM = QColor("#0a5563")
TEAL_INK = QColor("#0e6f7c")
SHEET = QColor("#ffffff")
SHEET_LINE = QColor("#bfd5d9")
SEAL = QColor("#24a05a")
SEAL_DARK = QColor("#17773f")
ALERT = QColor("#e8552d")

# Status glyph colours: mid tones that keep at least 3:1 against both a white and a near-black
# table background (WCAG non-text contrast), with an outline where the fill is light.
STATUS_GREEN = QColor("#2e8b57")
STATUS_BLUE = QColor("#3478c6")
STATUS_AMBER = QColor("#f0b323")
STATUS_AMBER_EDGE = QColor("#8a6100")
STATUS_RED = QColor("#d0342c")
STATUS_INK = QColor("#1c2127")


# --------------------------------------------------------------------------------------------
# Drawing helpers


def _canvas(size: int) -> tuple[QImage, QPainter]:
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    return image, painter


def _finish(image: QImage, painter: QPainter) -> QImage:
    painter.end()
    return image.convertToFormat(QImage.Format.Format_ARGB32)


def _badge_path(rect: QRectF) -> QPainterPath:
    """A rounded square with a corner radius near the one macOS and Windows 11 use."""
    path = QPainterPath()
    radius = rect.width() * 0.225
    path.addRoundedRect(rect, radius, radius)
    return path


def _fill_badge(painter: QPainter, rect: QRectF) -> None:
    gradient = QLinearGradient(rect.topLeft(), rect.bottomLeft())
    gradient.setColorAt(0.0, TEAL_TOP)
    gradient.setColorAt(1.0, TEAL_BOTTOM)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawPath(_badge_path(rect))


def _check_path(points: tuple[tuple[float, float], ...]) -> QPainterPath:
    path = QPainterPath(QPointF(*points[0]))
    for point in points[1:]:
        path.lineTo(QPointF(*point))
    return path


def _stroke(painter: QPainter, path: QPainterPath, colour: QColor, width: float) -> None:
    pen = QPen(colour, width)
    pen.setCapStyle(Qt.PenCapStyle.RoundCap)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawPath(path)


# --------------------------------------------------------------------------------------------
# Application icon


SMALL_CHECK = ((4.3, 8.4), (6.9, 11.0), (11.9, 5.2))
# With an alert dot in the top-right corner the check is shorter so the dot does not cut it.
SMALL_CHECK_ALERT = ((3.4, 8.9), (6.0, 11.5), (10.0, 7.0))


def _draw_small_mark(
    painter: QPainter, size: int, inset: float, check: tuple[tuple[float, float], ...] = SMALL_CHECK
) -> None:
    """Badge and a bold white check: the whole mark at 16-24 px and the tray icon."""
    s = size / 16.0
    _fill_badge(painter, QRectF(inset, inset, size - 2 * inset, size - 2 * inset))
    _stroke(painter, _check_path(tuple((x * s, y * s) for x, y in check)), SHEET, 2.3 * s)


def draw_app_icon(size: int) -> QImage:
    """The application mark at ``size`` px (square)."""
    image, painter = _canvas(size)
    if size <= 24:
        _draw_small_mark(painter, size, inset=0.5 if size == 16 else 1.0)
        return _finish(image, painter)

    # Everything below is laid out on a 1024-unit grid and scaled.
    painter.scale(size / 1024.0, size / 1024.0)
    margin = 64.0 if size <= 64 else 96.0
    _fill_badge(painter, QRectF(margin, margin, 1024 - 2 * margin, 1024 - 2 * margin))

    # The certificate: a white sheet with a title bar and ledger lines, casting a soft shadow.
    sheet = QRectF(250, 196, 456, 600)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(0, 0, 0, 46))
    painter.drawRoundedRect(sheet.translated(0, 18), 40, 40)
    painter.setBrush(SHEET)
    painter.drawRoundedRect(sheet, 40, 40)

    detailed = size >= 48
    painter.setBrush(TEAL_INK)
    painter.drawRoundedRect(QRectF(318, 282, 320, 52 if detailed else 64), 26, 26)
    if detailed:
        painter.setBrush(SHEET_LINE)
        for y, width in ((392, 320), (460, 260), (528, 200)):
            painter.drawRoundedRect(QRectF(318, y, width, 30), 15, 15)

    # The seal: a green disc with a white ring and a white check, over the sheet's corner.
    centre = QPointF(700, 690)
    painter.setBrush(SHEET)
    painter.drawEllipse(centre, 196, 196)
    gradient = QLinearGradient(centre.x(), centre.y() - 170, centre.x(), centre.y() + 170)
    gradient.setColorAt(0.0, SEAL)
    gradient.setColorAt(1.0, SEAL_DARK)
    painter.setBrush(QBrush(gradient))
    painter.drawEllipse(centre, 164, 164)
    check = _check_path(((618, 694), (682, 758), (790, 628)))
    _stroke(painter, check, SHEET, 58 if detailed else 74)
    return _finish(image, painter)


# --------------------------------------------------------------------------------------------
# Tray icons


def draw_tray_icon(size: int, alert: bool) -> QImage:
    """The badge with a check, full-bleed for the small tray slot; ``alert`` adds a dot."""
    image, painter = _canvas(size)
    s = size / 16.0
    _draw_small_mark(painter, size, 0.5 * s, SMALL_CHECK_ALERT if alert else SMALL_CHECK)
    if alert:
        centre = QPointF(13.0 * s, 3.0 * s)
        # A transparent gap around the dot keeps it separate from the badge at 16 px.
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(Qt.GlobalColor.black)
        painter.drawEllipse(centre, 3.7 * s, 3.7 * s)
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_SourceOver)
        painter.setBrush(ALERT)
        painter.drawEllipse(centre, 2.8 * s, 2.8 * s)
    return _finish(image, painter)


# --------------------------------------------------------------------------------------------
# Status glyphs (laid out on a 16-unit grid)


def _detail(painter: QPainter, selected: bool, colour: QColor) -> QColor:
    """The colour for a glyph's inner symbol; on a selected row the symbol is cut out instead."""
    if selected:
        painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        return QColor(Qt.GlobalColor.black)
    return colour


def _status_complete(painter: QPainter, selected: bool) -> None:
    check = _check_path(((2.6, 8.6), (6.2, 12.2), (13.4, 4.0)))
    _stroke(painter, check, SHEET if selected else STATUS_GREEN, 3.0)


def _status_on_track(painter: QPainter, selected: bool) -> None:
    # A progress ring about two-thirds full: "a circle", read as steady progress.
    colour = SHEET if selected else STATUS_BLUE
    painter.setPen(QPen(colour, 1.5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawEllipse(QPointF(8, 8), 6.25, 6.25)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(colour)
    painter.drawPie(QRectF(3.5, 3.5, 9, 9), 90 * 16, -240 * 16)


def _status_at_risk(painter: QPainter, selected: bool) -> None:
    triangle = QPolygonF([QPointF(8, 1.4), QPointF(15.0, 14.2), QPointF(1.0, 14.2)])
    pen = QPen(SHEET if selected else STATUS_AMBER_EDGE, 1.0)
    pen.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    painter.setPen(pen)
    painter.setBrush(SHEET if selected else STATUS_AMBER)
    painter.drawPolygon(triangle)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(_detail(painter, selected, STATUS_INK))
    painter.drawRoundedRect(QRectF(7.1, 5.2, 1.8, 5.0), 0.9, 0.9)
    painter.drawEllipse(QPointF(8, 12.0), 1.0, 1.0)


def _status_overdue(painter: QPainter, selected: bool) -> None:
    radius = 7.2
    points = [
        QPointF(
            8 + radius * math.cos(math.radians(22.5 + 45 * i)),
            8 + radius * math.sin(math.radians(22.5 + 45 * i)),
        )
        for i in range(8)
    ]
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(SHEET if selected else STATUS_RED)
    painter.drawPolygon(QPolygonF(points))
    cross = QPainterPath(QPointF(5.4, 5.4))
    cross.lineTo(10.6, 10.6)
    cross.moveTo(10.6, 5.4)
    cross.lineTo(5.4, 10.6)
    _stroke(painter, cross, _detail(painter, selected, SHEET), 2.0)


STATUS_PAINTERS: dict[str, Callable[[QPainter, bool], None]] = {
    "complete": _status_complete,
    "on_track": _status_on_track,
    "at_risk": _status_at_risk,
    "overdue": _status_overdue,
}


def draw_status_icon(status: str, size: int, selected: bool = False) -> QImage:
    """A status glyph; ``selected`` gives the white variant drawn on a selected table row."""
    image, painter = _canvas(size)
    painter.scale(size / 16.0, size / 16.0)
    STATUS_PAINTERS[status](painter, selected)
    return _finish(image, painter)


# --------------------------------------------------------------------------------------------
# Encoders


def png_bytes(image: QImage) -> bytes:
    """PNG at the highest compression; Qt writes no timestamp, so the bytes are reproducible."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buffer, "PNG", 0):
        raise RuntimeError("Qt could not encode a PNG")
    buffer.close()
    return bytes(data.data())


def _bmp_entry(image: QImage) -> bytes:
    """An ICO image entry as a 32-bit DIB: header, bottom-up BGRA rows, then the AND mask."""
    image = image.convertToFormat(QImage.Format.Format_ARGB32)
    width, height = image.width(), image.height()
    header = struct.pack("<IiiHHIIiiII", 40, width, height * 2, 1, 32, 0, 0, 0, 0, 0, 0)
    rows = []
    mask_rows = []
    mask_stride = ((width + 31) // 32) * 4
    for y in range(height - 1, -1, -1):
        row = bytearray()
        mask = bytearray(mask_stride)
        for x in range(width):
            argb = image.pixel(x, y)
            row += struct.pack("<I", argb)  # little-endian 0xAARRGGBB is B, G, R, A
            if (argb >> 24) == 0:
                mask[x // 8] |= 0x80 >> (x % 8)
        rows.append(bytes(row))
        mask_rows.append(bytes(mask))
    return header + b"".join(rows) + b"".join(mask_rows)


def ico_bytes(images: dict[int, QImage]) -> bytes:
    """A multi-size ICO container (ICONDIR, ICONDIRENTRY per image, then the image data)."""
    sizes = sorted(images)
    payloads = [_bmp_entry(images[s]) if s <= ICO_BMP_MAX else png_bytes(images[s]) for s in sizes]
    out = bytearray(struct.pack("<HHH", 0, 1, len(sizes)))
    offset = 6 + 16 * len(sizes)
    for size, payload in zip(sizes, payloads, strict=True):
        dim = 0 if size >= 256 else size  # 0 means 256 in the directory
        out += struct.pack("<BBBBHHII", dim, dim, 0, 0, 1, 32, len(payload), offset)
        offset += len(payload)
    for payload in payloads:
        out += payload
    return bytes(out)


def icns_bytes(pngs: dict[int, bytes]) -> bytes:
    """An ICNS container: the 'icns' header, then (type, length, PNG) entries, big-endian."""
    body = b"".join(
        kind + struct.pack(">I", 8 + len(pngs[size])) + pngs[size] for kind, size in ICNS_TYPES
    )
    return b"icns" + struct.pack(">I", 8 + len(body)) + body


# --------------------------------------------------------------------------------------------


def build(out_dir: Path = ICON_DIR) -> dict[str, int]:
    """Write every icon into ``out_dir``; returns ``{file name: bytes}``."""
    out_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, bytes] = {}

    app_images = {size: draw_app_icon(size) for size in APP_SIZES}
    app_pngs = {size: png_bytes(image) for size, image in app_images.items()}
    for size, data in app_pngs.items():
        files[f"app-{size}.png"] = data
    files["app.ico"] = ico_bytes({size: app_images[size] for size in ICO_SIZES})
    files["app.icns"] = icns_bytes(app_pngs)

    for alert in (False, True):
        stem = "tray-alert" if alert else "tray"
        files[f"{stem}.png"] = png_bytes(draw_tray_icon(16, alert))
        files[f"{stem}@2x.png"] = png_bytes(draw_tray_icon(32, alert))

    for status in STATUSES:
        slug = status.replace("_", "-")
        for size in STATUS_SIZES:
            files[f"status-{slug}-{size}.png"] = png_bytes(draw_status_icon(status, size))
            files[f"status-{slug}-{size}-selected.png"] = png_bytes(
                draw_status_icon(status, size, selected=True)
            )

    for name, data in files.items():
        (out_dir / name).write_bytes(data)
    return {name: len(data) for name, data in files.items()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ICON_DIR, help="output folder")
    args = parser.parse_args(argv)
    _app = QGuiApplication.instance() or QGuiApplication(sys.argv[:1])
    sizes = build(args.out)
    for name, size in sorted(sizes.items()):
        print(f"{size:>8}  {name}")
    print(f"{sum(sizes.values()):>8}  total bytes in {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
