"""Help › How compliance is worked out, the part written for the person reading it: each of their
licenses with the rule that judges it (total, period, ethics, caps, what else it asks), its source
and the date it was checked, and the period it is judged over now.

No Qt here (like ``report_html``): the help window (``ui/dialogs/help_dialog.py``) appends this
HTML after the bundled text. The rule is read as the engine reads it (``compliance.rule_of``), so
what this page says is what the dashboard applies.
"""

from __future__ import annotations

import html
import re
from decimal import Decimal

from cpe_desktop.rules.component_facts import ATTRIBUTE_LABELS
from cpe_desktop.rules.facts import Rule
from cpe_desktop.rules.wording import day_text, hours_text
from cpe_desktop.services import compliance, name_lists
from cpe_desktop.services.compliance import LicenseStatus
from cpe_desktop.services.context import ServiceContext

_MONTHS: tuple[str, ...] = ("January", "February", "March", "April", "May", "June")
_MONTHS += ("July", "August", "September", "October", "November", "December")
_URL = re.compile(r"https?://[^\s;,<>\"]+")
# The research notes of a shipped rule are lines "Heading: text". These headings are for the
# people who keep the data (how the board's words became the program's keys, which sources
# disagree) and are left out; "Not modelled" is shown as what the program does not check. Lines of
# other headings, or none (notes an administrator typed), are shown as they are.
_MAINTAINERS_HEADINGS = frozenset(
    {
        "Mapping",
        "Periods",
        "New licensees",
        "Reciprocity",
        "Components",
        "Checked against source",
        "Source dated",
        "Weak cell",
        "Research note",
        "Source jurisdiction",
    }
)
_NOT_MODELLED = "Not modelled"
_HEADING = re.compile(r"([A-Za-z][A-Za-z /()-]{0,40}):\s*(.*)")
_MAINTAINERS_ASIDE = re.compile(r"\s*\(This line[^)]*\)")


def _h(value: Decimal | int | None) -> str:
    return f"{hours_text(Decimal(value))} h" if value is not None else ""


def _years(n: int) -> str:
    return "every year" if n == 1 else f"every {n} years"


def _linked(text: str) -> str:
    """Escaped text with its web addresses made links."""
    out, last = [], 0
    for match in _URL.finditer(text):
        url = match.group(0).rstrip(".)")
        out.append(html.escape(text[last : match.start()]))
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url)}</a>')
        last = match.start() + len(url)
    out.append(html.escape(text[last:]))
    return "".join(out)


def period_words(rule: Rule) -> str:
    """How the rule lines its periods up, in a few words."""
    length = "1 year" if rule.period_years == 1 else f"{rule.period_years} years"
    basis = rule.period_basis
    anchor = rule.cycle_anchor
    if basis == "rolling":
        how = "a rolling window ending on your reporting date"
        if anchor == "birth_month":
            how = "a rolling window ending with your birth month"
    elif basis == "birth_month":
        how = "ending with your birth month"
    elif basis == "license_date":
        how = "counted from the date the license was issued"
    elif basis == "fiscal":
        month = rule.period_start_month
        how = f"starting in {_MONTHS[month - 1]}" if month else "over the board's fiscal year"
    else:
        how = "calendar years"
    if anchor == "birth_year_parity":
        how += ", ending in even or odd years by your birth year"
    elif anchor == "license_number_parity":
        how += ", ending in even or odd years by your license number"
    elif anchor == "holder_supplied":
        how += "; the board sets each licensee's period (give yours on the license form)"
    elif rule.cycle_anchor_year and rule.period_years > 1 and anchor in (None, "fixed"):
        how += f", in cycles counted from {rule.cycle_anchor_year}"
    return f"{length}, {how}"


