"""The plain data the compliance engine reads and returns.

The engine must run without a database or a window (the CLI, reports and tests call it directly),
so services copy what it needs out of the models into these frozen dataclasses, and read the
answer back from ``Evaluation``. Hours are ``Decimal`` throughout so 0.2 + 0.2 + 0.2 is 0.6.
``compliance`` re-exports everything here; import from there.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any, Literal

from cpe_desktop.rules.component_facts import Component, ComponentResult
from cpe_desktop.rules.periods import PERIOD_BASES
from cpe_desktop.rules.wording import shortfall_text

Status = Literal["complete", "on_track", "at_risk", "overdue"]
CapName = Literal["self_study", "nano", "non_technical"]
IssueKind = Literal["no_certificate", "increment", "missing_information", "not_stated"]
# The honest value for history whose delivery method or field of study was never recorded:
# such credits count toward the total only, and the record carries an issue.
NOT_STATED = "Not stated"

# Which years a cycle ends in (ARCHITECTURE.md §4). ``birth_month``: the reporting years of a
# rolling window end on the last day of the holder's birth month (Texas, New Mexico).
CYCLE_ANCHORS: tuple[str, ...] = (
    "issue_year",
    "fixed",
    "birth_year_parity",
    "license_number_parity",
    "annual",
    "holder_supplied",
    "birth_month",
)
# What a new licensee owes in the first period (ARCHITECTURE.md §4).
FIRST_PERIODS: tuple[str, ...] = (
    "full",
    "exempt",
    "prorate",
    "table",
    "ramp",
    "starts_next_period",
)
CARRYOVER_SCOPES: tuple[str, ...] = ("period", "next_year")
RECIPROCITIES: tuple[str, ...] = ("none", "home_state", "home_state_plus_ethics")

_HOUR_FIELDS = (
    "total_hours",
    "ethics_hours",
    "annual_min_hours",
    "max_self_study_hours",
    "max_self_study_pct",
    "max_nano_hours",
    "max_nano_pct",
    "max_non_technical_hours",
    "max_non_technical_pct",
    "technical_min_hours",
    "carryover_max_hours",
)


def _decimal(value: object, name: str) -> Decimal:
    # bool is an int, but True hours is a mistake; floats go through their shortest spelling.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"{name} must be a number, not {type(value).__name__}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite() or number < 0:
        raise ValueError(f"{name} must be a finite number of at least 0, not {value!r}")
    return number


@dataclass(frozen=True)
class Rule:
    """One requirement row (the ``state_requirements`` keys of ARCHITECTURE.md §2); None = no such
    rule.

    Hours may be given as int, str, float or Decimal and are stored as Decimal. ``_pct`` caps are
    percentages of ``total_hours``. ``effective_from`` is carried for the caller, who picks the
    row in force; the engine does not use it.
    """

    period_years: int
    period_basis: str = "calendar"
    total_hours: Decimal | None = None
    ethics_hours: Decimal | None = None
    ethics_period_years: int | None = None
    ethics_state_specific: bool = False
    annual_min_hours: Decimal | None = None
    period_start_month: int | None = None
    cycle_anchor_year: int | None = None
    max_self_study_hours: Decimal | None = None
    max_self_study_pct: Decimal | None = None
    max_nano_hours: Decimal | None = None
    max_nano_pct: Decimal | None = None
    max_non_technical_hours: Decimal | None = None
    max_non_technical_pct: Decimal | None = None
    technical_min_hours: Decimal | None = None
    carryover_max_hours: Decimal | None = None
    effective_from: date | None = None
    # ARCHITECTURE.md §4: None = "fixed" when cycle_anchor_year is set, else "issue_year". The
    # parity offset is 1 where the period ends in the other parity (Kentucky: odd numbers, even
    # years).
    cycle_anchor: str | None = None
    cycle_parity_offset: int = 0
    # ARCHITECTURE.md §4. prorate: hours_per_unit per unit_months held (counts_issue_month: the
    # month of issue counts as a whole one); table: hours by the number of whole unit_months from
    # the period start to the issue date; ramp: the required total of the period containing the
    # issue date (index 0), the next (1), ...; beyond the table the full rule applies.
    # first_period_ethics: ethics asked in a reduced first period (None: the full ethics).
    first_period: str = "full"
    first_period_hours_per_unit: Decimal | None = None
    first_period_unit_months: int | None = None
    first_period_counts_issue_month: bool = False
    first_period_ethics: Decimal | None = None
    first_period_table: tuple[Decimal, ...] = ()
    carryover_scope: str = "period"
    reciprocity: str = "none"
    # ARCHITECTURE.md §4: everything the board asks beyond the headline numbers.
    components: tuple[Component, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "components", tuple(self.components))
        for component in self.components:
            if not isinstance(component, Component):
                raise TypeError("components must be Component values")
        for name, allowed in (
            ("cycle_anchor", CYCLE_ANCHORS),
            ("first_period", FIRST_PERIODS),
            ("carryover_scope", CARRYOVER_SCOPES),
            ("reciprocity", RECIPROCITIES),
        ):
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise ValueError(f"unknown {name} {value!r}; expected {', '.join(allowed)}")
        if self.cycle_parity_offset not in (0, 1):
            raise ValueError("cycle_parity_offset must be 0 or 1")
        for name in ("first_period_hours_per_unit", "first_period_ethics"):
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _decimal(value, name))
        object.__setattr__(
            self,
            "first_period_table",
            tuple(_decimal(v, "first_period_table") for v in self.first_period_table),
        )
        units = self.first_period_unit_months
        if units is not None and (isinstance(units, bool) or not isinstance(units, int)):
            raise TypeError("first_period_unit_months must be a whole number of months")
        if units is not None and not 1 <= units <= 120:
            raise ValueError(f"first_period_unit_months must be 1 to 120, not {units}")
        if self.first_period == "prorate" and (
            self.first_period_hours_per_unit is None or units is None
        ):
            raise ValueError("a prorated first period needs hours_per_unit and unit_months")
        if self.first_period in ("table", "ramp") and not self.first_period_table:
            raise ValueError(f"a {self.first_period} first period needs its table of hours")
        if self.first_period == "table" and units is None:
            raise ValueError("a table first period needs unit_months (3 for quarters)")
        if self.period_basis not in PERIOD_BASES:
            raise ValueError(
                f"unknown period_basis {self.period_basis!r}; expected {', '.join(PERIOD_BASES)}"
            )
        for name in ("period_years", "ethics_period_years"):
            years = getattr(self, name)
            if years is not None and (isinstance(years, bool) or not isinstance(years, int)):
                raise TypeError(f"{name} must be a whole number of years")
            if years is not None and years < 1:
                raise ValueError(f"{name} must be at least 1, not {years}")
        month = self.period_start_month
        if month is not None and not 1 <= month <= 12:
            raise ValueError(f"period_start_month must be 1 to 12, not {month}")
        for name in _HOUR_FIELDS:
            value = getattr(self, name)
            if value is not None:
                object.__setattr__(self, name, _decimal(value, name))


@dataclass(frozen=True)
class LicenseFacts:
    """A license as the engine sees it. ``holder_id`` links it to the holder's records in
    ``evaluate_all``; ``birth_date`` is the holder's (birth-month periods need it)."""

    license_id: int | None
    credential: str
    jurisdiction: str
    issued_on: date | None = None
    period_end_override: date | None = None
    birth_date: date | None = None
    holder_id: int | None = None
    license_number: str | None = None
    # ARCHITECTURE.md §4: nothing that ended before tracked_from is judged (None: everything is);
    # the opening balance counts like a record completed on tracked_from.
    tracked_from: date | None = None
    opening_hours: Decimal = Decimal(0)
    opening_ethics_hours: Decimal = Decimal(0)
    home_jurisdiction: str | None = None
    # ARCHITECTURE.md §4 applies_if: what the holder ticked on the license form ("performs_attest").
    attributes: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        object.__setattr__(self, "attributes", frozenset(self.attributes or ()))
        for name in ("opening_hours", "opening_ethics_hours"):
            value = getattr(self, name)
            object.__setattr__(self, name, _decimal(0 if value is None else value, name))
        if self.opening_ethics_hours > self.opening_hours:
            raise ValueError("opening_ethics_hours is part of opening_hours and cannot exceed it")


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """One completed program (one certificate) with its credits split by field of study.

    ``credits`` is a tuple of ``(field_of_study, credits)``; credits may be given as any number
    and are stored as Decimal. ``title`` only makes issue messages readable. Slots, not a
    dict: a firm has tens of thousands, each read many times by the engine.
    """

    record_id: int
    completed_on: date
    delivery_method: str | None
    ethics_jurisdiction: str | None
    has_certificate: bool
    credits: tuple[tuple[str, Decimal], ...]
    title: str = ""
    started_on: date | None = None  # a multi-day program's first day (completed_on is its last)
    topics: tuple[str, ...] = ()  # course topics the rules name ("California Regulatory Review")

    def __post_init__(self) -> None:
        pairs = tuple(
            (name, value if type(value) is Decimal else _number(value))
            for name, value in self.credits
        )
        object.__setattr__(self, "credits", pairs)
        object.__setattr__(self, "topics", tuple(self.topics or ()))

    @classmethod
    def trusted(
        cls,
        record_id: int,
        completed_on: date,
        delivery_method: str | None,
        ethics_jurisdiction: str | None,
        has_certificate: bool,
        credits: tuple[tuple[str, Decimal], ...],
        title: str = "",
        started_on: date | None = None,
        topics: tuple[str, ...] = (),
    ) -> RecordFacts:
        """A record whose ``credits`` are already ``(str, Decimal)`` pairs and ``topics`` a
        tuple, built without converting them again: a firm's tens of thousands of records read
        from the database are built this way. Equal to the one the constructor would build."""
        record = object.__new__(RecordDraft)
        record.record_id = record_id
        record.completed_on = completed_on
        record.delivery_method = delivery_method
        record.ethics_jurisdiction = ethics_jurisdiction
        record.has_certificate = has_certificate
        record.credits = credits
        record.title = title
        record.started_on = started_on
        record.topics = topics
        record.__class__ = cls  # type: ignore[assignment]
        return record  # type: ignore[return-value]


