"""Next-year carryover (ARCHITECTURE.md §4), reciprocity (ARCHITECTURE.md §4) and the one plain
sentence each card starts with (ARCHITECTURE.md §4), each case worked by hand from the rule it
cites.
"""

from __future__ import annotations

import pytest

from cpe_desktop.rules.compliance import evaluate, evaluate_all
from cpe_desktop.rules.wording import set_day_format
from tests.helpers.compliance_cases import D, H, lic, period_rule, rec

# Michigan (Mich. Admin. Code R 338.5705 as summarised by MICPA): CPE years 1 July-30 June,
# 40 hours a year, up to 40 excess hours of one year carried into the following year.
MICHIGAN = period_rule(
    "fiscal",
    2,
    period_start_month=7,
    cycle_anchor="fixed",
    cycle_anchor_year=2025,
    total_hours=80,
    annual_min_hours=40,
    carryover_max_hours=40,
    carryover_scope="next_year",
)


def test_michigan_excess_of_a_year_counts_toward_the_next_years_minimum():
    """60 hours in Jul 2024-Jun 2025 (20 above the 40 minimum) carry into Jul 2025-Jun 2026,
    where 25 were earned: 25 + 20 = 45 meets the 40. The period (Jul 2025-Jun 2027) counts
    25 + 10 earned + 20 carried in = 55."""
    records = [
        rec("2024-10-01", ("Taxes", "60")),
        rec("2025-10-01", ("Taxes", "25")),
        rec("2026-09-01", ("Taxes", "10")),
    ]
    result = evaluate(MICHIGAN, lic("Michigan", issued="2010-01-01"), records, D("2026-12-05"))
    first, second = result.annual
    assert (first.earned, first.carryover_in, first.met) == (H(25), H(20), True)
    assert (second.earned, second.carryover_in, second.met) == (H(10), H(0), None)
    assert result.carryover_in == H(20)
    assert result.counted_total == H(55)


def test_next_year_carryover_is_capped():
    """100 hours in one year carry at most 40 into the next (60 above the minimum)."""
    records = [rec("2024-10-01", ("Taxes", "24")) for _ in range(4)] + [
        rec("2025-01-10", ("Taxes", "4"))
    ]
    result = evaluate(MICHIGAN, lic("Michigan", issued="2010-01-01"), records, D("2026-12-05"))
    assert result.annual[0].carryover_in == H(40)


def test_no_carryover_from_an_untracked_year():
    """Tracking began 1 July 2025: the year before is not the program's to carry from."""
    records = [rec("2024-10-01", ("Taxes", "60"))]
    license = lic("Michigan", issued="2010-01-01", tracked="2025-07-01")
    result = evaluate(MICHIGAN, license, records, D("2026-12-05"))
    assert result.carryover_in == H(0)


# Florida (61H1-33.003) and most boards: a nonresident meets the CPE requirement by meeting the
# home state's (principal place of business) requirement for renewal.
HOME_RULE = period_rule("calendar", 1, cycle_anchor="annual", total_hours=40)
AWAY_RULE = period_rule(
    "calendar",
    2,
    cycle_anchor="fixed",
    cycle_anchor_year=2025,
    total_hours=80,
    reciprocity="home_state",
)
AWAY_PLUS_ETHICS = period_rule(
    "calendar",
    2,
    cycle_anchor="fixed",
    cycle_anchor_year=2025,
    total_hours=80,
    ethics_hours=4,
    ethics_state_specific=True,
    reciprocity="home_state_plus_ethics",
)


def _pair(away_rule, records, home_license=True):
    home = lic("Texas", license_id=1, tracked="2026-01-01")
    away = lic("Florida", license_id=2, home="Texas", tracked="2025-01-01")
    pairs = ([(home, HOME_RULE)] if home_license else []) + [(away, away_rule)]
    return evaluate_all(pairs, {1: records}, D("2026-12-05"))


def test_status_follows_the_home_license():
    """40 hours in Texas this year: Texas is complete, so Florida is met through Texas."""
    home, away = _pair(AWAY_RULE, [rec("2026-03-01", ("Taxes", "40"))])
    assert home.status == "complete"
    assert (away.status, away.met_through) == ("complete", "Texas")
    assert away.shortfall_total == 0
    assert away.headline() == "Met through the Texas license"


