"""NASBA credit increments, the hard errors, multi-day programs, and the small credit helpers.

The rules encoded are Standard No. 16 of the Statement on Standards for Continuing Professional
Education (CPE) Programs (AICPA and NASBA, 2016, "Program length measured in CPE credits"): one
50-minute period is 1 CPE credit; group, independent study and blended programs earn at least 1.0,
then one-fifth or one-half increments; self study at least 0.5; nano learning only in 0.2 credits;
credits are rounded down; a college course earns 15 CPE credits per semester hour and 10 per
quarter hour. Only impossible values are errors; everything doubtful is a warning.
"""

import subprocess
import sys
from dataclasses import FrozenInstanceError
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpe_desktop.rules.credits import (
    CreditIssue,
    check_credits,
    check_daily_total,
    check_program_days,
    college_credits,
    parse_credits,
    program_days,
    round_down_credits,
)
from cpe_desktop.rules.fields import DELIVERY_METHODS
from cpe_desktop.rules.wording import set_day_format

GL, GIB, BL = "Group Live", "Group Internet Based", "Blended Learning"
QAS, NANO = "QAS Self Study", "Nano Learning"
OTHER_METHODS = ["Independent Study", "Instructor", "Author", "College Course"]

# --- Increments, table-driven (expected results worked out by hand) -------------------------------


@pytest.mark.parametrize(
    ("method", "credits", "suggestion"),
    [
        (GL, "1.0", None),
        (GL, 1, None),
        (GL, "1.2", None),
        (GL, "1.4", None),
        (GL, "1.5", None),
        (GL, "2", None),
        (GL, "3.5", None),
        (GL, "24", None),
        (GL, "0.5", "no credit below 1.0"),
        (GL, "0.9", "no credit below 1.0"),
        (GL, "1.3", "round down to 1.2"),
        (GL, "1.1", "round down to 1.0"),
        (GL, "1.7", "round down to 1.6"),
        (GL, "1.9", "round down to 1.8"),
        (GL, "2.7", "round down to 2.6"),
        (GL, "1.25", "round down to 1.2"),
        (GL, "2.45", "round down to 2.4"),
        (GIB, "1.0", None),
        (GIB, "1.3", "round down to 1.2"),
        (GIB, "0.8", "no credit below 1.0"),
        (BL, "2.5", None),
        (BL, "2.3", "round down to 2.2"),
        (QAS, "0.5", None),
        (QAS, "0.6", None),
        (QAS, "0.8", None),
        (QAS, "1.5", None),
        (QAS, "0.7", "round down to 0.6"),
        (QAS, "1.1", "round down to 1.0"),
        (QAS, "0.4", "no credit below 0.5"),
        (QAS, "0.2", "no credit below 0.5"),
        (NANO, "0.2", None),
        (NANO, "0.4", None),
        (NANO, "1.0", None),
        (NANO, "0.3", "round down to 0.2"),
        (NANO, "0.5", "round down to 0.4"),  # a multiple of 0.5 is not enough for nano
        (NANO, "0.1", "no credit below 0.2"),
        # Other methods have no NASBA increment.
        ("Independent Study", "0.3", None),
        ("Instructor", "0.1", None),
        ("Author", "7.3", None),
        ("College Course", "45", None),
        ("Something New", "1.3", None),
        (None, "1.3", None),
        # Aliases of the method are understood.
        ("webinar", "1.3", "round down to 1.2"),
        ("self-study", "0.7", "round down to 0.6"),
    ],
)
def test_increments(method, credits, suggestion):
    issues = check_credits(credits, method)
    if suggestion is None:
        assert issues == []
    else:
        assert len(issues) == 1
        (issue,) = issues
        assert issue.severity == "warning"
        assert issue.field == "credits"
        assert suggestion in issue.message


def test_warning_message_reads_as_the_design_example():
    (issue,) = check_credits(Decimal("1.3"), GL)
    assert issue.message == (
        "1.3 is not a multiple of 0.2 or 0.5 above 1.0 for Group Live; "
        "NASBA credits round down to 1.2."
    )


def test_warning_names_the_canonical_method():
    (issue,) = check_credits("1.3", "Webinar")
    assert "Group Internet Based" in issue.message


