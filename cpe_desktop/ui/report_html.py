"""A stored report's data as the HTML that Qt's QTextDocument lays out, on screen and in a PDF.

One source for the report viewer and ``report_pdf``, so what a person reads in the window is what
they print. Every value from the data is escaped (a course title is user text). Lengths are in
CSS pixels, which QTextDocument scales to the paint device (a 300 dpi PDF or the screen). No Qt
import: plain text out.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Collection, Mapping
from decimal import Decimal
from html import escape
from typing import Any

from cpe_desktop.rules.wording import day_text, hours_text
from cpe_desktop.services.reporting.reports import (
    FIRM_SUMMARY,
    STATUS_WORDS,
    TYPE_TITLES,
    chosen_option,
    component_needed,
    component_rank,
    component_state,
    counted_since,
    sorted_components,
)

STATUS_COLOURS = {
    "overdue": "#b3261e",
    "at_risk": "#a65300",
    "on_track": "#1f5fa8",
    "complete": "#1b7f3b",
    "no_rule": "#666666",
}
FIRM_HEADERS = [
    "Person",
    "License",
    "Status",
    "Required",
    "Counted",
    "Shortfall",
    "Period end",
    "Days left",
]
NOT_ADVICE = (
    "Requirements are as recorded in CPE Tracker on the date above; boards change their rules, "
    "and their own rules have the final word. This report is not legal advice."
)


def day(text: str | None) -> str:
    """An ISO date as ``31 Dec 2026``; a dash when there is none."""
    return day_text(dt.date.fromisoformat(text)) if text else "—"


def num(value: Any) -> str:
    """Hours as ``12.5``; a dash when there is none."""
    return "—" if value is None else hours_text(Decimal(str(value)))


EMAIL_LINE = 26  # characters of an e-mail address that fit the firm summary's Person column


def email_html(address: str, css_class: str = "muted small") -> str:
    """An e-mail address on lines of its own that never break inside it: whole when it is
    short, else "local@" above "domain" (a page that cut it "firm@har" / "bor-example.com" misled
    whoever copied it). No invisible characters: the PDF's text layer reads the address as is.
    A part too long for its column widens the column."""
    local, at, domain = address.rpartition("@")
    parts = [f"{local}@", domain] if at and len(address) > EMAIL_LINE else [address]
    return "".join(
        f"<p class='{css_class}' style='white-space: nowrap; margin: 0'>{escape(part)}</p>"
        for part in parts
    )


def status_word(status: str) -> str:
    return STATUS_WORDS.get(status, status)


def _status(status: str) -> str:
    colour = STATUS_COLOURS.get(status, "#000000")
    return f'<span style="color:{colour}; font-weight:bold">{escape(status_word(status))}</span>'


def _css() -> str:
    return """
        body { font-size: 9.5pt; color: #1a1a1a; }
        h1 { font-size: 17pt; margin-bottom: 2px; }
        h2 { font-size: 12.5pt; margin-top: 16px; margin-bottom: 3px; }
        h3 { font-size: 10.5pt; margin-top: 12px; margin-bottom: 3px; }
        p { margin-top: 4px; margin-bottom: 4px; }
        .muted { color: #5c5c5c; }
        .small { font-size: 8.5pt; }
        table.grid { border-color: #b8b8b8; border-style: solid; margin-top: 2px; }
        table.grid th { background-color: #eeeeee; font-weight: bold; font-size: 8.5pt; }
        table.grid td { font-size: 8.5pt; }
    """


def _table(
    headers: list[str],
    rows: list[list[str]],
    numeric: set[int],
    widths: list[int] | None = None,
) -> str:
    """A ruled table whose header repeats on each page; ``rows`` cells are HTML already; columns
    in ``numeric`` align right; ``widths`` are percentages."""

    def cell(tag: str, index: int, content: str) -> str:
        align = ' align="right"' if index in numeric else ' align="left"' * (tag == "th")
        width = f' width="{widths[index]}%"' if widths and tag == "th" else ""
        return f"<{tag}{align}{width}>{content}</{tag}>"

    head = "".join(cell("th", i, h) for i, h in enumerate(headers))
    body = "".join(
        "<tr>" + "".join(cell("td", i, c) for i, c in enumerate(r)) + "</tr>" for r in rows
    )
    return f"{_TABLE_START}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


_TABLE_START = (
    '<table class="grid" width="100%" border="1" cellspacing="0" '
    'cellpadding="4" style="border-collapse: collapse">'
)
_NEW_PAGE = _TABLE_START.replace('collapse">', 'collapse; page-break-before: always">')
_GRID = re.compile(
    re.escape(_TABLE_START) + r"<thead>(?P<head>.*?)</thead><tbody>(?P<body>.*?)</tbody></table>",
    re.DOTALL,
)


def break_tables(html: str, breaks: Mapping[int, Collection[int]]) -> str:
    """``html`` (from :func:`report_html`) with its tables continued on a new page before the
    rows given: ``breaks`` maps a table's index (in document order) to the indexes of its body
    rows that must start a page. The table is ended there and a new one started, its header
    repeated, with a page break before it (row 0: the whole table starts on a new page).

    Qt's QTextDocument splits a table row between pages, each cell's lines where they fall
    ("Harbor and" / "Finch LLP"), and ignores ``page-break-inside: avoid``; ``report_pdf``
    measures the laid-out rows and calls this to keep every row on one page."""
    if not breaks:
        return html
    counter = iter(range(1 << 30))

    def split(match: re.Match[str]) -> str:
        rows = sorted(set(breaks.get(next(counter), ())))
        if not rows:
            return match.group(0)
        head = f"<thead>{match.group('head')}</thead>"
        body = re.findall(r"<tr>.*?</tr>", match.group("body"), re.DOTALL)
        starts = sorted({0, *(row for row in rows if 0 <= row < len(body))})
        tables = []
        for first, end in zip(starts, [*starts[1:], len(body)], strict=True):
            opening = _NEW_PAGE if first in rows else _TABLE_START
            tables.append(f"{opening}{head}<tbody>{''.join(body[first:end])}</tbody></table>")
        return "".join(tables)

    return _GRID.sub(split, html)


def table_window(html: str, table: int, first: int, count: int) -> str:
    """A document of ``html``'s style holding only its table number ``table`` (document order):
    the header and ``count`` body rows from ``first``.
    ``report_pdf`` lays this out alone to place the rows of a table that continues on a new page
    without laying the whole report out again for each page."""
    match = next(m for index, m in enumerate(_GRID.finditer(html)) if index == table)
    body = re.findall(r"<tr>.*?</tr>", match.group("body"), re.DOTALL)
    rows = "".join(body[first : first + count])
    return (
        f"<html><head><style>{_css()}</style></head><body>{_TABLE_START}"
        f"<thead>{match.group('head')}</thead><tbody>{rows}</tbody></table></body></html>"
    )


def _heading(data: dict[str, Any]) -> str:
    kind = data.get("kind", "")
    person = data.get("person") or {}
    who = ""
    if kind != FIRM_SUMMARY and person:
        who = f"{escape(person['name'])} &lt;{escape(person['email'])}&gt;<br>"
    elif kind == FIRM_SUMMARY:
        who = f"{data.get('people', 0)} people, {len(data['licenses'])} licenses<br>"
    return (
        f"<h1>{escape(TYPE_TITLES.get(kind, 'Report'))}</h1>"
        f"<p>{who}<span class='muted'>Data as of <b>{day(data['as_of'])}</b> · generated on "
        f"{day(data.get('generated_on'))}</span></p>"
    )


def _state(shortfall: Any) -> str:
    missing = Decimal(str(shortfall or 0))
    return f"<b>{hours_text(missing)} h missing</b>" if missing else "met"


def _requirement_row(label: str, lic: dict[str, Any], kind: str) -> tuple[Decimal, int, list[str]]:
    shortfall = lic[f"shortfall_{kind}"]
    numbers = [num(lic[f"{what}_{kind}"]) for what in ("required", "counted", "shortfall")]
    return Decimal(str(shortfall or 0)), 0, [label, *numbers, _state(shortfall)]


def _window(entry: dict[str, Any], lic: dict[str, Any]) -> str:
    """A component counted over a longer cycle says since when."""
    since = counted_since(entry, lic["period_start"], lic["period_end"])
    return f"<br><span class='muted'>{escape(since)}</span>" if since else ""


def _component_rows(lic: dict[str, Any]) -> list[tuple[Decimal, int, list[str]]]:
    """The components beyond the headline figures (those have their own rows)."""
    entries = lic.get("components") or []
    where = lic.get("jurisdiction")
    chosen = chosen_option(entries, where)
    rows = []
    for entry in sorted_components([e for e in entries if not e.get("headline")], where):
        needed = component_needed(entry, chosen)
        required = num(entry["required"])
        if entry["kind"] == "max" and entry["required"] is not None:
            required = f"at most {required}"
        elif entry["kind"] == "credit_factor":
            required = "—"
        state = escape(component_state(entry, where, chosen))
        if needed:
            state = f"<b>{state}</b>"
        label = escape(entry["label"]) + _window(entry, lic)
        cells = [label, required, num(entry["counted"]), num(needed), state]
        rows.append((needed, component_rank(entry, chosen), cells))
    return rows


def _requirements(lic: dict[str, Any]) -> str:
    """Every requirement of the license, headline figures and components alike, with what is
    still needed; most missing first."""
    carry = lic.get("carryover_in")
    total = "Total hours" + (f" (includes {num(carry)} carried over)" if carry else "")
    rows = [_requirement_row(total, lic, "total")]
    entries = lic.get("components") or []
    chosen = chosen_option(entries, lic.get("jurisdiction"))
    counted, required = lic.get("counted_total"), lic.get("required_total")
    waived = chosen and required is not None and Decimal(str(counted)) < Decimal(str(required))
    if chosen and waived and not lic.get("shortfall_total"):  # (waived implies chosen)
        rows[0][2][-1] = f"met — {escape(chosen)}"
    if lic.get("required_ethics") is not None:
        where = lic.get("ethics_jurisdiction")
        label = f"Ethics ({escape(where)}-approved)" if where else "Ethics"
        if lic.get("ethics_period_end") and lic["ethics_period_end"] != lic["period_end"]:
            label += f", {day(lic['ethics_period_start'])} – {day(lic['ethics_period_end'])}"
        rows.append(_requirement_row(label, lic, "ethics"))
    if lic.get("required_technical") is not None:
        rows.append(_requirement_row("Technical", lic, "technical"))
    rows += _component_rows(lic)
    order = sorted(range(len(rows)), key=lambda i: (-rows[i][0], rows[i][1], i))
    headers = ["Requirement", "Required", "Counted", "Still needed", "Result"]
    body = [rows[i][2] for i in order]
    return _table(headers, body, {1, 2, 3}, [33, 12, 10, 14, 31])


def _annual(lic: dict[str, Any]) -> str:
    if not lic.get("annual"):
        return ""
    rows = []
    for y in lic["annual"]:
        result = "Not yet judged" if not y["judged"] else ("Met" if y["met"] else "<b>Short</b>")
        span = f"{day(y['year_start'])} – {day(y['year_end'])}"
        rows.append([span, num(y["required"]), num(y.get("counted", y["earned"])), result])
    table = _table(["Year", "Minimum", "Counted", "Result"], rows, {1, 2}, [46, 18, 18, 18])
    return f"<h3>Annual minimum</h3>{table}"


def _notes(lic: dict[str, Any]) -> str:
    names = {"self_study": "Self-study", "nano": "Nano learning", "non_technical": "Non-technical"}
    parts = [
        f"{names.get(c['cap'], escape(c['cap']))} counts up to {num(c['limit'])} hours"
        + (f" ({num(c['dropped'])} not counted)" if c["dropped"] else "")
        for c in lic.get("caps", [])
    ]
    html = f"<p class='small'>Caps: {'; '.join(parts)}.</p>" if parts else ""
    issues = lic.get("issues") or []
    # One line for records without a certificate: the records table marks each of them.
    uncertified = sum(1 for issue in issues if issue["kind"] == "no_certificate")
    texts = [escape(issue["message"]) for issue in issues if issue["kind"] != "no_certificate"]
    if uncertified:
        noun = "record that counts has" if uncertified == 1 else "records that count have"
        texts.insert(0, f"{uncertified} {noun} no certificate attached (marked <b>No</b> below).")
    if texts:
        items = "".join(f"<li>{text}</li>" for text in texts)
        html += f"<h3>To fix</h3><ul class='small'>{items}</ul>"
    return html


def _records(lic: dict[str, Any]) -> str:
    records = lic.get("records") or []
    if not records:
        return "<h3>Records that count</h3><p class='muted'>No records in this period yet.</p>"
    rows = [
        [
            day(r["completed_on"]),  # as every other date of the report, in the user's format
            escape(r["title"]),
            escape(r.get("sponsor") or ""),
            num(r["credits"]),
            escape(", ".join(f"{f['field']} {num(f['credits'])}" for f in r["fields"])),
            "Yes" if r["certificate"] else "<b>No</b>",
        ]
        for r in records
    ]
    total = sum((Decimal(str(r["credits"])) for r in records), Decimal(0))
    headers = ["Date", "Title", "Sponsor", "Credits", "Fields of study", "Certificate"]
    return (
        f"<h3>Records that count ({len(records)}, {hours_text(total)} credits before caps)</h3>"
        + _table(headers, rows, {3}, [13, 28, 14, 9, 24, 12])
    )


def _pack(data: dict[str, Any]) -> str:
    pack = data.get("pack")
    if not pack:
        return ""
    files = "".join(f"<li>{escape(c['file'])}</li>" for c in pack["certificates"])
    html = "<h2>In this audit pack</h2><ul class='small'><li>summary.pdf (this report)</li>"
    html += f"{files}<li>missing-certificates.txt</li></ul>"
    if pack["missing"]:
        items = "".join(f"<li>{escape(line)}</li>" for line in pack["missing"])
        html += f"<h3>Records without a certificate</h3><ul class='small'>{items}</ul>"
    else:
        html += "<p>Every record that counts has its certificate in this pack.</p>"
    return html


def headline(lic: dict[str, Any]) -> str:
    """The license's one plain sentence (a report stored before there was one: what was
    missing)."""
    return lic.get("headline") or lic["shortfall"]


def _license_name(lic: dict[str, Any]) -> str:
    return f"{escape(lic['credential'])} — {escape(lic['jurisdiction'])}"


def _license(lic: dict[str, Any], new_page: bool) -> str:
    number = lic.get("license_number")
    title = _license_name(lic)
    if number:
        title += f" <span class='muted'>(license {escape(number)})</span>"
    # Each license from a new page: a board is sent the pages of its own license.
    style = ' style="page-break-before: always"' if new_page else ""
    title = f"<h2{style}>{title}</h2>"
    if lic.get("period_start") is None:
        return f"{title}<p>{_status(lic['status'])} · {escape(headline(lic))}</p>"
    days = lic["days_left"]
    left = f"{days} day{'s' * (days != 1)} left" if days >= 0 else "period over"
    facts = [f"Reporting period {day(lic['period_start'])} – {day(lic['period_end'])}", left]
    if lic.get("tracked_from"):
        facts.append(f"tracked since {day(lic['tracked_from'])}")
    if lic.get("first_period"):
        facts.append(f"first period: {escape(lic['first_period'])}")
    overdue = f"<p>{escape(lic['overdue'])}</p>" if lic.get("overdue") else ""
    return (
        f"{title}<p class='headline'><b>{escape(headline(lic))}</b></p>{overdue}"
        f"<p>{_status(lic['status'])} · {' · '.join(facts)}</p>"
        + _requirements(lic)
        + _annual(lic)
        + _notes(lic)
        + _records(lic)
    )


def _overview(licenses: list[dict[str, Any]]) -> str:
    """One line per license before the details, when there are several."""
    rows = [
        [
            _license_name(lic),
            _status(lic["status"]),
            num(lic["counted_total"]),
            num(lic["required_total"]),
            day(lic["period_end"]),
        ]
        for lic in licenses
    ]
    headers = ["License", "Status", "Counted", "Required", "Period end"]
    return "<h3>Summary</h3>" + _table(headers, rows, {2, 3}, [36, 16, 14, 14, 20])


def _progress(data: dict[str, Any]) -> str:
    licenses = data["licenses"]
    if not licenses:
        return "<p>No active licenses: add the licenses you hold to see your progress.</p>"
    html = _overview(licenses) if len(licenses) > 1 else ""
    html += "".join(_license(lic, new_page=index > 0) for index, lic in enumerate(licenses))
    return html + _pack(data)


def _firm(data: dict[str, Any]) -> str:
    counts = data.get("counts") or {}
    line = ", ".join(f"{n} {status_word(s).lower()}" for s, n in counts.items())
    rows = [
        [
            f"{escape(lic['person']['name'])}{email_html(lic['person']['email'])}",
            f"{escape(lic['credential'])} — {escape(lic['jurisdiction'])}<br>"
            f"<span class='muted small'>{escape(headline(lic))}</span>",
            _status(lic["status"]),
            num(lic["required_total"]),
            num(lic["counted_total"]),
            num(lic["shortfall_total"]),
            day(lic["period_end"]),
            "—" if lic["days_left"] is None else str(lic["days_left"]),
        ]
        for lic in data["licenses"]
    ]
    table = _table(FIRM_HEADERS, rows, {3, 4, 5, 7}, [22, 18, 11, 10, 9, 10, 12, 8])
    return (f"<p><b>Status:</b> {escape(line)}</p>" if line else "") + table


def report_html(data: dict[str, Any]) -> str:
    """The whole report as an HTML document."""
    kind = data.get("kind")
    body = _firm(data) if kind == FIRM_SUMMARY else _progress(data)
    return (
        f"<html><head><style>{_css()}</style></head><body>{_heading(data)}{body}"
        f"<p class='small muted'><br>{escape(NOT_ADVICE)}</p></body></html>"
    )
