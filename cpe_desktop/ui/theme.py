"""The program's look: Fusion, a light and a dark palette, and a small style sheet.

Why this module exists: CPE Tracker should look the same on Windows and macOS and follow the
user's light/dark choice. Native styles differ per platform (and per Windows version), so we use
Fusion everywhere with palettes chosen here for contrast (text on window ≥ 7:1, highlighted text
on highlight ≥ 4.5:1) and a teal accent matching the icon. ``resources/theme.qss`` adds spacing
on an 8 px grid and a few named roles that the rest of the UI uses instead of ad hoc colours:

* ``QLabel[role="field-error"]``: the message shown under a form field that failed validation;
* ``QLabel[role="empty-state"]``: the muted, larger text shown where a table has no rows;
* ``QLabel[role="heading"]``: a section heading;
* ``QFrame[role="banner"]`` with optional ``level`` ``info`` (default), ``success``, ``warning``
  or ``error``: an in-window banner (e.g. the in-app notification fallback);
* ``QLineEdit[invalid="true"]``: a line edit whose value failed validation.

Table cells in a state (an import row with a problem) take both colours from
:data:`TABLE_STATES` (:func:`state_colours`); widgets that colour cells repaint them on
:class:`ThemeSignals` ``schemeChanged``.

Set these properties before the widget is shown (or unpolish/polish it after changing them).

The user preference ``theme`` is ``system``, ``light`` or ``dark``. ``system`` follows the
platform's colour scheme and changes with it while the program runs. Call
:func:`prepare_application` before the ``QApplication`` exists, then :func:`apply_theme`.
"""

from __future__ import annotations

import logging
import os
from string import Template
from types import MappingProxyType
from typing import TYPE_CHECKING, Final

from PySide6.QtCore import QObject, QSettings, Signal
from PySide6.QtGui import QColor, QFont, QGuiApplication, QPalette, QStyleHints
from PySide6.QtWidgets import QApplication

from cpe_desktop.paths import resource

if TYPE_CHECKING:  # (outlined_style is imported when the style is installed; Qt: _qt_scheme)
    from PySide6.QtCore import Qt

    from cpe_desktop.ui.outlined_style import OutlinedIndicators

log = logging.getLogger(__name__)

PREFERENCES: Final = ("system", "light", "dark")
SCHEMES: Final = ("light", "dark")
STATUSES: Final = ("complete", "on_track", "at_risk", "overdue")
STYLE_NAME: Final = "Fusion"
QSS_FILE: Final = "theme.qss"

Role = QPalette.ColorRole
Group = QPalette.ColorGroup

# Palettes: every role set for the active and inactive groups, then disabled overrides.
_PALETTES: Final[dict[str, dict[QPalette.ColorRole, str]]] = {
    "light": {
        Role.Window: "#f4f5f7",
        Role.WindowText: "#1c2127",
        Role.Base: "#ffffff",
        Role.AlternateBase: "#f3f5f7",
        Role.ToolTipBase: "#2b3138",
        Role.ToolTipText: "#f4f5f7",
        Role.PlaceholderText: "#5f6770",  # muted text: >= 4.5:1 on Window and AlternateBase too
        Role.Text: "#1c2127",
        Role.Button: "#fafbfc",
        Role.ButtonText: "#1c2127",
        Role.BrightText: "#ffffff",
        Role.Light: "#ffffff",
        Role.Midlight: "#e6e9ed",
        Role.Mid: "#c4cad1",
        Role.Dark: "#9aa2ab",
        Role.Shadow: "#5f6770",
        Role.Highlight: "#0e6f7c",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#0b62a4",
        Role.LinkVisited: "#6b3fa0",
        Role.Accent: "#0e6f7c",
    },
    "dark": {
        Role.Window: "#1e2227",
        Role.WindowText: "#e6e8eb",
        Role.Base: "#16191d",
        Role.AlternateBase: "#1b1f24",
        Role.ToolTipBase: "#2d333a",
        Role.ToolTipText: "#e6e8eb",
        Role.PlaceholderText: "#959da6",  # >= 4.5:1 on buttons and the cards' lighter fill too
        Role.Text: "#e6e8eb",
        Role.Button: "#272b31",
        Role.ButtonText: "#e6e8eb",
        Role.BrightText: "#ffffff",
        Role.Light: "#3a4048",
        Role.Midlight: "#30353c",
        Role.Mid: "#454c55",
        Role.Dark: "#101215",
        Role.Shadow: "#000000",
        Role.Highlight: "#1b7786",
        Role.HighlightedText: "#ffffff",
        Role.Link: "#5cb8e6",
        Role.LinkVisited: "#c39bea",
        Role.Accent: "#1b7786",
    },
}
_DISABLED: Final[dict[str, dict[QPalette.ColorRole, str]]] = {
    "light": {
        Role.WindowText: "#8d949c",
        Role.Text: "#8d949c",
        Role.ButtonText: "#8d949c",
        Role.PlaceholderText: "#a9afb6",
        Role.Base: "#f4f5f7",
        Role.Button: "#eef0f2",
        Role.Highlight: "#b9c3ca",
        Role.HighlightedText: "#ffffff",
        Role.Accent: "#b9c3ca",
    },
    "dark": {
        Role.WindowText: "#6f7780",
        Role.Text: "#6f7780",
        Role.ButtonText: "#6f7780",
        Role.PlaceholderText: "#5c636b",
        Role.Base: "#1b1f23",
        Role.Button: "#25292f",
        Role.Highlight: "#3a4048",
        Role.HighlightedText: "#a0a7af",
        Role.Accent: "#3a4048",
    },
}

