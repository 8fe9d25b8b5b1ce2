"""Worked scenarios on the shipped requirement rows' components (ARCHITECTURE.md §4): each case is
the board's answer, computed by hand in its docstring from the rule it cites, and the engine's.
Built from the real data file (``shipped``), so a data change that breaks a rule shows here.
"""

from __future__ import annotations

from dataclasses import replace

from cpe_desktop.rules.compliance import CapResult, evaluate
from tests.helpers.compliance_cases import GL, NANO, QAS, D, H, lic, rec, shipped, spread

AS_OF = D("2026-12-05")


def _parts(result, kind=None):
    return [p for p in result.components if not p.headline and (kind is None or p.kind == kind)]


def test_new_york_24_hours_in_taxation_meet_the_year():
    """8 NYCRR 70.9(b)(2): each calendar year, 40 hours in recognised subjects, or 24 hours
    concentrated in one recognised subject (taxation among them). Ethics: 4 hours in the three
    years of the registration (issued 2012: 2024-2026), New York-approved. 24 h of tax and 4 h
    of New York ethics in 2026: the year is met through the concentration option."""
    records = [
        *spread("2026-02-01", 3, "Taxes", "8"),
        rec("2026-06-01", ("Regulatory Ethics", "4"), tag="New York"),
    ]
    license = lic("New York", issued="2012-04-01", tracked="2024-01-01")
    result = evaluate(shipped("CPA", "New York"), license, records, AS_OF)
    (taxes,) = [p for p in _parts(result) if p.alternative == "concentration_taxes"]
    assert (taxes.counted, taxes.met, taxes.chosen) == (H(24), True, True)
    assert (result.counted_total, result.shortfall_total) == (H(28), 0)
    assert result.status == "complete"


def test_georgia_three_general_and_one_georgia_ethics_hour():
    """Ga. Comp. R. & Regs. 20-11-.02 (NASBA rev 1/3/2024): 4 ethics hours per biennium, 1 of
    them on Georgia's laws and rules. 3 h of general ethics + 1 h of Georgia ethics: ethics met
    (4 of 4) and the Georgia hour met (1 of 1)."""
    records = [
        rec("2026-02-01", ("Regulatory Ethics", "3")),
        rec("2026-03-01", ("Regulatory Ethics", "1"), tag="Georgia"),
        *spread("2026-04-01", 5, "Auditing", "8"),
    ]
    license = lic("Georgia", issued="2009-02-01", tracked="2026-01-01")
    result = evaluate(shipped("CPA", "Georgia"), license, records, AS_OF)
    assert (result.counted_ethics, result.shortfall_ethics) == (H(4), 0)
    (georgia,) = _parts(result, "ethics_state_specific")
    assert (georgia.counted, georgia.met) == (H(1), True)


def test_florida_80_hours_of_tax_without_accounting_and_auditing_is_not_complete():
    """61H1-33.003: 80 hours per biennium (1 Jul-30 Jun), including 8 of accounting and auditing
    and 4 of Florida board-approved ethics. Licensed March 2010: bienniums end 30 June of even
    years. On 15 June 2026, 76 h of tax and 4 h of Florida ethics: 80 of 80 hours, but 0 of the
    8 A&A hours, with 15 days left: at risk, and the sentence says so."""
    records = [
        *spread("2024-08-01", 19, "Taxes", "4", every=30),
        rec("2025-03-01", ("Regulatory Ethics", "4"), tag="Florida"),
    ]
    license = lic("Florida", issued="2010-03-01", tracked="2024-07-01")
    result = evaluate(shipped("CPA", "Florida"), license, records, D("2026-06-15"))
    assert (result.period_start, result.period_end) == (D("2024-07-01"), D("2026-06-30"))
    assert (result.counted_total, result.shortfall_total) == (H(80), 0)
    (aa,) = [p for p in _parts(result, "min") if p.required == 8]
    assert (aa.counted, aa.missing) == (0, H(8))
    assert result.status == "at_risk"
    assert result.headline() == "Need 8 h of accounting and auditing by 30 Jun 2026"


