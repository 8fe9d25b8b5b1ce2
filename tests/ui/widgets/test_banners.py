"""The window's two banners (a notification without a tray, a database server gone) make their
text's size policy when first shown, not when the window is built: shown, the text takes the
width the buttons leave, however the banner is shown."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QSizePolicy, QWidget

from cpe_desktop.ui.connection_watch import ConnectionBanner
from cpe_desktop.ui.widgets.banner import NotificationBanner


def _shown_ways(banner):
    return {
        "say": lambda: banner.say("The server cannot be reached.", trying=True),
        "show_message": lambda: banner.show_message("Reminder", "A license ends soon."),
        "show": banner.show,
        "setVisible": lambda: banner.setVisible(True),
        "setHidden": lambda: banner.setHidden(False),
    }


@pytest.mark.parametrize("kind", [ConnectionBanner, NotificationBanner])
@pytest.mark.parametrize("way", ["own", "show", "setVisible", "setHidden"])
def test_shown_the_text_expands_across_the_banner(qapp, kind, way) -> None:
    parent = QWidget()
    banner = kind(parent)
    assert banner.isHidden()
    ways = _shown_ways(banner)
    ways["own"] = ways["say" if kind is ConnectionBanner else "show_message"]
    ways[way]()
    assert not banner.isHidden()
    policy = banner.text.sizePolicy()
    assert policy.horizontalPolicy() == QSizePolicy.Policy.Expanding
    assert policy.verticalPolicy() == QSizePolicy.Policy.Preferred
    banner.hide()
    banner.setVisible(True)  # again: still so
    assert banner.text.sizePolicy().horizontalPolicy() == QSizePolicy.Policy.Expanding
    parent.deleteLater()
