"""Scoring the certificate reader on the corpus: right / wrong / empty per field.

A certificate's truth file names the values a careful reader takes from it; a value the reader
proposes is right when it equals the truth, wrong otherwise (also when the certificate does not
print that element at all), and empty when the reader proposes nothing. Used by the suite
(``tests/services/certificates/test_certificate_corpus.py``) and by
``tests/benchmarks/score_certificate_corpus.py``.
"""

from __future__ import annotations

import datetime as dt
import inspect
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from tests.certificate_corpus import layouts, layouts_forms
from tests.certificate_holdout import layouts as holdout_layouts
from tests.helpers.certificate_pdfs import pdf_bytes

HERE = Path(__file__).resolve().parent
TRUTH = HERE / "truth"
Layouts = dict[str, Callable[[dict[str, Any]], list]]


def _layouts(*modules: Any) -> Layouts:
    return {
        name: function
        for module in modules
        for name, function in vars(module).items()
        if callable(function)
        and not name.startswith("_")
        and function.__module__ == module.__name__
    }


LAYOUTS = _layouts(layouts, layouts_forms)
FIELDS = ("title", "sponsor", "sponsor_id", "completed_on", "credits", "fields", "delivery_method")


@dataclass(frozen=True)
class Corpus:
    """A folder of truth files and the layouts that draw them."""

    truth: Path
    layouts: Layouts


CORPORA = {
    "corpus": Corpus(TRUTH, LAYOUTS),  # written with the reader
    "holdout": Corpus(HERE.parent / "certificate_holdout" / "truth", _layouts(holdout_layouts)),
}


def truths(corpus: Corpus = CORPORA["corpus"]) -> dict[str, dict[str, Any]]:
    """Every certificate's truth file, by name."""
    return {p.stem: json.loads(p.read_text("utf-8")) for p in sorted(corpus.truth.glob("*.json"))}


def render(truth: dict[str, Any], corpus: Corpus = CORPORA["corpus"]) -> bytes:
    return pdf_bytes(tuple(corpus.layouts[truth["layout"]](truth)))


def write_all(folder: Path, corpus: Corpus = CORPORA["corpus"]) -> dict[str, Path]:
    """The corpus's PDFs written into ``folder``, by name."""
    paths = {}
    for name, truth in truths(corpus).items():
        paths[name] = folder / f"{name}.pdf"
        paths[name].write_bytes(render(truth, corpus))
    return paths


def expected_value(truth: dict[str, Any], key: str) -> Any:
    value = truth["expected"].get(key)
    if value is None:
        return None
    if key == "completed_on":
        return dt.date.fromisoformat(value)
    if key == "credits":
        return Decimal(value)
    if key == "fields":
        return frozenset((f, None if c is None else Decimal(c)) for f, c in value)
    return value


def read_value(facts: Any, key: str) -> Any:
    if key == "fields":
        return frozenset((f.value.field, f.value.credits) for f in facts.fields) or None
    fact = getattr(facts, key)
    if fact is None:
        return None
    return " ".join(fact.value.split()) if isinstance(fact.value, str) else fact.value


@dataclass
class Outcome:
    name: str
    verdicts: dict[str, str] = field(default_factory=dict)  # field -> right / wrong / empty
    details: dict[str, tuple[Any, Any]] = field(default_factory=dict)  # field -> (truth, read)

    def printed(self) -> int:
        return sum(1 for v in self.verdicts.values() if v != "absent")

    def count(self, verdict: str) -> int:
        return sum(1 for v in self.verdicts.values() if v == verdict)


def reader() -> Callable[[Path, str], Any]:
    """The program's reader, given the participant's name where it takes one."""
    from cpe_desktop.services.certificates.text import read_certificate

    if "person" in inspect.signature(read_certificate).parameters:
        return lambda path, person: read_certificate(path, person=person)
    return lambda path, person: read_certificate(path)


def score(
    folder: Path,
    read: Callable[[Path, str], Any] | None = None,
    corpus: Corpus = CORPORA["corpus"],
) -> list[Outcome]:
    read = read or reader()
    outcomes = []
    for name, path in write_all(folder, corpus).items():
        truth = json.loads((corpus.truth / f"{name}.json").read_text("utf-8"))
        facts = read(path, truth["participant"])
        outcome = Outcome(name)
        for key in FIELDS:
            want, got = expected_value(truth, key), read_value(facts, key)
            if got is None:
                verdict = "empty" if want is not None else "absent"
            else:
                verdict = "right" if got == want else "wrong"
            outcome.verdicts[key] = verdict
            outcome.details[key] = (want, got)
        outcomes.append(outcome)
    return outcomes


def table_text(outcomes: list[Outcome], details: bool = True) -> str:
    rows = [f"{'field':<16}{'right':>7}{'wrong':>7}{'empty':>7}"]
    totals = {"right": 0, "wrong": 0, "empty": 0}
    for key in FIELDS:
        counts = {v: sum(o.verdicts[key] == v for o in outcomes) for v in totals}
        for v in totals:
            totals[v] += counts[v]
        rows.append(f"{key:<16}{counts['right']:>7}{counts['wrong']:>7}{counts['empty']:>7}")
    rows.append(f"{'total':<16}{totals['right']:>7}{totals['wrong']:>7}{totals['empty']:>7}")
    printed = sum(o.printed() for o in outcomes)
    rows.append(f"{len(outcomes)} certificates, {printed} fields printed")
    if details:
        for o in outcomes:
            for key, verdict in o.verdicts.items():
                if verdict in ("wrong", "empty"):
                    want, got = o.details[key]
                    rows.append(f"  {o.name} {key}: {verdict}: truth {want!r}, read {got!r}")
    return "\n".join(rows)
