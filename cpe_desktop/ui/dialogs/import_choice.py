"""What a person settled on in the import dialog, ready to run without the dialog.

The dialog (``import_wizard.ImportWizard``) closes before the import runs as a task; this holds
its choices and runs ``mapped_import.import_mapped`` with them. No Qt.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange.mapped_import import MappedImportSummary, import_mapped
from cpe_desktop.services.interchange.mapping import ColumnMapping
from cpe_desktop.services.interchange.tabular import Table
from cpe_desktop.services.users import User


@dataclass(frozen=True)
class ImportChoice:
    """What the person settled on: the table, its mapping, whose records, what to do with records
    already stored, values for every row, and whether the good records go in alone (the others
    written to ``not_imported``), with the cells corrected (``edits``: {(row number, column
    index): value}) and the rows left out (``excluded``) in the preview, and the file's own
    words answered (``words``, kept for the next import with ``remember_words``)."""

    table: Table
    mapping: ColumnMapping
    user: User
    on_duplicate: str
    constants: dict[str, str] = field(default_factory=dict)
    skip_bad_rows: bool = False
    not_imported: Path | None = None
    edits: dict[tuple[int, int], Any] = field(default_factory=dict)
    excluded: frozenset[int] = frozenset()
    words: dict[str, dict[str, str]] = field(default_factory=dict)
    remember_words: bool = False

    def run(
        self, ctx: ServiceContext, progress: Callable[[int, str], None] | None = None
    ) -> MappedImportSummary:
        """Import as chosen (``mapped_import.import_mapped``)."""
        return import_mapped(
            ctx,
            self.table,
            self.mapping,
            self.user,
            self.on_duplicate,
            progress,
            constants=self.constants,
            skip_bad_rows=self.skip_bad_rows,
            not_imported=self.not_imported,
            edits=self.edits,
            excluded=self.excluded,
            words=self.words,
            remember_words=self.remember_words,
        )


__all__ = ["ImportChoice"]
