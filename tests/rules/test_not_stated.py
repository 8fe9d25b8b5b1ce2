"""History imported from logs that never recorded how a course was delivered, or its field
(ARCHITECTURE.md §2 "Not stated"): counted toward the total only, never as self-study, never toward
ethics or technical minimums, and the record carries an issue until the user says."""

from __future__ import annotations

from cpe_desktop.rules.compliance import evaluate
from tests.helpers.compliance_cases import D, H, lic, period_rule, rec

RULE = period_rule(
    "calendar",
    1,
    cycle_anchor="annual",
    total_hours=40,
    ethics_hours=2,
    technical_min_hours=20,
    max_self_study_hours=5,
)


def test_not_stated_counts_toward_the_total_only_and_says_so():
    records = [
        rec("2026-03-01", ("Not stated", "12"), method="Not stated", title="Old seminar"),
        rec("2026-04-01", ("Taxes", "10"), method="Not stated", title="Tax day"),
    ]
    result = evaluate(RULE, lic("Texas", tracked="2026-01-01"), records, D("2026-12-05"))
    # 22 toward the total; none capped as self-study (limit 5); 10 technical (the Taxes line),
    # the field-less 12 neither technical nor ethics.
    assert (result.counted_total, result.counted_technical, result.counted_ethics) == (
        H(22),
        H(10),
        0,
    )
    said = [i.message for i in result.issues if i.kind == "not_stated"]
    assert said == [
        "\u201cOld seminar\u201d (1 Mar 2026): delivery method and field of study not stated; its "
        "hours count toward the total only until you say.",
        "\u201cTax day\u201d (1 Apr 2026): delivery method not stated; its hours count toward the "
        "total only until you say.",
    ]
