"""A spreadsheet as a header and rows, whatever it was saved as (CSV text or an Excel workbook).

The mapped import lets a person pick which of their columns holds what, so it first needs their
file as plain rows: the header is the row whose cells best name our fields (below any title rows;
a merged two-row header joined "Parent Child"; or the row the person names), blank rows are
dropped, rows that are not records (totals, year headings, notes) are set aside with a reason,
and every row keeps its number in the file (the CSV line, the Excel row) so errors point where
the person looks. CSV cells are text; Excel cells keep their type (a real date stays a date, a
number a number). The finding itself is in :mod:`layout`.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import itertools
import operator
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange.common import no_cycle_collection

__all__ = ["SetAside", "Table", "TableRow", "read_table", "csv_table", "xlsx_table"]

CSV_TYPES = (".csv", ".txt")
XLSX_TYPES = (".xlsx", ".xlsm")
# More rows than any person's CPE history; a sheet this long is almost surely the wrong file.
MAX_ROWS = 200_000


@dataclass(frozen=True)
class SetAside:
    """A row below the header that is not a record: its number in the file and why, in words."""

    number: int
    reason: str


@dataclass(frozen=True)
class TableRow:
    """One non-blank row: its number in the file and its cells (text, or Excel's typed values)."""

    number: int
    cells: tuple[Any, ...]


@dataclass(frozen=True)
class Table:
    """A file's header and rows; ``unit`` says how rows are numbered (CSV "line", Excel "row").

    ``header_row`` is the file's number of the (first) header row; ``header_depth`` how many rows
    it spans (2 when sub-headings under merged cells were joined). ``set_aside`` are the rows
    below it that are not records, each with its reason; ``rows`` holds the others.
    ``looks_like`` names a layout recognised by its headings.
    """

    name: str
    headers: tuple[str, ...]
    rows: tuple[TableRow, ...]
    header_row: int
    unit: str = "line"
    sheet: str | None = None
    sheets: tuple[str, ...] = ()
    set_aside: tuple[SetAside, ...] = ()
    looks_like: str | None = None
    header_depth: int = 1

    def label(self, index: int) -> str:
        """What a person calls a column: its heading, or its position when it has none."""
        if 0 <= index < len(self.headers) and self.headers[index]:
            return self.headers[index]
        return f"column {column_letter(index) if self.unit == 'row' else index + 1}"

    def cell(self, row: TableRow, index: int) -> Any:
        return row.cells[index] if index < len(row.cells) else None


def column_letter(index: int) -> str:
    """Excel's name of the column at 0-based ``index``: A, B, …, Z, AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return letters


@no_cycle_collection()
def read_table(path: Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """A ``.csv`` or ``.xlsx`` file as a table (``sheet``, or the Excel sheet that holds records).

    ``header_row`` (the file's row or line number) overrides the header found.

    Raises ValidationError naming the file, line or sheet when it cannot be read. (CSV text
    already in memory: :func:`csv_table`.)
    """
    if isinstance(path, str):  # text would be mistaken for a path, or a path for text
        raise TypeError("read_table takes a Path; for CSV text use csv_table(text, name)")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in XLSX_TYPES:
        return xlsx_table(path, sheet, header_row)
    if suffix in CSV_TYPES:
        return csv_table(read_text(path), path.name, header_row)
    raise ValidationError(
        str(path), "cannot be read as a spreadsheet: only .csv and .xlsx files are supported"
    )


# --- CSV ------------------------------------------------------------------------------------------


def read_text(source: Path | str) -> str:
    """The text of a CSV file (UTF-8, with or without a byte order mark), or the text given."""
    if isinstance(source, str):
        return source.removeprefix("\ufeff")
    try:
        data = Path(source).read_bytes()
    except OSError as exc:
        raise ValidationError(str(source), f"cannot be read: {exc.strerror or exc}") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise ValidationError(
            f"line {line}", 'is not UTF-8 text; save the file as "CSV UTF-8" and try again'
        ) from None


def csv_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """Non-blank CSV records with the line each starts on (a quoted cell may span lines)."""
    if '"' not in text:  # no quoted cell: each record is one line, numbered in turn
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        try:
            # Read no further than one record past the limit.
            # A record is blank when every cell is: most are told by their first cell.
            filled = (
                pair
                for pair in enumerate(reader, 1)
                if (pair[1] and pair[1][0].strip()) or "".join(pair[1]).strip()
            )
            found = list(itertools.islice(filled, MAX_ROWS + 2))
        except csv.Error as exc:
            message = f"cannot be read as CSV ({exc})"
            raise ValidationError(f"line {reader.line_num}", message) from None
        if len(found) > MAX_ROWS + 1:
            line = found[MAX_ROWS + 1][0]
            raise ValidationError(f"line {line}", f"the file has more than {MAX_ROWS:,} rows")
        return found
    return _quoted_csv_records(text, delimiter)


_LINE = operator.itemgetter(0)
_CELLS = operator.itemgetter(1)


def _quoted_csv_records(text: str, delimiter: str) -> list[tuple[int, list[str]]]:
    """:func:`csv_records` of a text with quotes, each record's first line asked of the reader."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    found: list[tuple[int, list[str]]] = []
    start = 1
    try:
        for cells in reader:
            if "".join(cells).strip():  # some cell is not blank
                found.append((start, cells))
                if len(found) > MAX_ROWS + 1:
                    raise ValidationError(
                        f"line {start}", f"the file has more than {MAX_ROWS:,} rows"
                    )
            start = reader.line_num + 1
    except csv.Error as exc:
        raise ValidationError(f"line {reader.line_num}", f"cannot be read as CSV ({exc})") from None
    return found


def guess_delimiter(text: str) -> str:
    """Comma, semicolon (European spreadsheets) or tab: whichever splits the header most."""
    first = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""

    def width(delimiter: str) -> int:
        try:
            return len(next(csv.reader([first], delimiter=delimiter), []))
        except csv.Error:
            return 0

    return max((",", ";", "\t"), key=width)  # ties keep the comma


@no_cycle_collection()
def csv_table(text: str, name: str, header_row: int | None = None) -> Table:
    """CSV text as a table; ``name`` is what messages call it (the file's name)."""
    text = text.removeprefix("\ufeff")
    records = csv_records(text, _delimiter_text(text))
    if not records:
        raise ValidationError("line 1", "the file is empty: it needs a header row of column names")
    found = list(zip(map(_LINE, records), map(tuple, map(_CELLS, records)), strict=True))
    return _table(name, found, header_row, "line")


def _delimiter_text(text: str) -> str:
    """The delimiter, judged on the widest of the first lines (a title line has no commas)."""
    lines = [line for line in text.splitlines()[:30] if line.strip()]
    if not lines:
        return guess_delimiter(text)
    guesses = [guess_delimiter(line) for line in lines]
    return max(dict.fromkeys(guesses), key=lambda d: max(line.count(d) for line in lines))


def _table(
    name: str,
    found: list[tuple[int, tuple[Any, ...]]],
    header_row: int | None,
    unit: str,
    sheet: str | None = None,
    sheets: tuple[str, ...] = (),
) -> Table:
    from cpe_desktop.services.interchange import layout

    try:
        header = layout.find_header(found, header_row, cell_text)
    except ValidationError as exc:
        where = f"sheet {sheet}" if sheet is not None else "header row"
        raise ValidationError(where, f"{unit} {header_row} is blank or not in the file") from exc
    below = found[header.index + header.depth :]
    records, aside = layout.set_aside(header.headings, below)
    return Table(
        name,
        header.headings,
        tuple(itertools.starmap(TableRow, records)),
        found[header.index][0],
        unit,
        sheet,
        sheets,
        tuple(aside),
        layout.looks_like(header.headings),
        header.depth,
    )


# --- Excel ----------------------------------------------------------------------------------------


def xlsx_table(path: Path, sheet: str | None = None, header_row: int | None = None) -> Table:
    """The named sheet of an Excel workbook, or the one that holds records; formulas give their
    saved values. Without a name, the sheet whose header best names our fields is read (a
    field-descriptions or instructions sheet loses; ties go to the earlier sheet).
    """
    from cpe_desktop.services.interchange import layout

    workbook = _open_workbook(path)
    try:
        names = tuple(workbook.sheetnames)
        if not names:
            raise ValidationError(str(path), "has no sheets")
        if sheet is not None and sheet not in names:
            raise ValidationError("sheet", f"{path.name} has no sheet named {sheet!r}")
        chosen = sheet if sheet is not None else names[0]
        if sheet is None and len(names) > 1:
            ranks = {
                name: layout.sheet_rank(name, _read_sheet(workbook, name, layout.SEARCH_ROWS))
                for name in names
            }
            chosen = max(names, key=lambda name: ranks[name])  # max keeps the first of equals
        found = _read_sheet(workbook, chosen)
    finally:
        workbook.close()
    if not found:
        raise ValidationError(f"sheet {chosen}", "is empty: it needs a header row of column names")
    return _table(path.name, found, header_row, "row", chosen, names)


def _read_sheet(workbook: Any, name: str, limit: int | None = None) -> list[tuple[int, Any]]:
    try:
        return _sheet_rows(workbook[name], limit)
    except ValidationError:
        raise
    except Exception as exc:
        raise ValidationError(
            f"sheet {name}", f"cannot be read ({type(exc).__name__}: {exc})"
        ) from None


def sheet_names(path: Path) -> tuple[str, ...]:
    workbook = _open_workbook(Path(path))
    try:
        return tuple(workbook.sheetnames)
    finally:
        workbook.close()


def _open_workbook(path: Path) -> Any:
    import openpyxl  # imported when needed: it takes a while and most runs never read Excel

    if not path.is_file():
        raise ValidationError(str(path), "no such file")
    # openpyxl warns about parts of a workbook it does not keep (data validation, conditional
    # formatting extensions, a missing default style); none of them matter for reading values.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        try:
            return openpyxl.load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:
            raise ValidationError(
                str(path),
                f"is not an Excel workbook that can be read ({type(exc).__name__}: {exc}); "
                "save it from your spreadsheet as .xlsx or .csv and try again",
            ) from None


def _sheet_rows(worksheet: Any, limit: int | None = None) -> list[tuple[int, tuple[Any, ...]]]:
    # A stored dimension can claim a million empty rows (a formatted whole column); reading the
    # cells that are really there is both faster and the truth.
    worksheet.reset_dimensions()
    found: list[tuple[int, tuple[Any, ...]]] = []
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", category=UserWarning, module=r"openpyxl(\.|$)")
        for number, values in enumerate(worksheet.iter_rows(values_only=True), start=1):
            cells = _trimmed(values)
            if cells:
                found.append((number, cells))
                if limit is not None and len(found) >= limit:
                    break
                if len(found) > MAX_ROWS + 1:
                    raise ValidationError(
                        f"row {number}", f"the sheet has more than {MAX_ROWS:,} rows"
                    )
    return found


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _trimmed(values: tuple[Any, ...]) -> tuple[Any, ...]:
    """The row without its trailing blank cells; empty when the whole row is blank."""
    end = len(values)
    while end and _blank(values[end - 1]):
        end -= 1
    return tuple(values[:end])


def cell_text(value: Any) -> str:
    """A cell as a heading reads: a whole-day date as ISO, 3.0 as 3, text stripped."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