@pytest.mark.parametrize("credits", [1.3, "1.3", Decimal("1.3")])
def test_float_str_and_decimal_agree(credits):
    (issue,) = check_credits(credits, GL)
    assert "round down to 1.2" in issue.message


@pytest.mark.parametrize(
    ("credits", "severities"),
    [(1.2, []), (1.4, []), (2.6, []), (0.1 + 0.2 + 1.1, ["warning"])],
)
def test_floats_are_read_by_their_shortest_spelling(credits, severities):
    # 0.1 + 0.2 + 1.1 is 1.4000000000000001 as a float: not a multiple, so it warns.
    assert [issue.severity for issue in check_credits(credits, GL)] == severities


# --- Every tenth from 0.1 to 24.0, against an integer oracle --------------------------------------


def _allowed_tenths(tenths: int, method: str) -> bool:
    """The NASBA rule restated on whole tenths of a credit."""
    fifth, half = tenths % 2 == 0, tenths % 5 == 0
    if method in (GL, GIB, BL):
        return tenths >= 10 and (fifth or half)
    if method == QAS:
        return tenths >= 5 and (fifth or half)
    if method == NANO:
        return fifth
    return True


@pytest.mark.parametrize("method", [GL, GIB, BL, QAS, NANO, *OTHER_METHODS])
def test_every_tenth_up_to_24(method):
    for tenths in range(1, 241):
        value = Decimal(tenths) / 10
        warned = [issue.severity for issue in check_credits(value, method)] == ["warning"]
        assert warned is not _allowed_tenths(tenths, method), (method, value)


# --- Errors ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("credits", "words"),
    [
        (0, "more than zero"),
        ("0", "more than zero"),
        ("0.00", "more than zero"),
        ("-0", "more than zero"),
        (0.0, "more than zero"),
        (-1, "negative"),
        ("-0.5", "negative"),
        (Decimal("-2"), "negative"),
        ("1000.01", "more than 1,000"),
        (1001, "more than 1,000"),
        (1e300, "more than 1,000"),
        ("abc", "not a number"),
        ("", "missing"),
        ("   ", "missing"),
        ("1,5", "decimal point"),
        ("1.5.2", "not a number"),
        ("1_0", "not a number"),
        ("1e1", "not a number"),
        ("NaN", "not a number"),
        ("inf", "not a number"),
        (float("nan"), "finite"),
        (float("inf"), "finite"),
        (float("-inf"), "finite"),
        (Decimal("NaN"), "finite"),
        (Decimal("sNaN"), "finite"),
        (Decimal("Infinity"), "finite"),
        (None, "number"),
        (True, "number"),
        ([1], "number"),
    ],
)
def test_errors(credits, words):
    for method in (GL, QAS, NANO, "Independent Study", None):
        issues = check_credits(credits, method)
        assert len(issues) == 1
        (issue,) = issues
        assert issue.severity == "error"
        assert issue.field == "credits"
        assert words in issue.message


ALL_METHODS = [GL, GIB, BL, QAS, NANO, *OTHER_METHODS, None]


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize(
    "credits",
    [
        "24.2",  # more than a day holds: a multi-day program, judged with its dates elsewhere
        "30",  # a 4-day conference
        "45",  # a 3 semester hour college course (Standard No. 16: 3 x 15)
        "360",  # a full-time college year (24 semester hours)
        "1000",  # the most one entry can be
    ],
)
def test_large_entries_are_not_errors(method, credits):
    """Only what cannot be true is an error (ARCHITECTURE.md §4); 30 or 45 credits is one real
    program."""
    assert [i.severity for i in check_credits(credits, method)] == []


@pytest.mark.parametrize("method", ALL_METHODS)
def test_more_than_1000_is_an_error_for_every_method(method):
    (issue,) = check_credits("1000.5", method)
    assert issue.severity == "error"
    assert issue.message == (
        "1000.5 credits cannot be right for one entry (more than 1,000; a full-time college "
        "year is 360); check the number."
    )


# --- Program days ---------------------------------------------------------------------------------

D = date