class RecordDraft:
    """A ``RecordFacts`` being filled in: the same slots, not frozen. Setting its
    ``__class__`` to ``RecordFacts`` once every slot is set makes it one (equal to the one the
    constructor would build), at a fraction of the frozen ``__init__``'s cost (each of its
    fields set through ``object.__setattr__``): how ``RecordFacts.trusted`` and the database
    reads build a firm's records."""

    __slots__ = (
        "record_id",
        "completed_on",
        "delivery_method",
        "ethics_jurisdiction",
        "has_certificate",
        "credits",
        "title",
        "started_on",
        "topics",
    )
    record_id: int
    completed_on: date
    delivery_method: str | None
    ethics_jurisdiction: str | None
    has_certificate: bool
    credits: tuple[tuple[str, Decimal], ...]
    title: str
    started_on: date | None
    topics: tuple[str, ...]


def _number(value: object) -> Decimal:
    # Unlike a rule, a record may hold a wrong (negative, zero) value: it is reported, not refused.
    if isinstance(value, bool) or not isinstance(value, Decimal | int | float | str):
        raise TypeError(f"credits must be a number, not {type(value).__name__}")
    number = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    if not number.is_finite():
        raise ValueError(f"credits must be a finite number, not {value!r}")
    return number


# --- Results -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class YearResult:
    """One year of a period against the annual minimum. ``met`` is None until the year is judged
    (it has ended on or before the as-of date)."""

    year_start: date
    year_end: date
    required: Decimal
    earned: Decimal
    judged: bool
    met: bool | None
    # Excess of the year before carried into this one (``carryover_scope`` = next_year).
    carryover_in: Decimal = Decimal(0)

    @property
    def counted(self) -> Decimal:
        """What counts toward this year's minimum: its own hours plus what it carried in."""
        return self.earned + self.carryover_in


