"""Score the importer on the corpus: per layout, records right / wrong / not imported.

Each file is read as the program sets the import up, with no help: ``read_table`` (the sheet
and header row it picks itself), ``guess_columns`` on the headings and cells it found, and
``preview``
with the constants the truth file says a person would type once (a sponsor named only in a
title row) when ``preview`` accepts constants. The records the preview would import (with "import
the good records" when some rows have problems) are then compared with the truth:

- right: a truth record with the same title, completion date, first day, sponsor, delivery
  method and credits by field of study;
- wrong: a proposed record that differs from the truth record with its title and date, or that
  matches none (the importer must never propose one);
- not imported: a truth record with no proposed record.

Columns guessed: of the truth's ``columns`` (field -> heading), those the guess maps to a
heading that reads the same (compared after normalising).
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from cpe_desktop.db.models import User
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.interchange import mapped_import
from cpe_desktop.services.interchange.mapping import guess_columns, normalise_heading
from cpe_desktop.services.interchange.tabular import read_table

CORPUS = Path(__file__).resolve().parent


@dataclass
class LayoutScore:
    """How one file of the corpus imports today."""

    file: str
    layout: str
    truth: int
    right: int = 0
    wrong: int = 0
    not_imported: int = 0
    columns_right: int = 0
    columns_expected: int = 0
    problems: list[str] = field(default_factory=list)  # why records were not proposed
    wrong_details: list[str] = field(default_factory=list)

    def row(self) -> str:
        return (
            f"{self.file:38} {self.right:>5} {self.wrong:>5} {self.not_imported:>8} "
            f"{self.truth:>5}   {self.columns_right:>2}/{self.columns_expected:<2}"
        )


def truth_files(folder: Path = CORPUS) -> list[Path]:
    return sorted(folder.glob("*.truth.json"))


def load_truth(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def score_corpus(ctx: ServiceContext, user: User, folder: Path = CORPUS) -> list[LayoutScore]:
    return [score_file(ctx, user, path, folder) for path in truth_files(folder)]


def score_file(ctx: ServiceContext, user: User, truth_path: Path, folder: Path = CORPUS):
    truth = load_truth(truth_path)
    expected = [_truth_record(record) for record in truth["records"]]
    score = LayoutScore(truth["file"], truth["layout"], len(expected))
    score.columns_expected = len(truth["columns"])
    try:
        table = read_table(folder / truth["file"])
    except Exception as error:
        score.problems.append(f"not read: {error}")
        score.not_imported = len(expected)
        return score
    mapping = guess_columns(table)
    wanted = {name: normalise_heading(heading) for name, heading in truth["columns"].items()}
    for name, heading in wanted.items():
        index = mapping.get(name)
        if index is not None and normalise_heading(str(table.headers[index])) == heading:
            score.columns_right += 1
    proposed = _proposed(ctx, user, table, mapping, truth.get("constants") or {}, score)
    _compare(score, expected, proposed)
    return score


def _proposed(ctx, user, table, mapping, constants, score) -> list[dict[str, Any]]:
    options: dict[str, Any] = {}
    if constants and "constants" in inspect.signature(mapped_import.preview).parameters:
        options["constants"] = constants
    try:
        result = mapped_import.preview(ctx, table, mapping, user, **options)
    except Exception as error:
        score.problems.append(f"preview failed: {error}")
        return []
    for error in result.errors[:3]:
        score.problems.append(f"{error.where}: {error.message}")
    if len(result.errors) > 3:
        score.problems.append(f"and {len(result.errors) - 3} more problems")
    # What "import the good records" would store: every record whose rows have no problem (all
    # of them when the file has none); a row with a problem is not imported, never guessed.
    return [_proposed_record(record.values, constants) for record in result.importable]


def _truth_record(record: dict[str, Any]) -> dict[str, Any]:
    completed = dt.date.fromisoformat(record["completed_on"])
    started = record.get("started_on")
    return {
        "title": record["title"].strip(),
        "completed_on": completed,
        "started_on": dt.date.fromisoformat(started) if started else None,
        "sponsor": record["sponsor"].strip(),
        "delivery_method": record["delivery_method"],
        "credits": _credits((f, Decimal(c)) for f, c in record["credits"].items()),
    }


def _proposed_record(values: dict[str, Any], constants: dict[str, str]) -> dict[str, Any]:
    completed = values.get("completed_on")
    started = values.get("started_on")
    if started == completed:
        started = None
    lines = values.get("credits") or []
    return {
        "title": str(values.get("title") or "").strip(),
        "completed_on": completed,
        "started_on": started,
        "sponsor": str(values.get("sponsor") or constants.get("sponsor") or "").strip(),
        "delivery_method": values.get("delivery_method") or "",
        "credits": _credits((line["field"], Decimal(str(line["credits"]))) for line in lines),
    }


def _credits(lines: Iterable[tuple[str, Decimal]]) -> dict[str, Decimal]:
    found: dict[str, Decimal] = {}
    for name, credits in lines:
        found[name] = found.get(name, Decimal(0)) + credits
    return {name: amount.normalize() for name, amount in sorted(found.items())}


def _compare(score: LayoutScore, expected, proposed) -> None:
    unmatched = list(expected)
    for record in proposed:
        twin = next(
            (
                t
                for t in unmatched
                if t["title"].casefold() == record["title"].casefold()
                and t["completed_on"] == record["completed_on"]
            ),
            None,
        )
        if twin is None:
            score.wrong += 1
            score.wrong_details.append(f"not in the truth: {record}")
            continue
        unmatched.remove(twin)
        differences = [name for name in twin if twin[name] != record[name]]
        if differences:
            score.wrong += 1
            score.wrong_details.append(
                f"{twin['title']}: "
                + "; ".join(f"{n} {record[n]!r} (truth {twin[n]!r})" for n in differences)
            )
        else:
            score.right += 1
    score.not_imported = len(unmatched)


HEADER = f"{'file':38} {'right':>5} {'wrong':>5} {'not imp.':>8} {'truth':>5}   columns"


def table_text(scores: list[LayoutScore], details: bool = True) -> str:
    lines = [HEADER]
    lines += [score.row() for score in scores]
    right = sum(s.right for s in scores)
    truth = sum(s.truth for s in scores)
    wrong = sum(s.wrong for s in scores)
    missing = sum(s.not_imported for s in scores)
    columns = sum(s.columns_right for s in scores)
    expected = sum(s.columns_expected for s in scores)
    lines.append(
        f"{'all':38} {right:>5} {wrong:>5} {missing:>8} {truth:>5}   {columns:>2}/{expected:<2}"
        f"   ({100 * right / truth if truth else 0:.0f} % right)"
    )
    if details:
        for score in scores:
            for text in score.wrong_details + score.problems[:4]:
                lines.append(f"  {score.file}: {text}")
    return "\n".join(lines)