@pytest.mark.parametrize(
    ("started", "completed", "days"),
    [
        (None, D(2026, 3, 5), 1),
        (D(2026, 3, 5), D(2026, 3, 5), 1),
        (D(2026, 3, 2), D(2026, 3, 5), 4),
        (D(2026, 2, 27), D(2026, 3, 2), 4),  # over the end of February 2026 (not a leap year)
        (D(2024, 2, 27), D(2024, 3, 2), 5),  # 2024 is a leap year
        (D(2026, 1, 12), D(2026, 5, 8), 117),  # a spring semester
        (D(2026, 3, 6), D(2026, 3, 5), 1),  # a first day after the last is refused elsewhere
        (D(2026, 3, 2), None, 1),
    ],
)
def test_program_days(started, completed, days):
    assert program_days(started, completed) == days


@pytest.mark.parametrize(
    ("total", "started", "completed", "method", "warns"),
    [
        # 1 credit = 50 minutes (Standard No. 16): a full 8 h 20 min day is 10 credits, the most
        # one program day is expected to earn without a warning.
        ("10", None, D(2026, 3, 5), GL, False),
        ("10.2", None, D(2026, 3, 5), GL, True),
        ("8", None, D(2026, 3, 5), GIB, False),
        # A 4-day conference worth 30 credits: 7.5 a day.
        ("30", D(2026, 3, 2), D(2026, 3, 5), GL, False),
        ("30", None, D(2026, 3, 5), GL, True),  # its first day not given: 30 in one day
        ("40", D(2026, 3, 2), D(2026, 3, 5), GL, False),  # exactly 10 a day
        ("40.5", D(2026, 3, 2), D(2026, 3, 5), GL, True),
        ("16", D(2026, 3, 4), D(2026, 3, 5), BL, False),  # a 2-day course
        ("24", None, D(2026, 3, 5), QAS, True),  # self study finished on one day
        ("24", D(2026, 1, 5), D(2026, 3, 5), QAS, False),  # worked on over two months
        ("12", None, D(2026, 3, 5), NANO, True),
        ("12", None, D(2026, 3, 5), "Independent Study", True),
        ("12", None, D(2026, 3, 5), None, True),  # an unknown method is still a program
        # Not program credit (Standard No. 16; boards' rules for instructors and authors): a 3
        # semester hour course is 45 credits, a 4 quarter hour course 40, earned over a term.
        ("45", None, D(2026, 5, 8), "College Course", False),
        ("40", D(2026, 1, 5), D(2026, 3, 20), "College Course", False),
        ("30", None, D(2026, 3, 5), "Instructor", False),
        ("25", None, D(2026, 3, 5), "Author", False),
        ("360", None, D(2026, 5, 8), "College Course", False),
        # Aliases of the method are understood.
        ("12", None, D(2026, 3, 5), "webinar", True),
        ("45", None, D(2026, 5, 8), "college", False),
    ],
)
def test_check_program_days(total, started, completed, method, warns):
    issues = check_program_days(total, started, completed, method)
    assert [(i.severity, i.field) for i in issues] == ([("warning", "credits")] if warns else [])


def test_one_day_warning_says_to_enter_the_first_day():
    (issue,) = check_program_days(Decimal("30"), None, D(2026, 3, 5), GL)
    assert issue.message == (
        "30.0 credits over 1 day is more than 10 a day; if the program ran several days, "
        "enter its first day."
    )


def test_multi_day_warning_names_the_days_and_the_average():
    (issue,) = check_program_days("45", D(2026, 3, 2), D(2026, 3, 5), GL)
    assert issue.message == (
        "45.0 credits over 4 days (2 Mar 2026 to 5 Mar 2026) is 11.25 a day, more than 10; "
        "check the credits and the first day."
    )


def test_multi_day_warning_writes_dates_in_the_programs_one_format():
    set_day_format(lambda day: f"{day.month}/{day.day}/{day.year}")
    try:
        (issue,) = check_program_days("45", D(2026, 3, 2), D(2026, 3, 5), GL)
    finally:
        set_day_format(None)
    assert "over 4 days (3/2/2026 to 3/5/2026)" in issue.message


