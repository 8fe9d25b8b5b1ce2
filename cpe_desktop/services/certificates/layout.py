"""A certificate page's lines in the order a person reads them, from where the text is drawn.

pypdf's plain text follows the order the PDF draws its text in, and many certificates do not
draw it in reading order: a flattened fillable form (pdf-lib, Acrobat) draws every label first
and every value after them, and a page of two columns of "label / value below" pairs reads, line
by line, as one column's label beside the other column's label. This module takes each piece of
text with its position (pypdf's visitor) and rebuilds the lines:

* pieces on one baseline form a row; a wide gap splits a row into cells, and a cell that is a
  label ending in ":" keeps the value to its right ("Course Title:" … "Fraud Risk");
* rows of two or more cells start a block of columns, read column by column, top to bottom, so a
  label alone is followed by the value printed under it; a field-of-study table inside it ("Field
  of Study" over the fields, "CPE Credits" over their credits) stays row by row;
* lines a title's text box wrapped (the same font and size, close under each other, the first
  ending where a sentence cannot end, or display-sized text) are joined into one line.

No Qt here; ``text`` parses the lines this returns.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.services.certificates.parse import FIELD

WIDTH = 0.5  # Helvetica and most text faces average about half an em per character
FINE_PRINT = 9.5  # below this size lines are statements and addresses: never joined
_LABEL_CELL = re.compile(r"^[^\d:]{2,45}:$")
_FIELD_HEADER = re.compile(rf"^(?:{FIELD})\s*(?:\(s\))?:?$", re.IGNORECASE)
_CREDITS_HEADER = re.compile(
    r"^(?:(?:total|recommended|nasba)\s+)?(?:cpe\s+)?(?:credits?|credit\s+hours?|hours)"
    r"(?:\s+earned)?:?$",
    re.IGNORECASE,
)
_STARTS_WITH_LABEL = re.compile(r"^[A-Za-z][\w ()&'/#.-]{0,40}:(?:\s|$)")
_OPEN_END = re.compile(
    r"(?:[:,&\u2013-]|\b(?:and|of|for|the|a|an|in|on|to|with|from|by|or|at))$", re.IGNORECASE
)


@dataclass
class Cell:
    x: float
    y: float
    size: float
    font: str
    text: str
    right: float = 0.0

    def extend(self, other: Cell) -> None:
        self.text = f"{self.text} {other.text}"
        self.right = max(self.right, other.right)

    @property
    def centre(self) -> float:
        return (self.x + self.right) / 2


@dataclass
class Row:
    y: float
    cells: list[Cell] = field(default_factory=list)

    @property
    def text(self) -> str:
        return " ".join(cell.text for cell in self.cells)


def page_cells(page: Any) -> list[Cell]:
    """Every piece of text on a pypdf page with its position, size and font."""
    cells: list[Cell] = []

    def visit(text: str, cm: list[float], tm: list[float], font: Any, size: float) -> None:
        text = " ".join(text.split())
        if not text:
            return
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        scale = abs(tm[3] * cm[3]) or abs(tm[0] * cm[0]) or 1.0
        height = max(float(size) * scale, 1.0)
        name = str(font.get("/BaseFont", "")) if hasattr(font, "get") else ""
        cells.append(Cell(x, y, height, name, text, x + len(text) * height * WIDTH))

    page.extract_text(visitor_text=visit)
    return cells


def rows_of(cells: list[Cell]) -> list[Row]:
    """Pieces on one baseline as rows, top to bottom; pieces far apart as separate cells."""
    rows: list[Row] = []
    for cell in sorted(cells, key=lambda c: (-c.y, c.x)):
        row = rows[-1] if rows else None
        if row is None or abs(row.y - cell.y) > 0.3 * cell.size:
            rows.append(Row(cell.y, [cell]))
            continue
        row.cells.append(cell)
    for row in rows:
        row.cells.sort(key=lambda c: c.x)
        merged: list[Cell] = []
        for cell in row.cells:
            last = merged[-1] if merged else None
            near = last is not None and cell.x - last.right <= 1.5 * max(cell.size, last.size)
            waiting = last is not None and _LABEL_CELL.match(last.text) is not None
            if last is not None and (near or (waiting and not _LABEL_CELL.match(cell.text))):
                last.extend(cell)
            else:
                merged.append(Cell(cell.x, cell.y, cell.size, cell.font, cell.text, cell.right))
        row.cells = merged
    return rows


def _aligned(x: float, columns: list[float], size: float) -> float | None:
    for column in columns:
        if abs(column - x) <= max(6.0, 0.6 * size):
            return column
    return None


def _region(rows: list[Row], start: int) -> int:
    """The end (exclusive) of the block of columns that starts at ``rows[start]``."""
    columns = [cell.x for cell in rows[start].cells]
    end = start + 1
    while end < len(rows):
        row, above = rows[end], rows[end - 1]
        size = max(cell.size for cell in row.cells)
        if above.y - row.y > 4 * size:
            break
        unaligned = [c for c in row.cells if _aligned(c.x, columns, c.size) is None]
        if unaligned and (len(row.cells) < 2 or len(unaligned) == len(row.cells)):
            break
        columns += [cell.x for cell in unaligned]
        end += 1
    return end


def _columns_lines(rows: list[Row]) -> list[str]:
    """A block of columns read column by column; a field-of-study table stays row by row."""
    columns: list[float] = []
    for row in rows:
        for cell in row.cells:
            if _aligned(cell.x, columns, cell.size) is None:
                columns.append(cell.x)
    columns.sort()
    grid: dict[float, list[tuple[int, Cell]]] = {column: [] for column in columns}
    for number, row in enumerate(rows):
        for cell in row.cells:
            grid[_aligned(cell.x, columns, cell.size)].append((number, cell))  # type: ignore[index]
    table: dict[int, str] = {}  # a field cell's id -> its "Field credits" line
    used: set[int] = set()
    for at, left in enumerate(columns):
        head_left = grid[left][:1]
        if not (head_left and _FIELD_HEADER.match(head_left[0][1].text)):
            continue
        # The credits column is the nearest one to the right headed on the same row (a signature
        # or another column's text may sit between them).
        right = next(
            (
                column
                for column in columns[at + 1 :]
                if grid[column][:1]
                and grid[column][0][0] == head_left[0][0]
                and _CREDITS_HEADER.match(grid[column][0][1].text)
            ),
            None,
        )
        if right is None:
            continue
        rights = dict(grid[right])
        for number, cell in grid[left]:
            if number not in rights:
                break
            table[id(cell)] = f"{cell.text} {rights[number].text}"
            used.add(id(rights[number]))
    lines: list[str] = []
    for column in columns:
        for _, cell in grid[column]:
            if id(cell) in used:
                continue
            lines.append(table.get(id(cell), cell.text))
    return lines


def _continues(block: list[Cell], cell: Cell) -> bool:
    """Whether ``cell`` is the next line of the wrapped text ``block`` ends with."""
    last = block[-1]
    if cell.size < FINE_PRINT or abs(cell.size - last.size) > 0.5 or cell.font != last.font:
        return False
    if not 0.9 * cell.size <= last.y - cell.y <= 1.75 * cell.size:
        return False
    if abs(cell.x - last.x) > 3 and abs(cell.centre - last.centre) > 0.1 * 792:
        return False
    if _STARTS_WITH_LABEL.match(cell.text):
        return False
    display = cell.size >= 13
    return display or _OPEN_END.search(last.text) is not None or cell.text[:1].islower()


def layout_lines(cells: list[Cell]) -> list[str]:
    """The page's text as lines in reading order (see the module's description)."""
    rows = rows_of(cells)
    lines: list[str] = []
    block: list[Cell] = []
    index = 0
    while index < len(rows):
        row = rows[index]
        if len(row.cells) >= 2:
            if block:
                lines.append(" ".join(c.text for c in block))
                block = []
            end = _region(rows, index)
            lines += _columns_lines(rows[index:end])
            index = end
            continue
        cell = row.cells[0]
        if block and _continues(block, cell):
            block.append(cell)
        else:
            if block:
                lines.append(" ".join(c.text for c in block))
            block = [cell]
        index += 1
    if block:
        lines.append(" ".join(c.text for c in block))
    return lines
