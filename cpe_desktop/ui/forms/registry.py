"""Which dialog edits which table: the one entry point the table tabs and menus use.

Tabs know table names, not dialogs; keeping the mapping here means a table gains an editor (or
swaps a generated form for a hand-made one) without touching any tab.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import QDialog, QWidget

from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import entities

if TYPE_CHECKING:
    from cpe_desktop.ui.forms.form_dialog import FormDialog
    from cpe_desktop.ui.forms.record_form import RecordForm

# table name -> the entity ``editing.save_entity`` and the specs use (services/editing/entities.py)
ENTITY_OF_TABLE: dict[str, str] = {e.table: e.name for e in entities.EDITABLE}
EDITABLE_TABLES: frozenset[str] = frozenset(ENTITY_OF_TABLE)


def make_editor(
    parent: QWidget | None,
    table_name: str,
    ctx: ServiceContext,
    pk: int | None = None,
    focus: str | None = None,
) -> FormDialog | RecordForm:
    """The add (``pk`` None) or edit dialog for one row of ``table_name``, not yet shown;
    ``focus`` names the field to put the cursor on (a generated form's key)."""
    if table_name not in ENTITY_OF_TABLE:
        raise ValueError(f"{table_name!r} has no editor (editable: {sorted(EDITABLE_TABLES)})")
    # The forms are imported when first needed, not at start-up (the window's first paint
    # waits for every module imported before it).
    from cpe_desktop.services.editing.entities import FORM_SPECS
    from cpe_desktop.ui.forms.form_dialog import FormDialog
    from cpe_desktop.ui.forms.license_form import LicenseForm

    if table_name == "records":
        # The record form brings the PDF reader too.
        from cpe_desktop.ui.forms.record_form import RecordForm

        return RecordForm(ctx, record_id=pk, parent=parent)
    if table_name == "licenses":
        dialog: FormDialog = LicenseForm(ctx, pk, parent)
    else:
        dialog = FormDialog(ctx, FORM_SPECS[ENTITY_OF_TABLE[table_name]], pk, parent)
    if focus is not None:
        dialog.focus_field(focus)
    return dialog


def open_editor(
    parent: QWidget | None,
    table_name: str,
    ctx: ServiceContext,
    pk: int | None = None,
    focus: str | None = None,
) -> Outcome | None:
    """Show the editor modally; the saved Outcome, or None when the user cancelled."""
    dialog = make_editor(parent, table_name, ctx, pk, focus)
    try:
        if dialog.exec() == QDialog.DialogCode.Accepted:
            return dialog.outcome
        return None
    finally:
        dialog.deleteLater()
