"""Importing a spreadsheet without a window: the command line's way to the mapped import.

The window lets a person check the guessed columns; the command line cannot ask, so it takes the
same guesses and the person's options (``--sheet``, ``--header-row``, ``--map``, ``--set``,
``--skip-bad-rows``) and, when a required column can be neither guessed nor given, refuses the
file naming the option that would resolve it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path

from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.csv_format import REQUIRED, target_user
from cpe_desktop.services.interchange.mapped_import import (
    NOT_STATED_FIELDS,
    MappedImportSummary,
    Progress,
    import_mapped,
    with_defaults,
)
from cpe_desktop.services.interchange.mapping import (
    LABELS,
    guess_columns,
    hour_columns,
    mapping_problems,
)
from cpe_desktop.services.interchange.tabular import Table, column_letter, read_table
from cpe_desktop.services.interchange.word_choices import Words, check_words, words_in_force
from cpe_desktop.services.records import NOT_STATED


def import_spreadsheet(
    ctx: ServiceContext,
    path: Path,
    user_email: str | None = None,
    *,
    sheet: str | None = None,
    header_row: int | None = None,
    columns: Mapping[str, str] | None = None,
    constants: Mapping[str, str] | None = None,
    skip_bad_rows: bool = False,
    not_imported: Path | None = None,
    on_duplicate: str = "skip",
    progress: Progress | None = None,
    words: Words | None = None,
    remember_words: bool = False,
) -> MappedImportSummary:
    """Import a ``.csv``/``.xlsx`` file through the mapping guessed from its headings.

    For the command line, which has no mapping step: ``columns`` ({field: the column's heading,
    letter or 1-based number}) override the guess, ``constants`` fill fields without a column,
    ``sheet`` and ``header_row`` say where the table is. A required field with neither a column
    nor a value refuses the file, saying which option would resolve it.
    ``user_email``: whose records these are (see ``csv_format.target_user``). ``words``: the
    person's answers for the file's own words ("Online" → QAS Self Study), kept for their next
    import with ``remember_words`` (see ``mapped_import.import_mapped``).
    """
    check_words(words, "--word")
    table = _read(path, sheet, header_row)  # an unreadable file is reported before anything else
    user = target_user(ctx, user_email)
    mapping = guess_columns(table)
    for name, spec in (columns or {}).items():
        index = column_index(table, spec)
        mapping = {other: i for other, i in mapping.items() if i != index and other != name}
        mapping[name] = index
    with vocabulary.use_words(words_in_force(ctx, user.user_id, words)):
        spread = set() if not hour_columns(table, mapping) else {"field_of_study", "credits"}
    given = with_defaults(mapping, dict(constants or {}), spread=bool(spread))
    missing = [
        name
        for name in REQUIRED
        if name not in mapping and name not in given and name not in spread
    ]
    if missing:
        found = mapping_problems(table, mapping, reported=missing)
        raise ValidationError(
            {
                f"{table.unit} {table.header_row}, {LABELS[name]} column": (
                    f"{found.get(name, 'not found')}; {_resolve(table, mapping, name)}"
                )
                for name in missing
            }
        )
    return import_mapped(
        ctx,
        table,
        mapping,
        user,
        on_duplicate,
        progress,
        constants=dict(constants or {}),  # the defaults are the import's own, said as such
        skip_bad_rows=skip_bad_rows,
        not_imported=not_imported,
        words=words,
        remember_words=remember_words,
    )


def _read(path: Path, sheet: str | None, header_row: int | None) -> Table:
    if header_row is None:
        return read_table(path, sheet)
    if header_row < 1:
        raise ValidationError("header_row", f"must be a row number from 1 (got {header_row})")
    return read_table(path, sheet, header_row=header_row)


def column_index(table: Table, spec: str) -> int:
    """The 0-based column ``spec`` names: its heading (case and spacing ignored), else its
    letter (``C``) or 1-based number (``3``). ValidationError when it names none."""
    wanted = " ".join(str(spec).split()).casefold()
    for index, heading in enumerate(table.headers):
        if " ".join(heading.split()).casefold() == wanted and wanted:
            return index
    width = len(table.headers)
    if wanted.isdigit() and 1 <= int(wanted) <= width:
        return int(wanted) - 1
    if re.fullmatch(r"[a-z]{1,3}", wanted):
        letters = {column_letter(i).casefold(): i for i in range(width)}
        if wanted in letters:
            return letters[wanted]
    headings = ", ".join(repr(table.label(i)) for i in range(width)) or "none"
    raise ValidationError(
        "--map", f"{spec!r} is not a column of the file (its columns: {headings})"
    )


def _resolve(table: Table, mapping: Mapping[str, int], name: str) -> str:
    """The options that would give a required field without a column its values."""
    used = set(mapping.values())
    unused = [table.label(i) for i in range(len(table.headers)) if i not in used]
    example = repr(unused[0]) if unused else "COLUMN"
    options = []
    if name in NOT_STATED_FIELDS:
        options.append(f"--set {name}='{NOT_STATED}'")
    options.append(f"--map {example}={name}")
    return f"no column for {LABELS[name].lower()}: add {' or '.join(options)}"


__all__ = ["column_index", "import_spreadsheet"]
