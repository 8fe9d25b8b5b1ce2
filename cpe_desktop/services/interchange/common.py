"""What the JSON and CSV interchange formats share: summaries, ordering, matching and file writing.

Both formats must agree on what "the same record" is (so re-importing skips it), on the order rows
are written in (so exports are stable and diff well), and on how numbers are written; keeping that
here stops the two formats drifting apart.
"""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from cpe_desktop.db.models import CpeRecord, License, User
from cpe_desktop.services import users as users_service
from cpe_desktop.services.changes import Changes
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.files import write_text

# A badly broken file could produce thousands of errors; the first ones are what a person fixes.
MAX_ERRORS = 50


def _count(number: int, singular: str, plural: str | None = None) -> str:
    return f"{number} {singular if number == 1 else (plural or singular + 's')}"


def _join(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


@dataclass
class SectionCount:
    """What an import did with one section of the people's accounts (``reminders``)."""

    noun: str  # one item, in the summary's sentence ("stored report")
    added: int = 0
    skipped: int = 0  # the person had it already


@dataclass
class ImportSummary:
    """What an import added and skipped, and what the person should look at afterwards."""

    people_added: int = 0
    people_matched: int = 0  # people of the file who already had an account (reused)
    licenses_added: int = 0
    licenses_skipped: int = 0  # already present: same credential, jurisdiction and number
    records_added: int = 0
    records_skipped: int = 0  # already present: same title, completion date and sponsor
    requirements_added: int = 0  # rules added or replacing one with the same key
    requirements_skipped: int = 0  # identical to the rule already there
    # The rest of an account (a JSON document or an account archive); each said only when some.
    credentials_added: int = 0
    custom_fields_added: int = 0
    custom_values_added: int = 0
    certificates_added: int = 0  # certificate files stored for a person
    certificates_linked: int = 0  # records given their certificate
    preferences_added: int = 0
    # A person's owned sections (interchange/sections.SECTIONS) by name, in their order; each
    # also reads as ``<name>_added`` and ``<name>_skipped`` (``summary.reminders_added``).
    sections: dict[str, SectionCount] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    changes: Changes = field(default_factory=Changes)
    records_of: str | None = None  # a records-only import (CSV): whose records, by email

    def section(self, name: str, noun: str) -> SectionCount:
        """The counts of the section ``name``, started at nothing the first time."""
        return self.sections.setdefault(name, SectionCount(noun))

    def __getattr__(self, name: str) -> int:
        # Only for names not found otherwise: ``reminders_added`` is sections["reminders"].added.
        stem, _, what = name.rpartition("_")
        counts = self.__dict__.get("sections", {}).get(stem)
        if counts is None or what not in ("added", "skipped"):
            raise AttributeError(name)
        return getattr(counts, what)

    def describe(self) -> str:
        """One sentence (plus one line per warning) for the command line and the status bar."""
        if self.records_of is not None:
            parts = [f"{_count(self.records_added, 'record')} for {self.records_of}"]
        else:
            parts = [
                _count(self.people_added, "person", "people"),
                _count(self.licenses_added, "license"),
                _count(self.records_added, "record"),
            ]
        if self.requirements_added:
            parts.append(_count(self.requirements_added, "requirement rule"))
        for number, singular in (
            (self.credentials_added, "credential type"),
            (self.custom_fields_added, "custom field"),
            (self.custom_values_added, "custom field value"),
            (self.certificates_added, "certificate"),
            (self.certificates_linked, "certificate link"),
            (self.preferences_added, "setting"),
            *((count.added, count.noun) for count in self.sections.values()),
        ):
            if number:
                parts.append(_count(number, singular))
        skipped = [_count(self.records_skipped, "record")]
        if self.licenses_skipped:
            skipped.append(_count(self.licenses_skipped, "license"))
        if self.requirements_skipped:
            skipped.append(_count(self.requirements_skipped, "requirement rule"))
        skipped.extend(
            _count(count.skipped, count.noun) for count in self.sections.values() if count.skipped
        )
        total = (
            self.records_skipped
            + self.licenses_skipped
            + self.requirements_skipped
            + sum(count.skipped for count in self.sections.values())
        )
        verb = "was" if total == 1 else "were"
        text = f"Imported {_join(parts)}; {_join(skipped)} already present {verb} skipped."
        if self.people_matched:
            had = "already had an account" if self.people_matched == 1 else "already had accounts"
            text += f" {_count(self.people_matched, 'person', 'people')} {had}."
        return "\n".join([text, *(f"warning: {w}" for w in self.warnings)])


@dataclass
class ExportSummary:
    """What an export wrote, and where."""

    path: Path
    format: str
    people: int = 0
    licenses: int = 0
    records: int = 0
    requirements: int = 0
    rows: int | None = None  # CSV: one row per credit line
    certificates: int = 0  # zip: certificate files written beside the document
    changes: Changes = field(default_factory=Changes)
    warnings: list[str] = field(default_factory=list)

    def __init_subclass__(cls, **kwargs: object) -> None:
        # A summary of its own kind (the calendar's) words its own sentence; the warnings (an
        # export's activity note that could not be written) still follow it.
        super().__init_subclass__(**kwargs)
        own = cls.__dict__.get("describe")
        if own is not None:

            def describe(self: ExportSummary) -> str:
                return "\n".join([own(self), *(f"warning: {w}" for w in self.warnings)])

            cls.describe = describe  # type: ignore[method-assign]

    def describe(self) -> str:
        parts = [_count(self.people, "person", "people")]
        if self.format in ("json", "zip"):
            parts.append(_count(self.licenses, "license"))
        parts.append(_count(self.records, "record"))
        if self.requirements:
            parts.append(_count(self.requirements, "requirement rule"))
        if self.format == "zip":
            parts.append(_count(self.certificates, "certificate file"))
        rows = f" ({_count(self.rows, 'row')})" if self.rows is not None else ""
        text = f"Exported {_join(parts)}{rows} to {self.path}."
        return "\n".join([text, *(f"warning: {w}" for w in self.warnings)])


def json_number(value: Decimal | int | float) -> int | float:
    """Credits and hours as JSON numbers: an int when whole (4), else a float (1.5)."""
    number = Decimal(value) if not isinstance(value, Decimal) else value
    return int(number) if number == number.to_integral_value() else float(number)


def text_number(value: Decimal) -> str:
    """Credits as text for a CSV cell: ``4``, ``1.5`` (never ``4.00`` or ``1E+1``)."""
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def iso(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def license_key(license_: License) -> tuple[str, str, str]:
    return (license_.credential.code, license_.jurisdiction, license_.license_number or "")


def record_key(record: CpeRecord) -> tuple[dt.date, str, str, int]:
    return (record.completed_on, record.title, record.sponsor or "", record.record_id)


def people_for_export(ctx: ServiceContext, user_email: str | None) -> list[User]:
    """The people an export covers, by email: one (``--user``) or everyone the actor may see."""
    if user_email is not None:
        return [users_service.find_by_email(ctx, user_email)]
    return sorted(users_service.list_users(ctx), key=lambda user: user.email)


def record_exists(user_id: int, title: str, completed_on: dt.date, sponsor: str | None) -> bool:
    """Whether this person already has the record (same title, completion date and sponsor)."""
    query = CpeRecord.select().where(
        (CpeRecord.user == user_id)
        & (CpeRecord.title == title)
        & (CpeRecord.completed_on == completed_on)
    )
    if sponsor is None:
        query = query.where(CpeRecord.sponsor.is_null())
    else:
        query = query.where(CpeRecord.sponsor == sponsor)
    return query.exists()


def license_exists(
    user_id: int, credential_id: int, jurisdiction: str, license_number: str | None
) -> bool:
    """Whether this person already holds the license (same credential, jurisdiction, number)."""
    query = License.select().where(
        (License.user == user_id)
        & (License.credential == credential_id)
        & (License.jurisdiction == jurisdiction)
    )
    if license_number is None:
        query = query.where(License.license_number.is_null())
    else:
        query = query.where(License.license_number == license_number)
    return query.exists()


def raise_collected(errors: dict[str, str]) -> None:
    """Raise the collected problems (at most MAX_ERRORS of them, then a count of the rest)."""
    if not errors:
        return
    shown = dict(list(errors.items())[:MAX_ERRORS])
    if len(errors) > MAX_ERRORS:
        shown["…"] = f"and {len(errors) - MAX_ERRORS} more problems"
    raise ValidationError(shown)


def add_errors(errors: dict[str, str], new: Iterable[tuple[str, str]]) -> None:
    for name, message in new:
        errors.setdefault(name, message)


def write_file(path: Path, text: str, *, encoding: str = "utf-8") -> None:
    """Write ``text`` to ``path`` whole or not at all (a temporary file, then a rename)."""
    write_text(path, text, encoding=encoding)


@contextmanager
def no_cycle_collection() -> Iterator[None]:
    """Python's cycle collector off while a file is read, checked and imported (a decorator too).

    Why: ten thousand rows make some hundred thousand objects that live until the import ends,
    and each of the collector's full passes walks them all, finding nothing (rows, cells and
    values hold no cycles): a quarter of an import's time went to it. Reference counting still
    frees whatever is dropped. Where automatic collection is already off (the window collects on
    its GUI thread, ``ui/gc_guard.py``) this does nothing; otherwise it is switched on again
    after, and collects at its next threshold as before.
    """
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