@pytest.mark.parametrize("method", ALL_METHODS)
@pytest.mark.parametrize(
    ("total", "words"),
    [("1000.01", "more than 1,000"), (float("nan"), "finite"), ("abc", "not a number")],
)
def test_check_program_days_errors(method, total, words):
    """A record whose entries add up to more than 1,000 cannot be true, whatever its method."""
    (issue,) = check_program_days(total, D(2026, 1, 5), D(2026, 3, 5), method)
    assert issue.severity == "error"
    assert words in issue.message


def test_check_program_days_is_exact():
    # 40.00 over 4 days is exactly 10 a day: no float rounding pushes it over.
    assert check_program_days(Decimal("40.00"), D(2026, 3, 2), D(2026, 3, 5), GL) == []
    assert check_program_days(Decimal("10.01"), None, D(2026, 3, 5), GL) != []


def test_credit_issue_is_frozen():
    issue = CreditIssue("warning", "credits", "x")
    with pytest.raises(FrozenInstanceError):
        issue.message = "y"


# --- parse_credits --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.5", Decimal("1.5")),
        (" 2 ", Decimal("2")),
        ("\t0.2\n", Decimal("0.2")),
        (".5", Decimal("0.5")),
        ("3.", Decimal("3")),
        ("+1.0", Decimal("1.0")),
        ("-1", Decimal("-1")),
        ("1.10", Decimal("1.10")),
    ],
)
def test_parse_credits(text, expected):
    assert parse_credits(text) == expected


def test_parse_credits_is_exact():
    assert parse_credits("1.3") == Decimal("1.3")
    assert parse_credits("1.3") != Decimal(1.3)


@pytest.mark.parametrize(
    "text", ["", " ", "abc", "1,5", "1 5", "1.2.3", "1e2", "NaN", "Infinity", "1_0", "½", "١"]
)
def test_parse_credits_rejects(text):
    with pytest.raises(ValueError, match="credits|Credits"):
        parse_credits(text)


def test_parse_credits_explains_decimal_comma():
    with pytest.raises(ValueError, match="decimal point"):
        parse_credits("1,5")


def test_parse_credits_wants_text():
    with pytest.raises(TypeError):
        parse_credits(1.5)


# --- round_down_credits ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "value", "expected"),
    [
        (GL, "1.3", "1.2"),
        (GL, "1.0", "1.0"),
        (GL, "1.59", "1.5"),
        (GL, "1.79", "1.6"),
        (GL, "2.7", "2.6"),
        (GL, "2.99", "2.8"),
        (GL, "0.9", "0"),
        (GIB, 1.3, "1.2"),
        (BL, 3, "3"),
        (QAS, "0.5", "0.5"),
        (QAS, "0.59", "0.5"),
        (QAS, "0.7", "0.6"),
        (QAS, "0.45", "0"),
        (NANO, "0.5", "0.4"),
        (NANO, "0.2", "0.2"),
        (NANO, "0.19", "0"),
        ("Independent Study", "1.3", "1.3"),
        ("College Course", "45", "45"),
        (None, "1.3", "1.3"),
    ],
)
def test_round_down_credits(method, value, expected):
    assert round_down_credits(value, method) == Decimal(expected)


@pytest.mark.parametrize("value", ["-1", "abc", float("nan"), Decimal("Infinity")])
def test_round_down_credits_rejects_bad_values(value):
    with pytest.raises(ValueError):
        round_down_credits(value, GL)


# --- college_credits and check_daily_total --------------------------------------------------------


@pytest.mark.parametrize(
    ("kwargs", "expected"),
    [
        ({"semester_hours": 3}, "45"),
        ({"semester_hours": "1.5"}, "22.5"),
        ({"quarter_hours": 4}, "40"),
        ({"quarter_hours": Decimal("0.5")}, "5"),
        ({"semester_hours": 0}, "0"),
    ],
)
def test_college_credits(kwargs, expected):
    assert college_credits(**kwargs) == Decimal(expected)


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"semester_hours": 3, "quarter_hours": 4}, {"semester_hours": -1}, {"quarter_hours": "x"}],
)
def test_college_credits_rejects(kwargs):
    with pytest.raises(ValueError):
        college_credits(**kwargs)