def _caps(rule: Rule) -> list[str]:
    caps = []
    for key, what in (
        ("self_study", "Self-study (QAS self-study and nano-learning)"),
        ("nano", "Nano-learning"),
        ("non_technical", "Non-technical subjects"),
    ):
        hours = getattr(rule, f"max_{key}_hours")
        pct = getattr(rule, f"max_{key}_pct")
        limits = [_h(hours)] if hours is not None else []
        if pct is not None:
            limits.append(f"{hours_text(pct)}% of the total")
        if limits:
            caps.append(f"{what}: at most {' or '.join(limits)} (the lower applies)")
    return caps


def _first_period_words(rule: Rule) -> str | None:
    return {
        "exempt": "No CPE is asked in the period in which the license was issued.",
        "starts_next_period": "CPE is asked from the first full period after the license "
        "was issued.",
        "prorate": "The first period asks for less, by the months the license was held.",
        "table": "The first period asks for less, by when in the period the license was issued.",
        "ramp": "The first periods after the license was issued ask for less, rising to the full "
        "total.",
    }.get(rule.first_period)


def _carryover_words(rule: Rule) -> str:
    if rule.carryover_max_hours is None or rule.period_basis == "rolling":
        return "None: hours above the total do not carry into the next period."
    if rule.carryover_scope == "next_year":
        return (
            f"Up to {_h(rule.carryover_max_hours)} above a year's minimum carry into the next year."
        )
    return f"Up to {_h(rule.carryover_max_hours)} above the total carry into the next period."


def _row(label: str, value: str) -> str:
    return (
        f'<tr><td valign="top" style="padding-right: 12px"><b>{html.escape(label)}</b></td>'
        f"<td>{value}</td></tr>"
    )


def _no_rule(item: LicenseStatus, is_admin: bool) -> str:
    license_ = item.license
    where = (
        "Add one under Administration › Requirements."
        if is_admin
        else "Ask your administrator to add one."
    )
    return (
        f"<p>There is no rule for {html.escape(license_.credential.code)} in "
        f"{html.escape(license_.jurisdiction)}, so this license is not judged. "
        f"{html.escape(where)}</p>"
    )


def notes_for_readers(notes: str) -> tuple[list[str], list[str]]:
    """A rule's notes split for the licensee: (what the board's text says, what the program
    does not check), with the maintainers' lines left out."""
    board: list[str] = []
    unchecked: list[str] = []
    for line in notes.splitlines():
        text = line.strip()
        if not text:
            continue
        match = _HEADING.fullmatch(text)
        heading = match.group(1) if match else None
        if heading in _MAINTAINERS_HEADINGS:
            continue
        if match and heading == _NOT_MODELLED:  # (a heading implies a match)
            rest = _MAINTAINERS_ASIDE.sub("", match.group(2)).strip()
            if rest:
                unchecked.append(rest)
            continue
        board.append(text)
    return board, unchecked