def test_california_twelve_technical_hours_a_year_and_attest_work():
    """16 CCR 87(a)(1): at least 20 hours each year of the two-year period, 12 of them
    technical; 16 CCR 87(a)(2)-(3): 24 h of A&A for attest work. Born May 1980: periods end 31
    May of even years. The year ending 31 May 2025 had 8 h of tax and 12 h of personal
    development: 8 of 12 technical, failed: at risk. Attest work ticked: 24 h of A&A asked,
    none taken; unticked, no such line."""
    rule = shipped("CPA", "California")
    records = [rec("2024-09-01", ("Taxes", "8")), rec("2024-10-01", ("Personal Development", "12"))]
    license = lic("California", issued="2011-04-01", birth="1980-05-14", tracked="2024-06-01")
    result = evaluate(rule, license, records, D("2026-01-10"))
    first_year = [p for p in _parts(result, "min") if p.window_end == D("2025-05-31")]
    assert [(p.required, p.counted, p.met) for p in first_year] == [(H(12), H(8), False)]
    assert result.status == "at_risk"
    assert not any(p.required == 24 for p in _parts(result))
    attest = replace(license, attributes=frozenset({"performs_attest"}))
    ticked = evaluate(rule, attest, records, D("2026-01-10"))
    assert [(p.counted, p.missing) for p in _parts(ticked, "min") if p.required == 24] == [
        (0, H(24))
    ]


def test_michigan_eight_hours_of_accounting_and_auditing_each_year():
    """Mich. Admin. Code R 338.5215 (MICPA): 40 hours each CPE year (1 Jul-30 Jun), including 8
    of accounting and auditing and 2 of ethics (1 of them Michigan-specific per period). The
    holder gave the period end 30 Jun 2027. The year ending 30 Jun 2026: 40 h of tax and 2 h of
    Michigan ethics, no A&A: 0 of 8, failed, at risk."""
    records = [
        *spread("2025-08-01", 5, "Taxes", "8"),
        rec("2025-09-01", ("Regulatory Ethics", "2"), tag="Michigan"),
    ]
    license = lic("Michigan", issued="2005-01-01", override="2027-06-30", tracked="2025-07-01")
    result = evaluate(shipped("CPA", "Michigan"), license, records, AS_OF)
    (aa,) = [
        p
        for p in _parts(result, "min")
        if p.window_end == D("2026-06-30") and "accounting" in p.label
    ]
    assert (aa.counted, aa.met) == (0, False)
    assert result.status == "at_risk"


def test_illinois_sexual_harassment_hour():
    """20 ILCS 2105/2105-15.5: 1 hour of sexual harassment prevention training each renewal
    (1 Oct 2024-30 Sep 2027). Not taken yet: listed as missing; taken: met."""
    rule = shipped("CPA", "Illinois")
    license = lic("Illinois", issued="2010-01-01", tracked="2024-10-01")
    result = evaluate(rule, license, [rec("2026-03-01", ("Taxes", "8"))], AS_OF)
    (course,) = _parts(result, "course")
    assert course.missing == H(1)
    taken = rec("2026-04-01", ("Behavioral Ethics", "1"), topics=(course.what,))
    result = evaluate(rule, license, [taken], AS_OF)
    assert _parts(result, "course")[0].met is True


def test_texas_nano_learning_at_most_half():
    """22 TAC 523.118(b): nano learning at most 50 % of the 120 hours (60). 70 h of nano and
    50 h of group live in the window 2024-2026 (born in December): 10 h of nano not counted,
    110 counted."""
    records = [
        *spread("2024-02-01", 35, "Taxes", "2", method=NANO, every=20),
        *spread("2025-02-01", 5, "Auditing", "10"),
    ]
    license = lic("Texas", issued="2008-05-01", birth="1970-12-10", tracked="2024-01-01")
    result = evaluate(shipped("CPA", "Texas"), license, records, AS_OF)
    assert CapResult("nano", H(60), H(10)) in result.caps
    assert result.counted_total == H(110)


def test_arizona_live_hours_minimum():
    """Ariz. Admin. Code R4-1-453: of the 80 hours, at least 16 in classroom or interactive
    webinar. Born March 1981 (odd): periods end 31 March of odd years, so 1 Apr 2025-31 Mar
    2027. 56 h self-study tax, 10 h group live tax and 4 h group live Arizona ethics: 14 of 16
    live hours; 70 of 80 in all. The sentence: 10 hours, 2 of them live."""
    records = [
        *spread("2025-05-01", 7, "Taxes", "8", method=QAS),
        rec("2025-09-01", ("Taxes", "10"), method=GL),
        rec("2025-10-01", ("Regulatory Ethics", "4"), method=GL, tag="Arizona"),
    ]
    license = lic("Arizona", issued="2009-01-01", birth="1981-03-02", tracked="2025-04-01")
    result = evaluate(shipped("CPA", "Arizona"), license, records, AS_OF)
    (live,) = [p for p in _parts(result, "min") if p.what == "live"]
    assert (live.required, live.counted) == (H(16), H(14))
    assert result.headline() == "Need 10 h, 2 of them live, by 31 Mar 2027"