# Colours for the dashboard's bars, rings and status text, per scheme. Each is readable as text
# on that scheme's window and base colours (≥ 4.5:1). Hex strings, so nobody mutates a shared
# QColor; use status_colour() for a QColor.
STATUS_COLOURS: Final = MappingProxyType(
    {
        "light": MappingProxyType(
            {
                "complete": "#2e7d4f",
                "on_track": "#1f6fb2",
                "at_risk": "#8f5b00",
                "overdue": "#b3261e",
            }
        ),
        "dark": MappingProxyType(
            {
                "complete": "#5cc58a",
                "on_track": "#6aa8ec",
                "at_risk": "#f0b323",
                "overdue": "#ff7a70",
            }
        ),
    }
)

# Colours the style sheet needs that the palette has no role for (its ${tokens}).
_QSS_COLOURS: Final[dict[str, dict[str, str]]] = {
    "light": {
        "error": "#b3261e",
        "muted": "#5f6770",
        "info_bg": "#e3f1f3",
        "info_border": "#9fcbd2",
        "info_text": "#0b4650",
        "success_bg": "#e5f4ea",
        "success_border": "#9fd0b0",
        "success_text": "#1d5632",
        "warning_bg": "#fff4d6",
        "warning_border": "#e7c36a",
        "warning_text": "#5c4100",
        "error_bg": "#fde8e6",
        "error_border": "#eaa29c",
        "error_text": "#7d1a13",
    },
    "dark": {
        "error": "#ff8a80",
        "muted": "#a3abb4",
        "info_bg": "#163a40",
        "info_border": "#2a6b75",
        "info_text": "#d7eef1",
        "success_bg": "#173a26",
        "success_border": "#2f7048",
        "success_text": "#d3f0dc",
        "warning_bg": "#3d3216",
        "warning_border": "#7a6220",
        "warning_text": "#f6e3b0",
        "error_bg": "#45201d",
        "error_border": "#8a3a33",
        "error_text": "#ffd9d4",
    },
}

# Table cells (and inputs) marked with a state: (text, background) per scheme, both set
# together, never a fill left under the palette's text: a fill chosen for one scheme under the
# other's text is unreadable (near-white text on pink). Taken from the banner colours of the
# same meaning. Use state_colours() for QColors, state_style() for a widget's style sheet.
TABLE_STATES: Final = MappingProxyType(
    {
        scheme: MappingProxyType(
            {"problem": (colours["error_text"], colours["error_bg"])},
        )
        for scheme, colours in _QSS_COLOURS.items()
    }
)

# Where the system's scheme found at a start is kept for the next (see ``_system_scheme_now``).
SYSTEM_SCHEME_KEY: Final = "theme/system_scheme"


def _qt_scheme(preference: str) -> Qt.ColorScheme:
    """The ``Qt.ColorScheme`` asked of the platform for a preference."""
    from PySide6.QtCore import Qt

    return {
        "system": Qt.ColorScheme.Unknown,
        "light": Qt.ColorScheme.Light,
        "dark": Qt.ColorScheme.Dark,
    }[preference]


class ThemeSignals(QObject):
    """Tells custom-painted widgets (the dashboard) that the effective scheme changed."""

    schemeChanged = Signal(str)


class _State:
    """The theme's one state (a plain class: a dataclass is compiled at import, some 3 M
    instructions of the window's start)."""

    def __init__(self) -> None:
        self.preference = "system"
        self.scheme: str | None = None  # None until apply_theme() has run
        self.followed_hints: QStyleHints | None = None  # whose colorSchemeChanged we listen to
        self.applying = False
        self.style: OutlinedIndicators | None = None  # the application's style, kept alive here
        # plain Fusion until outline_indicators() (the window's start)
        self.outline_later = False
        self.requested = False  # a light or dark scheme asked of the platform in this process
        # The system's scheme taken from the last start (before the first paint): asked of the
        # platform by outline_indicators().
        self.ask_system = False