@dataclass(frozen=True)
class CapResult:
    """A cap in force for the period: its limit in hours and the hours it kept from counting."""

    cap: CapName
    limit: Decimal
    dropped: Decimal


@dataclass(frozen=True, slots=True)
class Issue:
    """Something the holder should fix; ``record_id`` is None for a license-level issue.
    (Slots: a firm's records have thousands.)

    A record's issue may be worded only when its ``message`` is first read: built (as an
    ``IssueDraft``) with ``message`` left unset and ``_words`` the function and arguments that
    word it. A firm's evaluation finds thousands of records without a certificate, and a window
    shows a few of them; read, compared, hashed, printed or copied, such an issue is the one
    built with its message."""

    kind: IssueKind
    record_id: int | None
    message: str
    # For missing_information: the fact to ask for ("period_end", "birth_date", "issue_date",
    # "license_number", "fiscal_start_month", "home_license"), so the UI can offer the action.
    missing: str | None = None
    # (function, *arguments) giving ``message`` when it was left unset; None once worded.
    _words: tuple[Any, ...] | None = field(default=None, init=False, repr=False, compare=False)

    def __getattr__(self, name: str) -> Any:
        # Only reached for an unset slot: a message left to be worded when first read.
        words = object.__getattribute__(self, "_words") if name == "message" else None
        if words is None:
            raise AttributeError(name)
        make, *arguments = words
        message = make(*arguments)
        object.__setattr__(self, "message", message)
        object.__setattr__(self, "_words", None)
        return message


