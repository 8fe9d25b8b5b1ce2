"""The program's icons and its light/dark look.

Icons: every file drawn by build/make_icons.py is present, loads at its size, matches what the
script draws today, and the ICO/ICNS containers read back with every size. Status glyphs differ
in shape, not only in colour. Theme: both palettes are dark/light as named and meet WCAG
contrast; the style sheet parses and its roles take effect; "system" follows the platform.
"""

from __future__ import annotations

import importlib.util
import itertools
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QColor, QIcon, QImage, QImageReader, QPalette
from PySide6.QtWidgets import QApplication, QFrame, QLabel, QLineEdit, QVBoxLayout, QWidget

from cpe_desktop.paths import resource
from cpe_desktop.ui import icons, theme
from cpe_desktop.ui.outlined_style import OutlinedIndicators

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
ICON_DIR = resource("icons")
APP_SIZES = (16, 24, 32, 48, 64, 128, 256, 512, 1024)
ICO_SIZES = [16, 24, 32, 48, 64, 128, 256]
STATUSES = ("complete", "on_track", "at_risk", "overdue")


def _expected_icon_files() -> dict[str, int]:
    files = {f"app-{size}.png": size for size in APP_SIZES}
    for stem in ("tray", "tray-alert"):
        files[f"{stem}.png"] = 16
        files[f"{stem}@2x.png"] = 32
    for status in STATUSES:
        slug = status.replace("_", "-")
        for size in (16, 32):
            files[f"status-{slug}-{size}.png"] = size
            files[f"status-{slug}-{size}-selected.png"] = size
    return files


EXPECTED_PNGS = _expected_icon_files()


# --- independent WCAG arithmetic (not the module's own helper) ---------------------------------


