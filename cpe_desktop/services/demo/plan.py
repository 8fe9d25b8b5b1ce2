"""The records a demo person took, planned from their profile before anything is written.

Pure: a :class:`random.Random` and the as-of date in, :class:`PlannedRecord` values out, so the
same seed plans the same years. Each calendar year a person takes the courses their licenses ask
for every year (their state's ethics, a general ethics course, California's Regulatory Review,
Illinois' harassment prevention), then programs of their own choosing: enough hours, with a
margin, by the end of September, and a few more late in the year. A profile changes the pace:

- ``diligent``: that every year; on track or complete.
- ``behind``: since their last Texas renewal (the end of their birth month a year ago) a sixth
  of it; the license's three years end next month short: at risk.
- ``lapsed``: a quarter of it last year and nothing this year: last year's shortfall is not
  made up, so overdue.
- ``new``: hired about twenty months ago; licensed six months later; diligent since.
"""

from __future__ import annotations

import calendar
import datetime as dt
import math
import random
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from cpe_desktop.services.demo import catalog
from cpe_desktop.services.demo.catalog import (
    BEHIND,
    DILIGENT,
    LAPSED,
    NEW,
    EthicsCourse,
    PersonTemplate,
    Sponsor,
)

HALF = Decimal("0.5")
YEARS_BACK = 4  # history starts on 1 January four years before the as-of year
CORE_END = (9, 30)  # a year's required hours are done by the end of September
EXTRA_WINDOW = ((10, 1), (12, 10))
MAX_CREDITS = Decimal(40)  # a five-day program (8 a day)


@dataclass(frozen=True)
class PlannedRecord:
    title: str
    sponsor: str
    sponsor_id: str | None
    started_on: dt.date | None
    completed_on: dt.date
    delivery_method: str
    credits: tuple[tuple[str, Decimal], ...]
    ethics_jurisdiction: str | None = None
    topics: tuple[str, ...] = ()
    notes: str | None = None
    certificate: bool = False
    cost: Decimal | None = None  # what the firm paid (a custom field)

    def data(self, user_id: int | None) -> dict[str, object]:
        """The record as the record services take it (``user_id`` None: without the owner)."""
        values: dict[str, object] = {
            "title": self.title,
            "sponsor": self.sponsor,
            "sponsor_id": self.sponsor_id,
            "completed_on": self.completed_on.isoformat(),
            "delivery_method": self.delivery_method,
            "credits": [{"field": f, "credits": str(c)} for f, c in self.credits],
        }
        if user_id is not None:
            values["user_id"] = user_id
        if self.started_on is not None:
            values["started_on"] = self.started_on.isoformat()
        if self.ethics_jurisdiction:
            values["ethics_jurisdiction"] = self.ethics_jurisdiction
        if self.topics:
            values["topics"] = list(self.topics)
        if self.notes:
            values["notes"] = self.notes
        return values


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def birth_month_for(person: PersonTemplate, as_of: dt.date, rng: random.Random) -> int:
    """A ``behind`` person's Texas renewal falls at the end of next month; others' at random."""
    if person.profile == BEHIND:
        return as_of.month % 12 + 1
    return rng.randint(1, 12)


def history_start(person: PersonTemplate, as_of: dt.date) -> dt.date:
    if person.profile == NEW:
        return _months_before(as_of, 20)
    return dt.date(as_of.year - YEARS_BACK, 1, 1)


