"""Putting a file right in the import wizard's preview: a problem cell corrected by typing (the
file unchanged), a row left out from its menu, and the import storing exactly that."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from PySide6.QtCore import Qt

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.ui.dialogs.import_preview import LEAVE_OUT, PUT_BACK, USE_FILE_VALUE
from cpe_desktop.ui.dialogs.import_wizard import ImportWizard

BAD_ROWS = (
    "Date,Course,Format,Field,Hours\n"
    "2025-01-02,Fine,Group Live,Taxes,2\n"
    "2025-01-03,Bad hours,Group Live,Taxes,-1\n"
    "2025-01-04,Also fine,Group Live,Auditing,1\n"
    "someday,Bad date,Group Live,Taxes,1\n"
)


def _wizard(qtbot, ctx, tmp_path) -> tuple[ImportWizard, Path]:
    path = tmp_path / "mixed.csv"
    path.write_text(BAD_ROWS, encoding="utf-8")
    dialog = ImportWizard(ctx, path, read_table(path))
    qtbot.addWidget(dialog)
    return dialog, path


def _cell(dialog, number: int, heading: str):
    table = dialog.preview_table
    rows = [table.verticalHeaderItem(r).text() for r in range(table.rowCount())]
    headings = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    column = next(c for c, text in enumerate(headings) if text.startswith(heading))
    return rows.index(str(number)), column


def _type(qtbot, dialog, number: int, heading: str, text: str) -> None:
    """Double-click-and-type, as the delegate does it: the item's text set, then committed."""
    r, c = _cell(dialog, number, heading)
    item = dialog.preview_table.item(r, c)
    assert item.flags() & Qt.ItemFlag.ItemIsEditable
    item.setText(text)
    qtbot.waitUntil(lambda: dialog.edits.get((number, item_column(dialog, heading))) == text)


def item_column(dialog, heading: str) -> int:
    return {"Date": 0, "Credits": 4}[heading]


def _menu(dialog, number: int) -> dict:
    r, _ = _cell(dialog, number, "Date")
    return dict(dialog.pane.menu_actions(r, 0))


def test_a_problem_cell_is_corrected_in_the_preview_and_imported_so(qtbot, people, tmp_path):
    dialog, path = _wizard(qtbot, people.as_ann, tmp_path)
    assert not dialog.import_button.isEnabled()
    # Only a problem row's cells can be typed into.
    r, c = _cell(dialog, 2, "Date")
    assert not dialog.preview_table.item(r, c).flags() & Qt.ItemFlag.ItemIsEditable
    assert dialog.preview_table.editTriggers() & dialog.preview_table.EditTrigger.DoubleClicked

    _type(qtbot, dialog, 5, "Date", "2025-02-01")

    r, c = _cell(dialog, 5, "Date")
    item = dialog.preview_table.item(r, c)
    assert item.text() == "2025-02-01" and item.font().bold()
    assert "the file has 'someday'" in item.toolTip()
    assert _texts(dialog.error_list) == ["line 3, Hours: Credits cannot be negative (-1.0)."]
    assert USE_FILE_VALUE in _menu(dialog, 5)

    _type(qtbot, dialog, 3, "Credits", "1.5")
    assert dialog.import_button.isEnabled() and dialog.result_preview.ok
    choice = dialog.choice()
    assert choice.edits == {(5, 0): "2025-02-01", (3, 4): "1.5"}
    assert choice.excluded == frozenset()

    summary = choice.run(people.as_ann)

    assert summary.records_added == 4
    stored = {r.title: r for r in CpeRecord.select()}
    assert stored["Bad date"].completed_on == dt.date(2025, 2, 1)
    assert [Decimal(c.credits) for c in stored["Bad hours"].credits] == [Decimal("1.5")]
    assert path.read_text(encoding="utf-8") == BAD_ROWS  # the file is never changed


def test_the_file_value_can_be_used_again(qtbot, people, tmp_path):
    dialog, _ = _wizard(qtbot, people.as_ann, tmp_path)
    _type(qtbot, dialog, 5, "Date", "2025-02-01")
    _menu(dialog, 5)[USE_FILE_VALUE]()
    assert dialog.edits == {}
    assert any(text.startswith("line 5, Date") for text in _texts(dialog.error_list))


def test_rows_left_out_are_listed_and_the_rest_import_all_or_nothing(qtbot, people, tmp_path):
    dialog, _ = _wizard(qtbot, people.as_ann, tmp_path)
    _menu(dialog, 3)[LEAVE_OUT]()
    _menu(dialog, 5)[LEAVE_OUT]()

    assert dialog.result_preview.ok and dialog.import_button.isEnabled()
    assert not dialog.pane.bad_rows_box.isVisibleTo(dialog)  # nothing left to skip
    assert _texts(dialog.pane.left_out_list) == [
        "line 3: left out by you",
        "line 5: left out by you",
    ]
    assert _texts(dialog.error_list) == ["None."]
    assert dialog.counts_label.text().endswith("; 2 lines left out by you.")
    r, c = _cell(dialog, 3, "Date")  # still shown, muted, and can be put back
    assert dialog.preview_table.item(r, c).toolTip().startswith("Left out by you")
    assert PUT_BACK in _menu(dialog, 3)

    choice = dialog.choice()
    assert choice.excluded == frozenset({3, 5}) and not choice.skip_bad_rows
    summary = choice.run(people.as_ann)

    assert summary.records_added == 2 and summary.left_out == (3, 5)
    assert sorted(r.title for r in CpeRecord.select()) == ["Also fine", "Fine"]


def test_a_row_put_back_is_judged_again(qtbot, people, tmp_path):
    dialog, _ = _wizard(qtbot, people.as_ann, tmp_path)
    _menu(dialog, 3)[LEAVE_OUT]()
    _menu(dialog, 3)[PUT_BACK]()
    assert dialog.excluded == set() and not dialog.pane.left_out_list.isVisibleTo(dialog)
    assert _texts(dialog.error_list)[0] == "line 3, Hours: Credits cannot be negative (-1.0)."


def test_another_header_row_starts_the_edits_afresh(qtbot, people, tmp_path):
    dialog, _ = _wizard(qtbot, people.as_ann, tmp_path)
    _menu(dialog, 3)[LEAVE_OUT]()
    _type(qtbot, dialog, 5, "Date", "2025-02-01")
    dialog.header_spin.setValue(2)
    assert dialog.edits == {} and dialog.excluded == set()


def _texts(widget) -> list[str]:
    return [widget.item(i).text() for i in range(widget.count())]
