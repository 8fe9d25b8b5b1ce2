"""The hours bar of a dashboard card: it paints its numbers in the status colour and describes
them to screen readers; a requirement met is drawn as complete whatever the license's status."""

from __future__ import annotations

from decimal import Decimal

from cpe_desktop.ui import theme
from cpe_desktop.ui.widgets.hours_bar import BAR_HEIGHT, GAP, HoursBar


def test_hours_bar_paints_its_numbers_and_describes_them(qtbot):
    bar = HoursBar("Total", Decimal("76.5"), Decimal(120), "on_track")
    qtbot.addWidget(bar)
    bar.resize(300, bar.sizeHint().height())
    assert bar.accessibleName() == "Total hours"
    assert bar.accessibleDescription() == ("Total: 76.5 of 120 hours counted; 43.5 still needed.")
    image = bar.grab().toImage()
    assert not image.isNull()
    y = bar.fontMetrics().height() + GAP + BAR_HEIGHT // 2
    filled = image.pixelColor(int(300 * 0.3), y)  # 76.5 / 120 = 64% drawn
    empty = image.pixelColor(int(300 * 0.9), y)
    assert filled == theme.status_colour("on_track")
    assert empty != filled and empty.alpha() == 255


def test_a_met_requirement_is_drawn_as_complete(qtbot):
    bar = HoursBar("Ethics", Decimal(5), Decimal(4), "overdue")
    qtbot.addWidget(bar)
    bar.resize(200, bar.sizeHint().height())
    image = bar.grab().toImage()
    y = bar.fontMetrics().height() + GAP + BAR_HEIGHT // 2
    assert image.pixelColor(190, y) == theme.status_colour("complete")
    assert bar.description().endswith("requirement met.")