def _months_before(day: dt.date, months: int) -> dt.date:
    total = day.year * 12 + day.month - 1 - months
    year, month = divmod(total, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def issued_on(person: PersonTemplate, as_of: dt.date, rng: random.Random) -> dt.date:
    if person.profile == NEW:
        return _months_before(as_of, 14)
    first = max(person.birth_year + 24, 1995)
    year = rng.randint(first, max(first, as_of.year - YEARS_BACK - 1))
    return dt.date(year, rng.randint(1, 12), rng.randint(1, 28))


def pace(person: PersonTemplate, day: dt.date, as_of: dt.date, birth_month: int) -> float:
    """How much of their usual CPE the person keeps up around ``day``."""
    if person.profile == BEHIND:
        last_renewal = month_end(as_of.year - (1 if birth_month > as_of.month else 0), birth_month)
        return 1.0 if day <= last_renewal else 1 / 6
    if person.profile == LAPSED:
        if day.year < as_of.year - 1:
            return 1.0
        return 1 / 4 if day.year == as_of.year - 1 else 0.0
    return 1.0


def yearly_courses(person: PersonTemplate) -> list[EthicsCourse]:
    """What the person's licenses ask for every year, once each."""
    found: list[EthicsCourse] = []
    general = False
    for lic in person.licenses:
        course = catalog.STATE_ETHICS.get(lic.jurisdiction) if lic.credential == "CPA" else None
        if course is not None:
            if course not in found:
                found.append(course)
        else:
            general = True
        topic = catalog.TOPIC_COURSES.get(lic.jurisdiction) if lic.credential == "CPA" else None
        if topic is not None and topic not in found:
            found.append(topic)
    if general:
        found.append(catalog.GENERAL_ETHICS)
    return found


def _pick(rng: random.Random, weighted: Sequence[tuple[int, str]], focus: Sequence[str]) -> str:
    names = [name for _, name in weighted]
    weights = [weight * (3 if name in focus else 1) for weight, name in weighted]
    return rng.choices(names, weights)[0]


def _day_in(rng: random.Random, low: dt.date, high: dt.date) -> dt.date:
    day = low + dt.timedelta(days=rng.randint(0, max(0, (high - low).days)))
    if day.weekday() >= 5:  # programs run on weekdays
        day -= dt.timedelta(days=day.weekday() - 4)
    return max(day, low)


def _split(rng: random.Random, hours: Decimal, parts: int) -> list[Decimal]:
    """``hours`` in ``parts`` amounts of at least 1, in half hours, adding up (about) to it."""
    weights = [rng.uniform(0.5, 1.5) for _ in range(parts)]
    scale = float(hours) / sum(weights)
    amounts = [
        max(Decimal(1), (Decimal(str(w * scale)) / HALF).to_integral_value() * HALF)
        for w in weights
    ]
    return [min(amount, MAX_CREDITS) for amount in amounts]


class Planner:
    """Plans one person's records (see the module docstring)."""

    def __init__(
        self,
        rng: random.Random,
        person: PersonTemplate,
        as_of: dt.date,
        records_per_user: int,
        birth_month: int,
        *,
        max_certificates: int,
    ) -> None:
        self.rng = rng
        self.person = person
        self.as_of = as_of
        self.birth_month = birth_month
        self.start = history_start(person, as_of)
        self.max_certificates = max_certificates
        self.yearly = yearly_courses(person)
        need = max(catalog.YEARLY_HOURS.get(lic.credential, 40) for lic in person.licenses)
        margin = {DILIGENT: rng.uniform(1.15, 1.3), BEHIND: 1.2}.get(person.profile, 1.2)
        self.target = Decimal(str(round(need * margin * 2) / 2))
        years = range(self.start.year, as_of.year + 1)
        elapsed = sum(self._share(year, clip=True) for year in years)
        self.per_year = {
            year: max(1, round(records_per_user * self._share(year) / max(elapsed, 0.1)))
            for year in years
        }
        self.seen: set[tuple[str, dt.date]] = set()

    def _share(self, year: int, *, clip: bool = False) -> float:
        """The part of the year's programs season (8 January to 10 December) the person was
        with the firm (and, ``clip``, that has passed)."""
        low = max(dt.date(year, 1, 8), self.start)
        high = dt.date(year, 12, 10)
        if clip:
            high = min(high, self.as_of)
        return max(0, (high - low).days + 1) / 337

    def plan(self) -> list[PlannedRecord]:
        made: list[PlannedRecord] = []
        for year in sorted(self.per_year):
            made.extend(self._year(year))
        made.sort(key=lambda record: (record.completed_on, record.title))
        kept: list[PlannedRecord] = []
        slowed: dict[int, Decimal] = {}  # hours kept per year where the pace is down
        for record in made:
            if record.completed_on > self.as_of:
                continue
            share = pace(self.person, record.completed_on, self.as_of, self.birth_month)
            if share < 1:
                year = record.completed_on.year
                hours = sum((amount for _, amount in record.credits), Decimal(0))
                spent = slowed.get(year, Decimal(0))
                if self.rng.random() < 0.5 or spent + hours > self.target * Decimal(share):
                    continue
                slowed[year] = spent + hours
            kept.append(record)
        kept.sort(key=lambda record: (record.completed_on, record.title))
        return self._certify(kept)

    def _year(self, year: int) -> list[PlannedRecord]:
        rng = self.rng
        low = max(dt.date(year, 1, 8), self.start)
        core_end = dt.date(year, *CORE_END)
        extra_low = max(dt.date(year, *EXTRA_WINDOW[0]), low)
        extra_high = dt.date(year, *EXTRA_WINDOW[1])
        share = max(0.0, ((dt.date(year, 12, 31) - low).days + 1) / 365)
        target = (self.target * Decimal(str(min(1.0, share))) / HALF).to_integral_value() * HALF
        courses = list(self.yearly) if low <= core_end else []
        required = sum((Decimal(course.hours) for course in courses), Decimal(0))
        count = self.per_year[year] - len(courses)
        extras = max(1, round(count * 0.12)) if count >= 4 else 0
        core = max(1, count - extras)
        free = max(Decimal(0), target - required)
        if low > core_end:  # joined late in the year: what there is goes into the autumn
            core, extras = 0, max(1, count)
        amounts: list[Decimal] = []
        if core:
            if free / core < Decimal("1.5"):
                if self.person.profile in (BEHIND, LAPSED):
                    core = max(1, int(free / 2))
                else:
                    free = Decimal(core) * Decimal(rng.choice(("1.5", "2", "2.5", "3")))
            amounts = _split(rng, free, core)
        # The season's programs spread over it, one in each stretch of it, in a random order.
        slots: list[EthicsCourse | Decimal] = [*courses, *amounts]
        rng.shuffle(slots)
        made: list[PlannedRecord] = []
        used: set[str] = set()
        for index, slot in enumerate(slots):
            span = (core_end - low).days + 1
            first = low + dt.timedelta(days=span * index // len(slots))
            last = low + dt.timedelta(days=max(0, span * (index + 1) // len(slots) - 1))
            day = _day_in(rng, first, last)
            if isinstance(slot, EthicsCourse):
                made.append(self._course(slot, day))
            else:
                made.append(self._program(year, slot, day, used=used))
        for _ in range(extras):
            amount = Decimal(rng.choice(("1", "1.5", "2", "3", "4")))
            made.append(
                self._program(
                    year, amount, _day_in(rng, extra_low, extra_high), nano_chance=0.25, used=used
                )
            )
        if self.person.role == "admin" and year == self.as_of.year - 2:
            made.append(self._instructor(year))
        return made

    def _unique(self, title: str, day: dt.date) -> dt.date:
        while (title, day) in self.seen:
            day += dt.timedelta(days=1)
        self.seen.add((title, day))
        return day

    def _course(self, course: EthicsCourse, day: dt.date) -> PlannedRecord:
        method = self.rng.choice(("Group Internet Based", "QAS Self Study"))
        title = course.title
        return PlannedRecord(
            title=title,
            sponsor=course.sponsor.name,
            sponsor_id=course.sponsor.sponsor_id,
            started_on=None,
            completed_on=self._unique(title, day),
            delivery_method=method,
            credits=((course.field, Decimal(course.hours)),),
            ethics_jurisdiction=course.jurisdiction,
            topics=course.topics,
        )

    def _sponsor(self) -> Sponsor:
        states = [
            lic.jurisdiction
            for lic in self.person.licenses
            if lic.jurisdiction in catalog.STATE_SPONSORS
        ]
        if states and self.rng.random() < 0.25:
            return catalog.STATE_SPONSORS[self.rng.choice(states)]
        return self.rng.choice(catalog.SPONSORS)

    def _fresh(self, options: Sequence[str], year: int, used: set[str]) -> str:
        """One of ``options`` (for ``year``) not yet taken this year when there is one."""
        titles = [option.format(year=year) for option in options]
        left = [title for title in titles if title not in used] or titles
        title = self.rng.choice(left)
        used.add(title)
        return title

    def _program(
        self,
        year: int,
        amount: Decimal,
        day: dt.date,
        *,
        used: set[str],
        nano_chance: float = 0.0,
    ) -> PlannedRecord:
        rng = self.rng
        sponsor = self._sponsor()
        if nano_chance and rng.random() < nano_chance:
            title = rng.choice(catalog.NANO_TITLES)
            field = "Taxes" if "1099" in title else "Auditing"
            credits: tuple[tuple[str, Decimal], ...] = (
                (field, Decimal(rng.choice(("0.2", "0.4", "0.6")))),
            )
            return PlannedRecord(
                title,
                sponsor.name,
                sponsor.sponsor_id,
                None,
                self._unique(title, day),
                "Nano Learning",
                credits,
            )
        if amount > 8:
            title = self._fresh([name for name, _ in catalog.CONFERENCES], year, used)
            fields = dict((n.format(year=year), f) for n, f in catalog.CONFERENCES)[title]
            fields = fields[: 2 if amount < 16 else 3]
            split = _split(rng, amount, len(fields))
            credits = tuple(sorted(zip(fields, split, strict=True)))
            days = math.ceil(sum(split) / 8)
            completed = self._unique(title, day)
            started = completed - dt.timedelta(days=days - 1)
            return PlannedRecord(
                title, sponsor.name, sponsor.sponsor_id, started, completed, "Group Live", credits
            )
        field = _pick(rng, catalog.FIELD_WEIGHTS, self.person.focus)
        if field == "Personal Development" and any(
            lic.jurisdiction == "New York" for lic in self.person.licenses
        ):
            field = "Communications and Marketing"  # New York does not count it
        title = self._fresh(catalog.TITLES[field], year, used)
        method = _pick(rng, catalog.DELIVERY_WEIGHTS, ())
        return PlannedRecord(
            title,
            sponsor.name,
            sponsor.sponsor_id,
            None,
            self._unique(title, day),
            method,
            ((field, amount),),
        )

    def _instructor(self, year: int) -> PlannedRecord:
        title = "Instructor: Firm Audit Methodology Training"
        day = self._unique(title, _day_in(self.rng, dt.date(year, 6, 1), dt.date(year, 6, 20)))
        return PlannedRecord(
            title,
            catalog.FIRM,
            None,
            day - dt.timedelta(days=1),
            day,
            "Instructor",
            (("Auditing", Decimal(4)),),
            notes="Taught two sessions of the firm's summer training.",
        )

    def _certify(self, records: list[PlannedRecord]) -> list[PlannedRecord]:
        """Certificates for most recent records and some older ones (newest first, up to the
        cap); a note on some of those without one."""
        rng = self.rng
        recent = dt.date(self.as_of.year - 3, self.as_of.month, 1)
        given = 0
        chosen: set[int] = set()
        for index in range(len(records) - 1, -1, -1):
            record = records[index]
            if record.delivery_method == "Instructor":
                continue
            chance = 0.7 if record.completed_on >= recent else 0.3
            if given < self.max_certificates and rng.random() < chance:
                chosen.add(index)
                given += 1
        out = []
        for index, record in enumerate(records):
            total = sum((c for _, c in record.credits), Decimal(0))
            if index in chosen:
                cost = (total * Decimal(rng.randint(25, 55))).quantize(Decimal(1))
                out.append(replace(record, certificate=True, cost=cost))
            elif record.notes is None and rng.random() < 0.3:
                out.append(replace(record, notes=catalog.MISSING_CERTIFICATE_NOTE))
            elif record.notes is None and rng.random() < 0.15:
                out.append(replace(record, notes=rng.choice(catalog.NOTES)))
            else:
                out.append(record)
        return out