def license_html(item: LicenseStatus, is_admin: bool = False) -> str:
    """One license: its rule, where the rule comes from, and what counts toward it."""
    license_ = item.license
    title = f"{license_.credential.code} — {license_.jurisdiction}"
    if license_.license_number:
        title += f" (license {license_.license_number})"
    parts = [f"<h3>{html.escape(title)}</h3>"]
    row, ev = item.requirement, item.evaluation
    if row is None or ev is None:
        return parts[0] + _no_rule(item, is_admin)
    rule = compliance.rule_of(row)
    table = []
    if rule.total_hours is not None:
        table.append(
            _row("Total", html.escape(f"{_h(rule.total_hours)} {_years(rule.period_years)}"))
        )
    table.append(_row("Period", html.escape(period_words(rule))))
    table.append(
        _row(
            "Your current period",
            html.escape(
                f"{day_text(ev.period_start)} to {day_text(ev.period_end)}"
                + (" (a best guess until the card's question is answered)" * ev.period_guessed)
            ),
        )
    )
    if rule.ethics_hours:
        ethics = f"{_h(rule.ethics_hours)} {_years(rule.ethics_period_years or rule.period_years)}"
        if rule.ethics_state_specific:
            ethics += (
                f", on {license_.jurisdiction}'s rules: only ethics records whose Ethics "
                f"jurisdiction is {license_.jurisdiction} count"
            )
        table.append(_row("Ethics", html.escape(ethics)))
    if rule.annual_min_hours:
        table.append(_row("Each year", html.escape(f"at least {_h(rule.annual_min_hours)}")))
    if rule.technical_min_hours:
        table.append(
            _row("Technical", html.escape(f"at least {_h(rule.technical_min_hours)} a period"))
        )
    caps = _caps(rule)
    if caps:
        table.append(_row("Caps", "<br>".join(html.escape(c) for c in caps)))
    table.append(_row("Carryover", html.escape(_carryover_words(rule))))
    extra = [c.label for c in ev.components if not c.headline]
    held = set(name_lists.names_list(license_.attributes))
    for part in rule.components:
        if part.applies_if and part.applies_if not in held:
            work = ATTRIBUTE_LABELS.get(part.applies_if, part.applies_if.replace("_", " "))
            what = part.label or "More hours"
            extra.append(f"{what} — only if you tick “{work}” under Your work")
    if extra:
        table.append(_row("Also required", "<br>".join(html.escape(e) for e in extra)))
    first = _first_period_words(rule)
    if ev.first_period is not None:
        first = f"This is your first period: {ev.first_period.description}."
    if first:
        table.append(_row("New licensees", html.escape(first)))
    if rule.reciprocity != "none":
        home = (
            "This board accepts the CPE of the state where you mainly practise: give the license "
            "a home jurisdiction on the license form."
        )
        if rule.reciprocity == "home_state_plus_ethics":
            home += " It still asks for its own ethics."
        if ev.met_through:
            home += f" Now met through your {ev.met_through} license."
        table.append(_row("Other states", html.escape(home)))
    source = (row.source or "").strip()
    table.append(_row("Source", _linked(source) if source else "Not recorded"))
    checked = day_text(row.verified_on) if row.verified_on else "not recorded"
    if row.confidence:
        checked += f" (confidence: {row.confidence})"
    table.append(_row("Checked against source", html.escape(checked)))
    if row.effective_from:
        table.append(_row("In force from", html.escape(day_text(row.effective_from))))
    if row.user_edited or row.origin == "user":
        table.append(_row("Changed by", "your firm (an administrator edited this rule)"))
    parts.append('<table cellspacing="0" cellpadding="3">' + "".join(table) + "</table>")
    board, unchecked = notes_for_readers(row.notes or "")
    if unchecked:
        parts.append("<p><b>Not checked by the program</b> (check these yourself)</p>")
        parts.append("<ul>" + "".join(f"<li>{_linked(n)}</li>" for n in unchecked) + "</ul>")
    if board:
        parts.append("<p><b>From the board's rules</b> (as researched)</p>")
        parts.append("<ul>" + "".join(f"<li>{_linked(n)}</li>" for n in board) + "</ul>")
    return "".join(parts)


def licenses_html(ctx: ServiceContext) -> str:
    """The "Your licenses" section: the signed-in person's own licenses (administrators' too)
    with their rules, as of today."""
    parts = ["<h2>Your licenses</h2>"]
    user_id = ctx.actor.user_id
    if user_id is None:
        return parts[0] + "<p>Sign in as a person to see the rules of their licenses.</p>"
    items = sorted(
        compliance.evaluate_licenses(ctx, user_id),
        key=lambda i: (i.license.credential.code, i.license.jurisdiction, i.license.license_id),
    )
    if not items:
        return parts[0] + (
            "<p>You have no licenses yet. Add one on the Licenses tab and its rule appears here."
            "</p>"
        )
    parts.append(
        "<p>The rules the dashboard applies to your licenses today, as stored in the program.</p>"
    )
    parts.extend(license_html(item, ctx.actor.is_admin) for item in items)
    return "".join(parts)
