"""Table column layouts are remembered per person: a member's layout (which has no Holder
column, an administrators' column) never hides or blanks the administrator's columns on the same
machine, and each person gets back their own widths."""

from __future__ import annotations

from cpe_desktop.services import custom_fields, records
from cpe_desktop.ui.bus import ChangeBus
from cpe_desktop.ui.main_window import MainWindow

RECORD = {
    "title": "Tax update",
    "completed_on": "2026-02-01",
    "delivery_method": "Group Live",
    "credits": [{"field": "Taxes", "credits": 2}],
}


def _window(qtbot, ctx):
    window = MainWindow(ctx, ChangeBus(), database_location="test.db")
    qtbot.addWidget(window)
    window.resize(1180, 760)
    window.show()
    qtbot.waitExposed(window)
    return window


def _records_tab(qtbot, window):
    tab = window.show_table("records")
    qtbot.waitUntil(lambda: tab.model.rowCount() > 0)
    qtbot.wait_until(lambda: not tab._autosize_pending)
    return tab


def test_the_holder_column_shows_for_the_administrator_after_a_member(qtbot, people):
    records.create_record(people.as_ann, RECORD)
    member = _records_tab(qtbot, _window(qtbot, people.as_ann))
    assert member.model.column_index("holder") is None  # not a member's column
    member.view.horizontalHeader().resizeSection(0, 150)
    member.window().close()  # saves the member's layout

    admin_window = _window(qtbot, people.as_admin)
    admin = _records_tab(qtbot, admin_window)
    column = admin.model.column_index("holder")
    assert column is not None
    header = admin.view.horizontalHeader()
    qtbot.waitUntil(lambda: header.sectionSize(column) > 40)
    assert not header.isSectionHidden(column)
    assert admin.model.index(0, column).data() == "Ann Member"
    # Fitted to the administrator's own columns: the Holder column is on screen, not pushed
    # past the right edge by the member's widths (fitted to a table without it).
    assert header.sectionViewportPosition(column) + header.sectionSize(column) <= (
        header.viewport().width()
    )
    assert header.sectionSize(0) != 150  # the member's width is the member's


def test_each_person_gets_back_their_own_widths(qtbot, people):
    records.create_record(people.as_ann, RECORD)
    ann = _records_tab(qtbot, _window(qtbot, people.as_ann))
    ann.view.horizontalHeader().resizeSection(0, 271)
    ann.window().close()
    admin = _records_tab(qtbot, _window(qtbot, people.as_admin))
    admin.view.horizontalHeader().resizeSection(0, 199)
    admin.window().close()

    again = _records_tab(qtbot, _window(qtbot, people.as_ann))
    assert again.view.horizontalHeader().sectionSize(0) == 271
    admin_again = _records_tab(qtbot, _window(qtbot, people.as_admin))
    assert admin_again.view.horizontalHeader().sectionSize(0) == 199


def test_a_layout_saved_before_a_custom_field_was_added_is_fitted_again(qtbot, people):
    records.create_record(people.as_ann, RECORD)
    ann = _records_tab(qtbot, _window(qtbot, people.as_ann))
    ann.view.horizontalHeader().resizeSection(0, 271)
    ann.window().close()
    custom_fields.define_field(
        people.as_admin, {"entity": "record", "field_name": "Seat", "field_type": "integer"}
    )

    again = _records_tab(qtbot, _window(qtbot, people.as_ann))
    column = next(i for i, c in enumerate(again.model.columns) if c.key.startswith("cf:"))
    header = again.view.horizontalHeader()
    assert header.sectionSize(0) != 271  # widths saved for other columns are not reused
    assert header.sectionViewportPosition(column) + header.sectionSize(column) <= (
        header.viewport().width()
    )