@pytest.mark.parametrize(
    ("total", "severities"),
    [
        ("8", []),
        (Decimal("24"), []),
        (24.0, []),
        # More than the 24 hours of a day: warned about, since certificates' dates are often
        # approximate (ARCHITECTURE.md §4: only what cannot be true is an error).
        ("24.1", ["warning"]),
        (30, ["warning"]),
        (float("nan"), ["error"]),
    ],
)
def test_check_daily_total(total, severities):
    issues = check_daily_total(total)
    assert [issue.severity for issue in issues] == severities
    assert all(issue.field == "credits" for issue in issues)


def test_check_daily_total_names_the_day():
    (issue,) = check_daily_total(Decimal("25.5"), on=date(2025, 3, 2))
    assert "2025-03-02" in issue.message
    assert "25.5" in issue.message
    assert "first day" in issue.message


def test_a_multi_day_program_spread_over_its_days_fits_a_day():
    """The documented way to sum a day: a 4-day, 30-credit conference adds 7.5 to each day."""
    share = Decimal(30) / program_days(D(2026, 3, 2), D(2026, 3, 5))
    assert share == Decimal("7.5")
    assert check_daily_total(share + Decimal(8), on=D(2026, 3, 4)) == []


# --- Properties -----------------------------------------------------------------------------------

_any_credits = st.one_of(
    st.text(),
    st.from_regex(r"\A\s*[+-]?[0-9]{0,4}(\.[0-9]{0,4})?\s*\Z"),
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.none(),
    st.booleans(),
)
_any_method = st.one_of(st.sampled_from(DELIVERY_METHODS), st.text(), st.none())


@given(_any_credits, _any_method)
def test_check_credits_never_raises_and_issues_are_well_formed(credits, method):
    issues = check_credits(credits, method)
    assert isinstance(issues, list)
    assert len(issues) <= 1
    for issue in issues:
        assert isinstance(issue, CreditIssue)
        assert issue.severity in ("error", "warning")
        assert issue.field == "credits"
        assert issue.message.strip()


_group_multiples = st.one_of(
    st.integers(5, 120).map(lambda k: k * Decimal("0.2")),
    st.integers(2, 48).map(lambda k: k * Decimal("0.5")),
)


@given(_group_multiples, st.sampled_from([GL, GIB, BL]))
def test_multiples_of_a_fifth_or_a_half_from_1_to_24_never_warn(value, method):
    assert check_credits(value, method) == []
    assert check_credits(str(value), method) == []
    assert check_credits(float(value), method) == []


_method_minimum = {GL: "1.0", GIB: "1.0", BL: "1.0", QAS: "0.5", NANO: "0.2"}


@st.composite
def _in_range(draw):
    method = draw(st.sampled_from(sorted(_method_minimum)))
    value = draw(st.decimals(min_value=Decimal(_method_minimum[method]), max_value=24, places=3))
    return method, value


@given(_in_range())
def test_round_down_is_at_most_the_value_and_warning_free(pair):
    method, value = pair
    rounded = round_down_credits(value, method)
    assert rounded <= value
    assert check_credits(rounded, method) == []
    # And it is the largest such: nothing on the tenths grid between it and the value is allowed.
    step = Decimal("0.1")
    candidate = rounded + step
    while candidate <= value:
        assert check_credits(candidate, method) != [], (candidate, value)
        candidate += step
    assert value - rounded < Decimal("0.5")


@given(_in_range())
def test_a_value_that_does_not_warn_rounds_to_itself(pair):
    method, value = pair
    if check_credits(value, method) == []:
        assert round_down_credits(value, method) == value
    else:
        assert round_down_credits(value, method) < value


# --- Layering -------------------------------------------------------------------------------------


def test_rules_import_only_the_standard_library():
    code = (
        "import sys\n"
        "before = set(sys.modules)\n"
        "import cpe_desktop.rules.credits, cpe_desktop.rules.fields\n"
        "new = {m.split('.')[0] for m in set(sys.modules) - before}\n"
        "print(sorted(new - set(sys.stdlib_module_names) - {'cpe_desktop'}))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
