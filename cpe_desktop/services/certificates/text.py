"""What a PDF certificate says about its program, read from its text layer, to pre-fill a record.

People enter a record with the certificate in front of them; most certificates are PDFs with a
text layer that already holds the title, the sponsor and its NASBA registry number, the date, the
credits per field of study and the delivery method. This module reads that text locally with
pypdf (nothing leaves the machine) and picks those facts out of it.

Certificates have no standard layout, so the parsing is deliberately conservative: a fact is
taken only from a label ("Sponsor:", "Field of Study:"), a fixed phrase ("has successfully
completed", "… is registered with NASBA as a sponsor") or a value that cannot mean anything
else, and when two candidates disagree the fact is left empty rather than guessed: a wrong value
is worse than an empty one, the user may not notice it. The lines are rebuilt from where the
text is drawn (``layout``: columns, labels over their values, flattened forms,
wrapped titles), and the participant's name (the signed-in person's, passed in) is never taken
for a title or a sponsor. Every fact keeps the text it came from so the form can show it, and
the user confirms every value before it is saved. A PDF that cannot be read (encrypted,
damaged, a scan without text) gives empty facts with the reason, never an exception.

The corpus in tests/certificate_corpus/ (real sponsors' and platforms' layouts) measures this.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import warnings
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Generic, TypeVar

from pypdf import PasswordType, PdfReader
from pypdf.errors import DependencyError, PdfReadWarning

from cpe_desktop.services.certificates import layout, names, parse, titles

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_PAGES = 4  # a certificate is a page or two; a long PDF is not read to the end
MAX_CHARS = 20_000

NO_TEXT = "the PDF has no text layer (it may be a scanned image); fill the form by hand"
UNREADABLE = "the PDF could not be read (it may be damaged)"
LOCKED = "the PDF is protected by a password, so its text cannot be read"
NOTHING_FOUND = "no certificate details were recognised in its text"
NOT_PDF = "only PDF certificates are read; pictures cannot pre-fill the form"


@dataclass(frozen=True)
class Fact(Generic[T]):
    """One value read from the certificate and the text it was read from."""

    value: T
    source: str


@dataclass(frozen=True)
class FieldCredits:
    """A field of study the certificate lists, with its credits when it states them."""

    field: str
    credits: Decimal | None


@dataclass(frozen=True)
class CertificateFacts:
    """What was recognised; every fact is None (or empty) when not found or not certain."""

    title: Fact[str] | None = None
    sponsor: Fact[str] | None = None
    sponsor_id: Fact[str] | None = None
    completed_on: Fact[dt.date] | None = None
    credits: Fact[Decimal] | None = None
    fields: tuple[Fact[FieldCredits], ...] = ()
    delivery_method: Fact[str] | None = None
    reason: str | None = None  # why there are no facts, for the user

    def is_empty(self) -> bool:
        return not self.found()

    def found(self) -> dict[str, Fact]:
        """The single-valued facts that were recognised, by record field name."""
        names = ("title", "sponsor", "sponsor_id", "completed_on", "credits", "delivery_method")
        found = {name: getattr(self, name) for name in names if getattr(self, name) is not None}
        if self.fields:
            found["fields"] = Fact(self.fields, "\n".join(f.source for f in self.fields))
        return found


def extract_text(
    path: str | os.PathLike[str], *, by_layout: bool = False
) -> tuple[str, str | None]:
    """The text of the PDF's first pages, and None; or "" and the reason nothing was read.

    ``by_layout``: lines in reading order rebuilt from where the text is drawn
    (``layout``), else pypdf's text in the order the PDF draws it.
    """
    try:
        with warnings.catch_warnings():
            # pypdf reports what it repaired in odd files; those files are still read.
            warnings.simplefilter("ignore", PdfReadWarning)
            reader = PdfReader(Path(path), strict=False)
            if reader.is_encrypted:
                try:
                    # Many certificates are locked against editing only: the empty user
                    # password opens them for reading.
                    if reader.decrypt("") == PasswordType.NOT_DECRYPTED:
                        return "", LOCKED
                except DependencyError:
                    return "", LOCKED
            parts: list[str] = []
            for number in range(min(len(reader.pages), MAX_PAGES)):
                parts.append(_page_text(reader.pages[number], by_layout))
                if sum(map(len, parts)) > MAX_CHARS:
                    break
    except Exception as exc:
        # pypdf raises many kinds of error on damaged input (its own, ValueError, KeyError,
        # RecursionError …); none of them may stop the user from attaching the file.
        log.info("certificate text not read from %s: %r", path, exc)
        return "", UNREADABLE
    text = "\n".join(parts)[:MAX_CHARS]
    return (text, None) if text.strip() else ("", NO_TEXT)


def _page_text(page: Any, by_layout: bool) -> str:
    if by_layout:
        try:
            lines = layout.layout_lines(layout.page_cells(page))
        except Exception as exc:
            log.info("certificate layout not rebuilt: %r", exc)
            lines = []
        if lines:
            return "\n".join(lines)
    return page.extract_text() or ""


def _people(person: str | Iterable[str] | None) -> tuple[str, ...]:
    if person is None:
        return ()
    return (person,) if isinstance(person, str) else tuple(person)


def read_certificate(
    path: str | os.PathLike[str], person: str | Iterable[str] | None = None
) -> CertificateFacts:
    """The facts in the certificate at ``path``; empty facts with a reason when there are none.

    ``person``: the participant's name(s) (the signed-in person's), never proposed as a title.
    """
    try:
        with Path(path).open("rb") as handle:
            is_pdf = handle.read(5) == b"%PDF-"
    except OSError as exc:
        return CertificateFacts(reason=f"the file could not be read ({exc.strerror})")
    if not is_pdf:
        return CertificateFacts(reason=NOT_PDF)
    text, reason = extract_text(path, by_layout=True)
    if reason is not None:
        return CertificateFacts(reason=reason)
    return parse_certificate_text(text, person)


def parse_certificate_text(
    text: str, person: str | Iterable[str] | None = None
) -> CertificateFacts:
    """The facts in a certificate's text; never raises, whatever the text. ``person`` as for
    ``read_certificate``."""
    lines = parse.clean_lines(text[:MAX_CHARS])
    people = _people(person)
    fields = parse.find_fields(lines)
    credits = parse.find_credits(lines, skip=frozenset(line for *_, line in fields))
    if credits is not None and fields:
        fields = parse.reconcile(fields, credits)
    participants = (*people, *titles.find_participants(lines))
    sponsor = names.find_sponsor(lines, participants)
    title = titles.find_title(lines, people, sponsor[0] if sponsor else None)
    ignore = tuple(found[0] for found in (title, sponsor) if found is not None)
    facts = CertificateFacts(
        title=_fact(title),
        sponsor=_fact(sponsor),
        sponsor_id=_fact(names.find_sponsor_id(lines)),
        completed_on=_fact(parse.find_date(lines)),
        credits=_fact(credits),
        fields=tuple(Fact(FieldCredits(name, amount), source) for name, amount, source in fields),
        delivery_method=_fact(names.find_delivery_method(lines, ignore)),
    )
    if facts.is_empty():
        return CertificateFacts(reason=NOTHING_FOUND)
    return facts


def _fact(found: tuple[T, str] | None) -> Fact[T] | None:
    return None if found is None else Fact(found[0], found[1])