_state = _State()
_signals: ThemeSignals | None = None


def theme_signals() -> ThemeSignals:
    """The one :class:`ThemeSignals` object (created on first use)."""
    global _signals
    if _signals is None:
        _signals = ThemeSignals()
    return _signals


def prepare_application() -> None:
    """Qt settings that must be made before the ``QApplication`` is constructed.

    Fractional scale factors (125 %, 150 % on Windows laptops) are passed through instead of
    rounded, so text and icons are drawn at the size the user chose, not blurred or shrunk.
    """
    if QGuiApplication.instance() is not None:
        log.debug("prepare_application() called after the application was created; ignored")
        return
    # Qt 6's default, as the environment (QT_SCALE_FACTOR_ROUNDING_POLICY) may say otherwise:
    # set only when it is not that already, as asking which policy is set, and setting it, make
    # PySide6 build its ``Qt`` namespace (a hundred enum types, 15-25 ms before the first paint).
    if os.environ.get("QT_SCALE_FACTOR_ROUNDING_POLICY", "PassThrough") != "PassThrough":
        from PySide6.QtCore import Qt

        QGuiApplication.setHighDpiScaleFactorRoundingPolicy(
            Qt.HighDpiScaleFactorRoundingPolicy.PassThrough
        )


def system_scheme() -> str:
    """``"dark"`` when the platform reports a dark scheme, else ``"light"`` (also when unknown)."""
    from PySide6.QtCore import Qt

    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def _system_scheme_now() -> str:
    """The system's scheme, kept for the next start. Before the window's first paint
    (``outline_indicators_later``), the one kept at the last start when there is one: asking
    the platform returns a ``Qt`` enum, whose namespace PySide6 builds whole (some 15-25 ms of
    the start); ``outline_indicators`` asks once the window has been painted and re-styles it
    if the system's scheme changed meanwhile."""
    if _state.outline_later:
        kept = QSettings().value(SYSTEM_SCHEME_KEY)
        if kept in SCHEMES:
            _state.ask_system = True
            return str(kept)
    return _kept(system_scheme())


def _kept(scheme: str) -> str:
    """``scheme``, the system's, kept for the next start."""
    settings = QSettings()
    if settings.value(SYSTEM_SCHEME_KEY) != scheme:
        settings.setValue(SYSTEM_SCHEME_KEY, scheme)
    return scheme


def build_palette(scheme: str) -> QPalette:
    """The palette for ``"light"`` or ``"dark"``."""
    _check_scheme(scheme)
    palette = QPalette()
    for role, colour in _PALETTES[scheme].items():
        palette.setColor(role, QColor(colour))  # all groups
    for role, colour in _DISABLED[scheme].items():
        palette.setColor(Group.Disabled, role, QColor(colour))
    return palette


def stylesheet(scheme: str, font: QFont | None = None) -> str:
    """``resources/theme.qss`` with its ``${tokens}`` filled in for ``scheme``.

    ``font`` (the application font by default) sets the relative text sizes.
    """
    _check_scheme(scheme)
    if font is None:
        font = QGuiApplication.font()
    template = Template(resource(QSS_FILE).read_text(encoding="utf-8"))
    return template.substitute(
        _QSS_COLOURS[scheme],
        empty_state_font_size=_scaled_font_size(font, 1.25),
        heading_font_size=_scaled_font_size(font, 1.35),
    )


def apply_theme(app: QApplication, preference: str = "system") -> str:
    """Style ``app`` for the user preference ``system``/``light``/``dark``.

    Returns the effective scheme, ``"light"`` or ``"dark"``. With ``system`` the look follows
    later changes of the platform's scheme too.
    """
    if preference not in PREFERENCES:
        raise ValueError(f"theme must be one of {', '.join(PREFERENCES)}, not {preference!r}")
    _state.preference = preference
    hints = app.styleHints()
    if hints is not _state.followed_hints:
        hints.colorSchemeChanged.connect(_on_system_scheme_changed)
        _state.followed_hints = hints
    if preference != "system" or _state.requested:
        _state.applying = True
        try:
            # Tell the platform too (Qt 6.8+), so native title bars and dialogs match on
            # Windows and macOS; "system" withdraws an earlier request (none was made before
            # the first: nothing to withdraw).
            hints.setColorScheme(_qt_scheme(preference))
        finally:
            _state.applying = False
        _state.requested = preference != "system"
    scheme = _system_scheme_now() if preference == "system" else preference
    _apply_scheme(app, scheme)
    return scheme


def current_scheme() -> str:
    """The effective scheme: the last one applied, else what ``system`` would give now."""
    if _state.scheme is not None:
        return _state.scheme
    return system_scheme()