def test_home_license_short_makes_the_other_short_too():
    home, away = _pair(AWAY_RULE, [rec("2026-03-01", ("Taxes", "10"))])
    assert away.status == home.status == "at_risk"
    assert away.met_through == "Texas"


def test_home_state_plus_ethics_still_asks_for_this_states_ethics():
    """Home complete, but this board's own 4 hours of state ethics are missing and its
    period ends in 26 days: at risk."""
    _home, away = _pair(AWAY_PLUS_ETHICS, [rec("2026-03-01", ("Taxes", "40"))])
    assert away.status == "at_risk"
    assert away.shortfall_ethics == H(4)
    assert away.headline() == (
        "Met through the Texas license; need 4 h of Florida ethics by 31 Dec 2026"
    )


def test_without_the_home_license_the_own_rule_applies_and_the_home_license_is_asked_for():
    (away,) = _pair(AWAY_RULE, [rec("2026-03-01", ("Taxes", "40"))], home_license=False)
    assert away.met_through is None
    assert away.shortfall_total == H(40)
    assert [i.missing for i in away.issues if i.kind == "missing_information"] == ["home_license"]


TEXAS_LIKE = period_rule(
    "calendar",
    1,
    cycle_anchor="annual",
    total_hours=40,
    ethics_hours=4,
    ethics_state_specific=True,
)


@pytest.mark.parametrize(
    ("records", "sentence"),
    [
        ([rec("2026-03-01", ("Taxes", "14"))], "Need 26 h, 4 of them Texas ethics, by 31 Dec 2026"),
        ([rec("2026-03-01", ("Taxes", "40"))], "Need 4 h of Texas ethics by 31 Dec 2026"),
        ([rec("2026-03-01", ("Taxes", "10"))], "Need 30 h, 4 of them Texas ethics, by 31 Dec 2026"),
        (
            [
                rec("2026-03-01", ("Taxes", "36")),
                rec("2026-04-01", ("Regulatory Ethics", "4"), tag="Texas"),
            ],
            "All requirements met for the period ending 31 Dec 2026",
        ),
    ],
)
def test_headline_says_what_is_needed_by_when(records, sentence):
    result = evaluate(TEXAS_LIKE, lic("Texas"), records, D("2026-12-05"))
    assert result.headline() == sentence


def test_headline_uses_the_programs_one_date_format():
    """The window sets the locale's format at start-up (four-digit year); the sentence follows."""
    set_day_format(lambda day: f"{day.month}/{day.day}/{day.year}")
    try:
        result = evaluate(TEXAS_LIKE, lic("Texas"), [], D("2026-12-05"))
        assert result.headline() == "Need 40 h, 4 of them Texas ethics, by 12/31/2026"
    finally:
        set_day_format(None)


def test_overdue_history_is_said_apart_from_the_current_need():
    """Tracked since 2025: 2025 ended 30 hours short, made up by nothing yet. The headline is
    this year's need; the overdue text names the past period separately."""
    from cpe_desktop.rules.wording import overdue_text

    result = evaluate(
        TEXAS_LIKE,
        lic("Texas", tracked="2025-01-01"),
        [
            rec("2025-05-01", ("Taxes", "10")),
            rec("2025-06-01", ("Regulatory Ethics", "4"), tag="Texas"),
        ],
        D("2026-12-05"),
    )
    assert result.status == "overdue"
    assert result.headline() == "Need 40 h, 4 of them Texas ethics, by 31 Dec 2026"
    assert overdue_text(result) == (
        "Overdue: 26 h still missing from the period that ended 31 Dec 2025"
    )


def test_hours_from_before_the_license_existed_carry_nothing():
    """A CMA certified 1 Jan 2026 (IMA: CPE begins the year after the exam) who logged 40
    hours in 2025: IMA allows 10 hours of carryover, but not out of a year before the
    credential existed."""
    rule = period_rule("calendar", 1, cycle_anchor="annual", total_hours=30, carryover_max_hours=10)
    records = [rec("2025-05-01", ("Finance", "40"))]
    result = evaluate(
        rule, lic("IMA", credential="CMA", issued="2026-01-01"), records, D("2026-12-05")
    )
    assert result.carryover_in == 0
    # Held in 2025 too: the 10 carry.
    result = evaluate(
        rule, lic("IMA", credential="CMA", issued="2020-01-01"), records, D("2026-12-05")
    )
    assert result.carryover_in == H(10)