def _luminance(colour: QColor) -> float:
    def linear(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.04045 else ((s + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * linear(colour.red())
        + 0.7152 * linear(colour.green())
        + 0.0722 * linear(colour.blue())
    )


def _contrast(a: QColor, b: QColor) -> float:
    hi, lo = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def _read_all(path: Path) -> list[QImage]:
    reader = QImageReader(str(path))
    assert reader.canRead(), f"{path.name}: {reader.errorString()}"
    images = []
    for index in range(reader.imageCount()):
        assert reader.jumpToImage(index)
        image = reader.read()
        assert not image.isNull(), f"{path.name} entry {index}: {reader.errorString()}"
        images.append(image.convertToFormat(QImage.Format.Format_ARGB32))
    return images


def _load_make_icons():
    spec = importlib.util.spec_from_file_location("make_icons", ROOT / "build" / "make_icons.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- fixtures ------------------------------------------------------------------------------------


@pytest.fixture
def themed_app(qapp):
    """The shared QApplication, given back with its original style, palette and style sheet."""
    sheet = qapp.styleSheet()
    qapp.setStyleSheet("")  # so style() names the real style, not the style-sheet wrapper
    style = qapp.style().name() or "Fusion"
    palette = QPalette(qapp.palette())
    yield qapp
    qapp.styleHints().setColorScheme(Qt.ColorScheme.Unknown)
    qapp.setStyleSheet(sheet)
    qapp.setStyle(style)
    qapp.setPalette(palette)
    theme._state.preference = "system"
    theme._state.scheme = None
    theme._state.requested = theme._state.ask_system = theme._state.outline_later = False


# --- icon files ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "size"), sorted(EXPECTED_PNGS.items()))
def test_icon_file_exists_and_loads_at_its_size(qapp, name, size):
    path = ICON_DIR / name
    assert path.is_file(), f"missing {path}"
    image = QImage(str(path))
    assert not image.isNull()
    assert (image.width(), image.height()) == (size, size)
    assert image.hasAlphaChannel()
    # Not blank: a real mark covers a fair part of its square.
    opaque = sum(
        1 for y in range(size) for x in range(size) if image.pixelColor(x, y).alpha() > 128
    )
    assert opaque > size * size * 0.10


def test_icon_folder_is_small_and_holds_only_known_files():
    names = {p.name for p in ICON_DIR.iterdir()}
    assert names == set(EXPECTED_PNGS) | {"app.ico", "app.icns"}
    total = sum(p.stat().st_size for p in ICON_DIR.iterdir())
    assert total < 400_000, f"icons take {total} bytes"


def _same(drawn: QImage, stored: QImage) -> bool:
    """Pixel for pixel, allowing one step per channel: Qt's premultiplied-alpha conversions
    round differently on different CPUs' vector code (seen on faint edge pixels)."""
    drawn = drawn.convertToFormat(QImage.Format.Format_ARGB32)
    stored = stored.convertToFormat(QImage.Format.Format_ARGB32)
    if drawn.size() != stored.size():
        return False
    for y in range(drawn.height()):
        for x in range(drawn.width()):
            a, b = drawn.pixel(x, y), stored.pixel(x, y)
            if a != b and any(abs((a >> s & 255) - (b >> s & 255)) > 1 for s in (0, 8, 16, 24)):
                return False
    return True


def test_icons_are_what_make_icons_draws(qapp):
    """The committed assets reproduce from build/make_icons.py (pixel for pixel)."""
    make_icons = _load_make_icons()
    for size in APP_SIZES:
        assert _same(make_icons.draw_app_icon(size), QImage(str(ICON_DIR / f"app-{size}.png"))), (
            f"app-{size}.png is stale: rerun build/make_icons.py"
        )
    for status in STATUSES:
        slug = status.replace("_", "-")
        for size in (16, 32):
            for selected, suffix in ((False, ""), (True, "-selected")):
                drawn = make_icons.draw_status_icon(status, size, selected=selected)
                stored = QImage(str(ICON_DIR / f"status-{slug}-{size}{suffix}.png"))
                assert _same(drawn, stored), slug
    for alert, stem in ((False, "tray"), (True, "tray-alert")):
        stored = QImage(str(ICON_DIR / f"{stem}.png"))
        assert _same(make_icons.draw_tray_icon(16, alert), stored), stem


def test_ico_holds_every_windows_size_matching_the_pngs(qapp):
    images = _read_all(ICON_DIR / "app.ico")
    assert sorted(image.width() for image in images) == ICO_SIZES
    for image in images:
        assert image.width() == image.height()
        png = QImage(str(ICON_DIR / f"app-{image.width()}.png"))
        assert _same(image, png), image.width()


def test_icns_holds_the_mac_sizes_matching_the_pngs(qapp):
    images = _read_all(ICON_DIR / "app.icns")
    assert {image.width() for image in images} == {16, 32, 64, 128, 256, 512, 1024}
    for image in images:
        png = QImage(str(ICON_DIR / f"app-{image.width()}.png"))
        assert _same(image, png), image.width()


def test_tray_alert_differs_from_tray(qapp):
    for suffix in (".png", "@2x.png"):
        plain = QImage(str(ICON_DIR / f"tray{suffix}"))
        alert = QImage(str(ICON_DIR / f"tray-alert{suffix}"))
        assert plain != alert
        # The alert dot is warm (red clearly above blue) in the top-right corner.
        corner = alert.pixelColor(alert.width() * 13 // 16, alert.height() * 3 // 16)
        assert corner.red() > corner.blue() + 80


# --- icon API ------------------------------------------------------------------------------------


def test_app_icon_has_every_size_on_macos(qapp):
    icon = icons.app_icon("darwin")
    assert not icon.isNull()
    assert {s.width() for s in icon.availableSizes()} == set(APP_SIZES)
    assert icon.pixmap(QSize(48, 48)).size() == QSize(48, 48)


@pytest.mark.parametrize("platform", ["linux", "win32"])
def test_app_icon_elsewhere_stops_at_256_pixels(qapp, platform):
    """X11 is sent every size of a window's icon at its first show (5 MB more for 512 and
    1024, some 35 ms of the start); no window manager or taskbar there draws them."""
    icon = icons.app_icon(platform)
    assert {s.width() for s in icon.availableSizes()} == {16, 24, 32, 48, 64, 128, 256}
    assert icon.pixmap(QSize(48, 48)).size() == QSize(48, 48)
    assert icon.pixmap(QSize(1024, 1024)).size() == QSize(256, 256)


@pytest.mark.parametrize("alert", [False, True])
def test_tray_icon_has_1x_and_2x(qapp, alert):
    icon = icons.tray_icon(alert=alert)
    assert {s.width() for s in icon.availableSizes()} == {16, 32}


def test_tray_icons_differ_with_alert(qapp):
    plain = icons.tray_icon().pixmap(QSize(32, 32)).toImage()
    alert = icons.tray_icon(alert=True).pixmap(QSize(32, 32)).toImage()
    assert plain != alert


def _alpha_mask(image: QImage) -> list[bool]:
    return [
        image.pixelColor(x, y).alpha() > 128
        for y in range(image.height())
        for x in range(image.width())
    ]


@pytest.mark.parametrize("size", [16, 32])
def test_status_icons_differ_in_shape_not_only_colour(qapp, size):
    masks = {
        status: _alpha_mask(icons.status_icon(status).pixmap(QSize(size, size)).toImage())
        for status in STATUSES
    }
    for first, second in itertools.combinations(STATUSES, 2):
        differing = sum(a != b for a, b in zip(masks[first], masks[second], strict=True))
        # Silhouettes (alpha only, colour ignored) differ in at least 8 % of the pixels.
        assert differing > 0.08 * size * size, (first, second, differing)


def test_status_icons_have_a_white_selected_variant(qapp):
    for status in STATUSES:
        icon = icons.status_icon(status)
        normal = icon.pixmap(QSize(16, 16), QIcon.Mode.Normal).toImage()
        selected = icon.pixmap(QSize(16, 16), QIcon.Mode.Selected).toImage()
        assert normal != selected
        opaque = [
            selected.pixelColor(x, y)
            for y in range(16)
            for x in range(16)
            if selected.pixelColor(x, y).alpha() == 255
        ]
        assert opaque and all(min(c.red(), c.green(), c.blue()) > 240 for c in opaque), status


def test_icon_lookups_reject_unknown_names(qapp):
    with pytest.raises(ValueError, match="status must be one of"):
        icons.status_icon("late")
    with pytest.raises(FileNotFoundError):
        icons.icon_path("no-such-icon.png")


# --- palettes ------------------------------------------------------------------------------------


def _colour(app: QApplication, role: QPalette.ColorRole) -> QColor:
    return app.palette().color(QPalette.ColorGroup.Active, role)


def test_dark_theme_is_dark_with_light_text(themed_app):
    assert theme.apply_theme(themed_app, "dark") == "dark"
    assert theme.current_scheme() == "dark"
    window = _colour(themed_app, QPalette.ColorRole.Window)
    text = _colour(themed_app, QPalette.ColorRole.WindowText)
    assert window.lightnessF() < 0.25
    assert text.lightnessF() > 0.75
    assert _colour(themed_app, QPalette.ColorRole.Base).lightnessF() < 0.25


def test_light_theme_is_light_with_dark_text(themed_app):
    assert theme.apply_theme(themed_app, "light") == "light"
    assert theme.current_scheme() == "light"
    window = _colour(themed_app, QPalette.ColorRole.Window)
    text = _colour(themed_app, QPalette.ColorRole.WindowText)
    assert window.lightnessF() > 0.75
    assert text.lightnessF() < 0.25
    assert _colour(themed_app, QPalette.ColorRole.Base).lightnessF() > 0.75


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palette_contrast_meets_wcag(themed_app, scheme):
    theme.apply_theme(themed_app, scheme)
    role = QPalette.ColorRole
    c = lambda r: _colour(themed_app, r)  # noqa: E731
    assert _contrast(c(role.WindowText), c(role.Window)) >= 7
    assert _contrast(c(role.Text), c(role.Base)) >= 7
    assert _contrast(c(role.Text), c(role.AlternateBase)) >= 7
    assert _contrast(c(role.ButtonText), c(role.Button)) >= 7
    assert _contrast(c(role.ToolTipText), c(role.ToolTipBase)) >= 7
    assert _contrast(c(role.HighlightedText), c(role.Highlight)) >= 4.5
    assert _contrast(c(role.Link), c(role.Base)) >= 4.5
    assert _contrast(c(role.PlaceholderText), c(role.Base)) >= 4.5
    # Disabled text is visibly different from enabled text.
    disabled = themed_app.palette().color(QPalette.ColorGroup.Disabled, role.Text)
    assert _contrast(disabled, c(role.Text)) > 1.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_status_colours_are_readable_in_their_scheme(themed_app, scheme):
    theme.apply_theme(themed_app, scheme)
    window = _colour(themed_app, QPalette.ColorRole.Window)
    base = _colour(themed_app, QPalette.ColorRole.Base)
    assert set(theme.STATUS_COLOURS[scheme]) == set(STATUSES)
    seen = set()
    for status in STATUSES:
        colour = theme.status_colour(status)
        assert colour == QColor(theme.STATUS_COLOURS[scheme][status])
        assert _contrast(colour, window) >= 4.5, status
        assert _contrast(colour, base) >= 4.5, status
        seen.add(colour.name())
    assert len(seen) == 4
    with pytest.raises(ValueError):
        theme.status_colour("late")


def test_system_preference_resolves_to_the_platform_scheme(themed_app):
    scheme = theme.apply_theme(themed_app, "system")
    platform_dark = themed_app.styleHints().colorScheme() == Qt.ColorScheme.Dark
    assert scheme == ("dark" if platform_dark else "light")
    assert theme.current_scheme() == scheme
    assert theme.current_preference() == "system"
    window = _colour(themed_app, QPalette.ColorRole.Window)
    assert (window.lightnessF() < 0.5) == (scheme == "dark")


def test_system_preference_follows_a_platform_change(themed_app, monkeypatch, qtbot):
    theme.apply_theme(themed_app, "system")
    monkeypatch.setattr(theme, "system_scheme", lambda: "dark")
    with qtbot.waitSignal(theme.theme_signals().schemeChanged, timeout=1000) as blocker:
        themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert blocker.args == ["dark"]
    assert theme.current_scheme() == "dark"
    assert _colour(themed_app, QPalette.ColorRole.Window).lightnessF() < 0.25


def test_the_start_takes_the_system_scheme_kept_at_the_last_one(themed_app, monkeypatch):
    """Before the window's first paint (``outline_indicators_later``) the system's scheme kept at
    the last start stands in for asking the platform (which builds PySide6's whole ``Qt``
    namespace); once painted (``outline_indicators``) the platform is asked, the window
    re-styled if the scheme changed meanwhile, and the new one kept."""
    QSettings().setValue(theme.SYSTEM_SCHEME_KEY, "dark")

    def not_yet():
        raise AssertionError("the platform was asked before the first paint")

    monkeypatch.setattr(theme, "system_scheme", not_yet)
    theme.outline_indicators_later()
    assert theme.apply_theme(themed_app, "system") == "dark"
    assert _colour(themed_app, QPalette.ColorRole.Window).lightnessF() < 0.25

    monkeypatch.setattr(theme, "system_scheme", lambda: "light")  # changed since the last start
    theme.outline_indicators(themed_app)
    assert theme.current_scheme() == "light"
    assert _colour(themed_app, QPalette.ColorRole.Window).lightnessF() > 0.75
    assert QSettings().value(theme.SYSTEM_SCHEME_KEY) == "light"


def test_a_first_start_asks_the_platform_and_keeps_its_answer(themed_app, monkeypatch):
    asked = []
    monkeypatch.setattr(theme, "system_scheme", lambda: asked.append(1) or "dark")
    theme.outline_indicators_later()
    assert theme.apply_theme(themed_app, "system") == "dark"  # nothing kept: asked
    assert QSettings().value(theme.SYSTEM_SCHEME_KEY) == "dark"
    theme.outline_indicators(themed_app)
    assert asked == [1]  # not asked again once painted
    assert theme.current_scheme() == "dark"


def test_a_chosen_scheme_is_asked_of_the_platform_and_withdrawn(themed_app, monkeypatch):
    """A light or dark preference is asked of the platform (Qt 6.8+: native title bars and
    dialogs), "system" withdraws it; "system" with nothing asked before asks nothing (the
    start's case: no ``Qt`` enum before the first paint)."""
    asked: list[str] = []
    real = theme._qt_scheme
    monkeypatch.setattr(
        theme, "_qt_scheme", lambda preference: asked.append(preference) or real(preference)
    )
    theme.apply_theme(themed_app, "system")
    assert asked == []
    theme.apply_theme(themed_app, "dark")
    theme.apply_theme(themed_app, "system")
    theme.apply_theme(themed_app, "system")
    assert asked == ["dark", "system"]
    assert real("dark") == Qt.ColorScheme.Dark and real("system") == Qt.ColorScheme.Unknown


def test_explicit_preference_ignores_a_platform_change(themed_app, monkeypatch):
    theme.apply_theme(themed_app, "light")
    monkeypatch.setattr(theme, "system_scheme", lambda: "dark")
    themed_app.styleHints().colorSchemeChanged.emit(Qt.ColorScheme.Dark)
    assert theme.current_scheme() == "light"
    assert _colour(themed_app, QPalette.ColorRole.Window).lightnessF() > 0.75


def test_apply_theme_uses_fusion_and_rejects_unknown_preferences(themed_app):
    themed_app.setStyle("Windows")
    theme.apply_theme(themed_app, "light")
    assert themed_app.styleSheet()
    themed_app.setStyleSheet("")  # unwrap to see the style underneath
    style = themed_app.style()
    assert isinstance(style, OutlinedIndicators)  # Fusion, with visible box edges
    assert style.baseStyle().name().lower() == "fusion"
    with pytest.raises(ValueError, match="theme must be one of"):
        theme.apply_theme(themed_app, "sepia")


def test_the_edged_indicators_can_wait_for_the_first_paint(themed_app):
    """The window's start (ui/launch.py) makes its application in Fusion and leaves it so until
    its window is painted."""
    themed_app.setStyle("Fusion")
    try:
        theme.outline_indicators_later()
        theme.apply_theme(themed_app, "dark")
        assert themed_app.styleSheet()  # the scheme is applied all the same
        themed_app.setStyleSheet("")
        assert not isinstance(themed_app.style(), OutlinedIndicators)
        assert themed_app.style().name().lower() == "fusion"
        theme.apply_theme(themed_app, "dark")
        theme.outline_indicators(themed_app)
        assert themed_app.styleSheet()
        themed_app.setStyleSheet("")
        assert isinstance(themed_app.style(), OutlinedIndicators)
        assert theme.current_scheme() == "dark"
    finally:
        theme._state.outline_later = False


def test_prepare_application_after_construction_is_a_quiet_no_op(qapp):
    # The rounding policy can only be set before the QApplication exists; Qt would warn
    # (and the Qt log check would fail this test) if prepare_application() tried anyway.
    theme.prepare_application()


def test_contrast_helper_matches_wcag_reference_values():
    assert theme.contrast_ratio(QColor("#000000"), QColor("#ffffff")) == pytest.approx(21.0)
    assert theme.contrast_ratio(QColor("#777777"), QColor("#777777")) == pytest.approx(1.0)
    assert theme.contrast_ratio(QColor("#767676"), QColor("#ffffff")) == pytest.approx(
        4.54, abs=0.01
    )


# --- style sheet ---------------------------------------------------------------------------------


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_style_sheet_parses_and_its_roles_apply(themed_app, qtbot, scheme):
    theme.apply_theme(themed_app, scheme)
    sheet = themed_app.styleSheet()
    assert "$" not in sheet and 'role="field-error"' in sheet

    host = QWidget()
    qtbot.addWidget(host)
    layout = QVBoxLayout(host)
    error = QLabel("Sponsor is required.")
    error.setProperty("role", "field-error")
    empty = QLabel("No records yet.")
    empty.setProperty("role", "empty-state")
    plain = QLabel("Plain")
    banner = QFrame()
    banner.setProperty("role", "banner")
    banner.setProperty("level", "error")
    banner_text = QLabel("Backup failed")
    QVBoxLayout(banner).addWidget(banner_text)
    invalid = QLineEdit()
    invalid.setProperty("invalid", True)
    for widget in (error, empty, plain, banner, invalid):
        layout.addWidget(widget)
    host.show()
    qtbot.waitExposed(host)
    for widget in (error, empty, plain, banner, banner_text, invalid):
        widget.ensurePolished()

    window = _colour(themed_app, QPalette.ColorRole.Window)
    base = _colour(themed_app, QPalette.ColorRole.Base)
    fg = QPalette.ColorRole.WindowText
    error_colour = error.palette().color(fg)
    assert error_colour != plain.palette().color(fg)
    assert error_colour.red() > error_colour.green() + 60  # red-ish
    assert _contrast(error_colour, window) >= 4.5
    assert _contrast(error_colour, base) >= 4.5

    muted = empty.palette().color(fg)
    assert muted != plain.palette().color(fg)
    assert _contrast(muted, window) >= 4.5
    assert empty.font().pointSizeF() > plain.font().pointSizeF()

    assert banner.height() > 8
    banner_fill = banner.grab().toImage().pixelColor(banner.width() - 4, banner.height() // 2)
    assert banner_fill != window
    assert _contrast(banner_text.palette().color(fg), banner_fill) >= 7


@pytest.mark.qt_log_ignore("Could not parse")
def test_a_broken_style_sheet_would_be_reported(themed_app, qtbot, qtlog):
    """The parse check above is meaningful: Qt does warn about a sheet it cannot parse."""
    themed_app.setStyleSheet("QLabel { color: red; ")
    label = QLabel("x")
    qtbot.addWidget(label)
    label.show()
    label.ensurePolished()
    assert any("Could not parse" in record.message for record in qtlog.records)