def current_preference() -> str:
    """The preference given to the last :func:`apply_theme` call (``system`` before any)."""
    return _state.preference


def status_colour(status: str, scheme: str | None = None) -> QColor:
    """The colour for a compliance status in ``scheme`` (the current one by default)."""
    scheme = scheme or current_scheme()
    _check_scheme(scheme)
    try:
        return QColor(STATUS_COLOURS[scheme][status])
    except KeyError:
        raise ValueError(f"status must be one of {', '.join(STATUSES)}, not {status!r}") from None


def state_colours(state: str, scheme: str | None = None) -> tuple[QColor, QColor]:
    """(text, background) of a table cell in ``state`` (``"problem"``) in ``scheme`` (the
    current one by default). Set both: the text is chosen for that background."""
    scheme = scheme or current_scheme()
    _check_scheme(scheme)
    try:
        text, fill = TABLE_STATES[scheme][state]
    except KeyError:
        known = ", ".join(TABLE_STATES[scheme])
        raise ValueError(f"state must be one of {known}, not {state!r}") from None
    return QColor(text), QColor(fill)


def state_style(state: str, scheme: str | None = None) -> str:
    """A widget style sheet giving it the colours of ``state`` (see :func:`state_colours`)."""
    text, fill = state_colours(state, scheme)
    return f"background-color: {fill.name()}; color: {text.name()};"


def relative_luminance(colour: QColor) -> float:
    """WCAG 2 relative luminance of an opaque colour (0 black ... 1 white)."""

    def channel(value: float) -> float:
        return value / 12.92 if value <= 0.04045 else ((value + 0.055) / 1.055) ** 2.4

    return (
        0.2126 * channel(colour.redF())
        + 0.7152 * channel(colour.greenF())
        + 0.0722 * channel(colour.blueF())
    )


def contrast_ratio(first: QColor, second: QColor) -> float:
    """WCAG 2 contrast ratio, 1 (none) to 21 (black on white); e.g. to pick text on a fill."""
    lighter, darker = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


# --------------------------------------------------------------------------------------------


def _check_scheme(scheme: str) -> None:
    if scheme not in SCHEMES:
        raise ValueError(f"scheme must be one of {', '.join(SCHEMES)}, not {scheme!r}")


def _scaled_font_size(font: QFont, factor: float) -> str:
    if font.pointSizeF() > 0:
        return f"{font.pointSizeF() * factor:.1f}pt"
    return f"{round(max(font.pixelSize(), 1) * factor)}px"


def outline_indicators_later() -> None:
    """Until :func:`outline_indicators`, leave the application's style as it is: the window's
    start makes its application in Fusion (``ui/launch.make_application``) and installs
    ``ui/outlined_style.OutlinedIndicators`` once its window has been painted.

    Its first picture has no check box or radio button. The proxy's ``drawPrimitive``, called
    from Python for every element drawn, makes PySide6 build the enum types of each kind of
    style option it is handed (about 70), and a ``QStyle`` handed to Python those of ``QStyle``:
    some 12 ms before the first paint together."""
    _state.outline_later = True


def outline_indicators(app: QApplication) -> None:
    """End :func:`outline_indicators_later`: the edged indicators from now on, and the
    system's scheme asked of the platform when the one kept at the last start stood in for it
    (``_system_scheme_now``)."""
    if _state.outline_later:
        _state.outline_later = False
        if _state.scheme is not None:
            scheme = _state.scheme
            if _state.ask_system and _state.preference == "system":
                scheme = _kept(system_scheme())
            _apply_scheme(app, scheme)
    _state.ask_system = False


def _apply_scheme(app: QApplication, scheme: str) -> None:
    # While a style sheet is set, app.style() is Qt's style-sheet wrapper, which hides the
    # underlying style; clear the sheet first so we can see whether ours is in use.
    if app.styleSheet():
        app.setStyleSheet("")
    if not _state.outline_later:
        from cpe_desktop.ui.outlined_style import OutlinedIndicators

        if not isinstance(app.style(), OutlinedIndicators):
            _state.style = OutlinedIndicators(STYLE_NAME)  # kept: the application does not own it
            app.setStyle(_state.style)
    app.setPalette(build_palette(scheme))
    app.setStyleSheet(stylesheet(scheme, app.font()))
    changed = scheme != _state.scheme
    _state.scheme = scheme
    if changed:
        log.info("colour scheme: %s (preference %s)", scheme, _state.preference)
        theme_signals().schemeChanged.emit(scheme)


def _on_system_scheme_changed(_scheme: Qt.ColorScheme) -> None:
    if _state.applying or _state.preference != "system":
        return
    app = QApplication.instance()
    if isinstance(app, QApplication):
        _apply_scheme(app, _kept(system_scheme()))
