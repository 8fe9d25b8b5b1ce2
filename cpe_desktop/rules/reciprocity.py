"""Reciprocity (ARCHITECTURE.md §4): a license met through the holder's license in their home state.

Most boards accept, from a holder whose principal place of business is elsewhere, the CPE that
the home state requires: Florida (61H1-33.003), Washington, North Carolina, Virginia and others
word it as "deemed to have met the CPE requirements of this state by meeting the CPE
requirements for renewal ... in the state in which the licensee's principal place of business
is located". Some still ask for their own state's ethics course (``home_state_plus_ethics``).

So such a license's status follows the home license (evaluated in the same run) and says so
(``met_through``); with ``home_state_plus_ethics`` its own ethics shortfall still counts. When the
home license is not in the program, the license is judged on its own rule, with an issue asking
for the home license: the program cannot vouch for what it has not seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal

from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.facts import Evaluation, Issue, LicenseFacts, Rule, Status
from cpe_desktop.rules.ledger import jurisdiction_key

_ZERO = Decimal(0)
_AT_RISK_DAYS = 90
_SEVERITY: dict[str, int] = {"complete": 0, "on_track": 1, "at_risk": 2, "overdue": 3}


def _applies(rule: Rule, license: LicenseFacts) -> bool:
    home = jurisdiction_key(license.home_jurisdiction)
    return (
        rule.reciprocity != "none"
        and home is not None
        and home != jurisdiction_key(license.jurisdiction)
    )


def _missing_home(license: LicenseFacts, result: Evaluation) -> Evaluation:
    home = license.home_jurisdiction
    message = (
        f"{license.jurisdiction} accepts the CPE your home state ({home}) requires; add your "
        f"{home} license so the program can check it. Until then this license is judged on "
        f"{license.jurisdiction}'s own rule."
    )
    issue = Issue("missing_information", None, message, "home_license")
    return replace(result, issues=(issue, *result.issues))


def unresolved_home(rule: Rule, license: LicenseFacts, result: Evaluation) -> Evaluation:
    """For a license evaluated alone: the home license cannot be seen, so say so."""
    return _missing_home(license, result) if _applies(rule, license) else result


def _through(rule: Rule, own: Evaluation, home: Evaluation, home_name: str) -> Evaluation:
    status: Status = home.status
    ethics_short = _ZERO
    if rule.reciprocity == "home_state_plus_ethics":
        parts = [p.missing for p in own.components if p.kind == "ethics_state_specific"]
        ethics_short = max([own.shortfall_ethics, *parts])
        if ethics_short:
            own_status: Status = "at_risk" if own.ethics_days_left < _AT_RISK_DAYS else "on_track"
            if own.previous is not None and own.previous.outstanding_ethics:
                own_status = "overdue"
            if _SEVERITY[own_status] > _SEVERITY[status]:
                status = own_status
    # What this board still judges itself: nothing, or (plus ethics) its own ethics only.
    kept: tuple[ComponentResult, ...] = ()
    if rule.reciprocity == "home_state_plus_ethics":
        kept = tuple(
            part
            for part in own.components
            if part.kind == "ethics_state_specific" or (part.headline and "ethics" in part.what)
        )
    return replace(
        own,
        status=status,
        met_through=home_name,
        shortfall_total=_ZERO,
        shortfall_technical=_ZERO,
        shortfall_ethics=ethics_short,
        annual=(),
        previous=None,
        components=kept,
    )


def apply_reciprocity(
    judged: Sequence[tuple[Rule, LicenseFacts]], results: Sequence[Evaluation]
) -> list[Evaluation]:
    """Each result whose rule accepts the home state's CPE, resolved against the holder's
    license there (same credential) when it is among ``judged``; the others unchanged."""
    by_place = {
        (lic.holder_id, lic.credential, jurisdiction_key(lic.jurisdiction)): i
        for i, (_rule, lic) in enumerate(judged)
    }
    resolved = list(results)
    for i, (rule, lic) in enumerate(judged):
        if not _applies(rule, lic):
            continue
        home = by_place.get(
            (lic.holder_id, lic.credential, jurisdiction_key(lic.home_jurisdiction))
        )
        if home is None:
            resolved[i] = _missing_home(lic, results[i])
        else:
            assert lic.home_jurisdiction is not None
            resolved[i] = _through(rule, results[i], results[home], judged[home][1].jurisdiction)
    return resolved


__all__ = ["apply_reciprocity", "unresolved_home"]
