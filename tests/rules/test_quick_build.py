"""``rules.quick_build.builder``: a frozen dataclass's instance built with its ``__dict__`` set
whole is the one its ``__init__`` would build (equal, the same fields in the same order, the
same repr, hash and pickle); classes whose ``__init__`` does more are refused; and what the
engine builds this way is whole."""

from __future__ import annotations

import dataclasses
import pickle
from datetime import date
from decimal import Decimal

import pytest

from cpe_desktop.rules.compliance import Rule, evaluate
from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.facts import (
    CapResult,
    Evaluation,
    Issue,
    LicenseFacts,
    PreviousResult,
    RecordFacts,
    YearResult,
)
from cpe_desktop.rules.quick_build import builder

DAY = date(2024, 6, 30)


def _same(quick: object, plain: object) -> None:
    assert type(quick) is type(plain)
    assert quick == plain
    assert list(vars(quick).items()) == list(vars(plain).items())  # same fields, same order
    assert repr(quick) == repr(plain)
    assert hash(quick) == hash(plain)
    assert pickle.loads(pickle.dumps(quick)) == plain


def test_a_component_result_as_its_init_builds_it():
    make = builder(ComponentResult)
    args = ("min", "Total", Decimal(40), Decimal("12.50"), Decimal(0), None, DAY, DAY)
    _same(make(*args), ComponentResult(*args))  # every default left out
    _same(
        make(*args, headline=True, what="ethics"),
        ComponentResult(*args, headline=True, what="ethics"),
    )
    everything = dict(
        kind="max",
        label="At most 20 h self-study",
        required=Decimal(20),
        counted=Decimal(20),
        dropped=Decimal("3.5"),
        met=True,
        window_start=DAY,
        window_end=DAY,
        alternative="A",
        chosen=True,
        source="rule",
        notes="notes",
        headline=False,
        what="self-study",
    )
    _same(make(**everything), ComponentResult(**everything))
    with pytest.raises(TypeError):
        make("min", "Total")  # a field without a default is still required


def test_a_year_result_as_its_init_builds_it():
    make = builder(YearResult)
    args = (DAY, DAY, Decimal(20), Decimal(12), True, False)
    _same(make(*args), YearResult(*args))
    _same(make(*args, Decimal(3)), YearResult(*args, Decimal(3)))


def test_an_evaluation_as_its_init_builds_it():
    """Every default of ``Evaluation`` (a field(default=...) among them) left out, then all
    given."""
    make = builder(Evaluation)
    needed = {
        field.name: Decimal(index) if "days" not in field.name else index
        for index, field in enumerate(dataclasses.fields(Evaluation))
        if field.default is dataclasses.MISSING
    }
    _same(make(**needed), Evaluation(**needed))
    given = dict(
        needed,
        ethics_jurisdiction="Texas",
        issues=(Issue("no_certificate", 3, "no certificate"),),
        counted_records=(3, 4),
        met_through="Ohio",
        period_guessed=True,
    )
    _same(make(**given), Evaluation(**given))


@pytest.mark.parametrize(
    "cls",
    [
        LicenseFacts,  # __post_init__
        RecordFacts,  # slots and __post_init__
        Issue,  # slots
        dataclasses.make_dataclass("Open", [("a", int)]),  # not frozen
        dataclasses.make_dataclass(
            "Made", [("a", list, dataclasses.field(default_factory=list))], frozen=True
        ),
        dataclasses.make_dataclass(
            "Hidden", [("a", int, dataclasses.field(init=False, default=0))], frozen=True
        ),
        int,
    ],
)
def test_a_class_whose_init_does_more_is_refused(cls):
    with pytest.raises(TypeError):
        builder(cls)


def test_what_the_engine_builds_has_every_field_of_its_class():
    """An evaluation with annual minimums and components: its ``Evaluation``, each
    ``YearResult`` and each ``ComponentResult`` hold every field of their class, in order, and
    equal the same values given to the class itself."""
    rule = Rule(period_years=1, total_hours=Decimal(40), annual_min_hours=Decimal(20))
    license = LicenseFacts(1, "CPA", "Texas", issued_on=date(2010, 1, 1), holder_id=1)
    records = [
        RecordFacts(1, date(2024, 3, 1), "Group Live", None, False, (("Taxes", Decimal(8)),)),
    ]
    result = evaluate(rule, license, records, DAY)
    assert result.annual and result.components
    for made in (result, *result.annual, *result.components):
        cls = type(made)
        names = [field.name for field in dataclasses.fields(cls)]
        assert list(vars(made)) == names
        _same(made, cls(**vars(made)))


def test_a_previous_result_and_a_cap_result_as_their_init_builds_them():
    days = (DAY, DAY)
    hours = tuple(Decimal(n) for n in ("1", "2.5", "0", "3", "0.50", "0"))
    _same(builder(PreviousResult)(*days, *hours), PreviousResult(*days, *hours))
    _same(
        builder(CapResult)("self_study", Decimal(20), Decimal("1.5")),
        CapResult("self_study", Decimal(20), Decimal("1.5")),
    )


def test_what_the_engine_builds_for_the_previous_period_and_caps_is_whole():
    """A license judged on its previous period too, with caps in force: its ``PreviousResult``
    and each ``CapResult`` hold every field of their class, in order, as the class builds them."""
    rule = Rule(
        period_years=1,
        total_hours=Decimal(40),
        max_self_study_hours=Decimal(4),
        max_nano_hours=Decimal(2),
    )
    license = LicenseFacts(1, "CPA", "Texas", issued_on=date(2010, 1, 1), holder_id=1)
    records = [
        RecordFacts(1, date(2023, 3, 1), "QAS Self Study", None, True, (("Taxes", Decimal(8)),)),
        RecordFacts(2, date(2024, 3, 1), "QAS Self Study", None, True, (("Taxes", Decimal(6)),)),
    ]
    result = evaluate(rule, license, records, DAY)
    assert result.previous is not None and len(result.caps) == 2
    for made in (result.previous, *result.caps):
        cls = type(made)
        assert list(vars(made)) == [field.name for field in dataclasses.fields(cls)]
        _same(made, cls(**vars(made)))