class IssueDraft:
    """An ``Issue`` being filled in, as ``RecordDraft`` is a ``RecordFacts``: the same slots,
    made an ``Issue`` by setting its ``__class__`` once every slot is set (``message`` may be
    left unset for ``_words`` to give it: see ``Issue``)."""

    __slots__ = ("kind", "record_id", "message", "missing", "_words")
    kind: IssueKind
    record_id: int | None
    message: str
    missing: str | None
    _words: tuple[Any, ...] | None


@dataclass(frozen=True)
class PreviousResult:
    """How the previous period ended, for the ``overdue`` status.

    ``shortfall_*`` is what was missing when it ended; ``outstanding_*`` is what the current
    period has not yet made up of that (ethics against the previous and current ethics periods).
    """

    period_start: date
    period_end: date
    shortfall_total: Decimal
    shortfall_ethics: Decimal
    shortfall_technical: Decimal
    outstanding_total: Decimal
    outstanding_ethics: Decimal
    outstanding_technical: Decimal

    @property
    def made_up(self) -> bool:
        return not (self.outstanding_total or self.outstanding_ethics or self.outstanding_technical)


@dataclass(frozen=True)
class FirstPeriod:
    """What a new licensee owes in the current period when the board reduces it (ARCHITECTURE.md
    §4).

    ``kind`` is the rule's ``first_period``; ``required_total``/``required_ethics`` replace the
    rule's for this period; ``description`` says it in a few words ("prorated, 40 h").
    """

    kind: str
    required_total: Decimal | None
    required_ethics: Decimal | None
    description: str


@dataclass(frozen=True)
class Evaluation:
    """The compliance of one license as of one date (ARCHITECTURE.md §4).

    ``required_*`` is None where the rule sets no such requirement. ``earned_total`` is every
    credit in the period up to the as-of date; ``counted_total`` what the caps let count plus
    ``carryover_in``. Ethics is counted over the ethics period, which may differ from the
    reporting period. ``days_left`` counts the days after ``as_of`` up to the period end.
    """

    license_id: int | None
    as_of: date
    period_start: date
    period_end: date
    ethics_period_start: date
    ethics_period_end: date
    status: Status
    required_total: Decimal | None
    earned_total: Decimal
    counted_total: Decimal
    carryover_in: Decimal
    required_ethics: Decimal | None
    counted_ethics: Decimal
    required_technical: Decimal | None
    counted_technical: Decimal
    shortfall_total: Decimal
    shortfall_ethics: Decimal
    shortfall_technical: Decimal
    days_left: int
    ethics_days_left: int
    ethics_jurisdiction: str | None = None
    annual: tuple[YearResult, ...] = ()
    caps: tuple[CapResult, ...] = ()
    previous: PreviousResult | None = None
    issues: tuple[Issue, ...] = ()
    counted_records: tuple[int, ...] = field(default=())
    # ARCHITECTURE.md §4: the date tracking starts (None: judged from the beginning) and the opening
    # balance included in counted_total / counted_ethics.
    tracked_from: date | None = None
    opening_hours: Decimal = Decimal(0)
    opening_ethics_hours: Decimal = Decimal(0)
    # ARCHITECTURE.md §4: set when the current period is a reduced first period.
    first_period: FirstPeriod | None = None
    # ARCHITECTURE.md §4: the home jurisdiction whose license satisfies this one ("met through
    # ...").
    met_through: str | None = None
    # The period is a stand-in: a fact it needs is missing (a missing_information issue says
    # which). No deadline is known, so nothing warns about one.
    period_guessed: bool = False
    # ARCHITECTURE.md §4: every applicable component, judged; most missing first.
    components: tuple[ComponentResult, ...] = ()

    def headline(self) -> str:
        """The one plain sentence first (ARCHITECTURE.md §4): what is needed by when."""
        from cpe_desktop.rules.wording import headline

        return headline(self)

    def shortfall_text(self) -> str:
        """What is missing and by when, in plain language (e.g. "12.5 more hours by
        31 Dec 2026, 2 of them ethics (Texas-approved)")."""
        return shortfall_text(self)


__all__ = [
    "CapName",
    "CapResult",
    "CARRYOVER_SCOPES",
    "CYCLE_ANCHORS",
    "FIRST_PERIODS",
    "RECIPROCITIES",
    "Evaluation",
    "FirstPeriod",
    "Issue",
    "IssueKind",
    "LicenseFacts",
    "PreviousResult",
    "RecordFacts",
    "Rule",
    "Status",
    "YearResult",
]
