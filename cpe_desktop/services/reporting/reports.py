"""Progress reports and firm summaries: what they say, and the ``reports`` table that keeps them.

A report is the compliance service's answer (``compliance.evaluate_licenses``) written down as
plain JSON — dates as ISO text, hours as numbers — and stored with its row. Opening a report
again, or exporting it to PDF, CSV or XLSX months later, renders that stored data, so it shows
what was true when it was made, not today's numbers: that is what a board or a manager was shown.
Rendering lives elsewhere: ``files`` (CSV, XLSX; no Qt) and ``ui/report_pdf`` (PDF, Qt).

Members make and see reports of their own account only; administrators anyone's, and only they
make the firm summary. Every stored report has its audit entry in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import Any

from cpe_desktop.db.models import CpeRecord, Report, User, database
from cpe_desktop.rules.compliance import Evaluation
from cpe_desktop.rules.component_facts import ComponentResult
from cpe_desktop.rules.wording import day_text, hours_text, overdue_text
from cpe_desktop.services import compliance
from cpe_desktop.services import records as records_service
from cpe_desktop.services.changes import AUDIT, REPORTS, Changes, Outcome
from cpe_desktop.services.compliance import LicenseStatus
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import NotFound, ValidationError

PROGRESS = "progress"
FIRM_SUMMARY = "firm_summary"
AUDIT_PACK = "audit_pack"
REPORT_TYPES = (PROGRESS, FIRM_SUMMARY, AUDIT_PACK)
TYPE_TITLES = {PROGRESS: "Progress report", FIRM_SUMMARY: "Firm summary", AUDIT_PACK: "Audit pack"}
DATA_FORMAT = "cpe-tracker-report/1"
CHANGED = Changes.of(REPORTS, AUDIT)

STATUS_WORDS = {
    "overdue": "Overdue",
    "at_risk": "At risk",
    "on_track": "On track",
    "complete": "Complete",
    "no_rule": "No rule",
}

ProgressCallback = Callable[[int, str], None]


def _tell(progress: ProgressCallback | None, percent: int, message: str) -> None:
    if progress is not None:
        progress(percent, message)


def hours(value: Decimal | None) -> int | float | None:
    """Hours as a JSON number (4, 1.5), None kept."""
    # Imported here: the interchange package (every file format) would add tens of ms to the
    # window's start, which reaches this module through the dashboard's license cards.
    from cpe_desktop.services.interchange.common import json_number

    return None if value is None else json_number(value)


# --- requirement components (ARCHITECTURE.md §4), said the same on the card, in reports and files
# ------


def component_json(result: ComponentResult) -> dict[str, Any]:
    """One judged component as stored in a report: hours as numbers, dates as ISO text."""
    return {
        "kind": result.kind,
        "label": result.label or result.what or result.kind,
        "what": result.what,
        "required": hours(result.required),
        "counted": hours(result.counted),
        "dropped": hours(result.dropped),
        "missing": hours(result.missing),
        "met": result.met,
        "window_start": result.window_start.isoformat(),
        "window_end": result.window_end.isoformat(),
        "alternative": result.alternative,
        "chosen": result.chosen,
        "headline": result.headline,
        "source": result.source,
    }


def _number(value: Any) -> Decimal:
    return Decimal(0) if value is None else Decimal(str(value))


def option_name(entry: dict[str, Any], jurisdiction: str | None) -> str:
    """An alternative group in words, by the first word of its name: "concentration_taxes" in
    New York -> "New York's concentration option"."""
    words = str(entry.get("alternative") or "").replace("_", " ").split()
    name = words[0] if words else "other"
    return f"{jurisdiction}'s {name} option" if jurisdiction else f"the {name} option"


def component_numbers(entry: dict[str, Any]) -> str:
    """Counted against required: "3 of 8 h", a cap "12 of at most 10 h", or "5 h"."""
    counted = hours_text(_number(entry.get("counted")))
    if entry.get("required") is None or entry["kind"] == "credit_factor":
        return f"{counted} h"
    required = hours_text(_number(entry["required"]))
    if entry["kind"] == "max":
        return f"{counted} of at most {required} h"
    return f"{counted} of {required} h"


def chosen_option(entries: Sequence[dict[str, Any]], jurisdiction: str | None) -> str | None:
    """The alternative met, in words (None when no group is met or there are none)."""
    for entry in entries:
        if entry.get("alternative") and entry.get("chosen"):
            return option_name(entry, jurisdiction)
    return None


def component_state(
    entry: dict[str, Any], jurisdiction: str | None, chosen: str | None = None
) -> str:
    """Where a component stands, in a few words: "met", "8 h missing", "3 h over the cap not
    counted"; an alternative says which option it belongs to and whether that one is met.
    ``chosen`` is the option met among the license's components (``chosen_option``)."""
    kind = entry["kind"]
    dropped = _number(entry.get("dropped"))
    missing = _number(entry.get("missing"))
    if kind == "max":
        return f"{hours_text(dropped)} h over the cap not counted" if dropped else "within the cap"
    if kind == "credit_factor":
        return f"{hours_text(dropped)} h not counted at the reduced rate" if dropped else "counted"
    if entry.get("met") is False:
        end = dt.date.fromisoformat(entry["window_end"])
        state = f"{hours_text(missing)} h short (ended {day_text(end)})"
    elif missing:
        state = f"{hours_text(missing)} h missing"
    else:
        state = "met"
    if not entry.get("alternative"):
        return state
    option = option_name(entry, jurisdiction)
    if entry.get("chosen"):
        return f"{state} — {option}"
    if chosen is not None:
        return f"not needed — {chosen} is met"
    return f"{state} — {option} (or another option)"


def counted_since(entry: dict[str, Any], period_start: str | None, period_end: str | None) -> str:
    """A component counted over a longer cycle than the period says since when ("counted since
    1 Jul 2020"); "" otherwise (a year's window is in its label)."""
    if entry["window_end"] != period_end or entry["window_start"] == period_start:
        return ""
    return f"counted since {day_text(dt.date.fromisoformat(entry['window_start']))}"


def component_needed(entry: dict[str, Any], chosen: str | None) -> Decimal:
    """Hours that still matter: none for an option not needed since another one is met."""
    if entry.get("alternative") and chosen is not None and not entry.get("chosen"):
        return Decimal(0)
    return _number(entry.get("missing"))


def component_rank(entry: dict[str, Any], chosen: str | None) -> int:
    """Among components with nothing missing: minimums first, then caps and factors, then the
    options not needed."""
    if entry.get("alternative") and chosen is not None and not entry.get("chosen"):
        return 2
    return 1 if entry["kind"] in ("max", "credit_factor") else 0


def sorted_components(entries: Sequence[dict[str, Any]], jurisdiction: str | None) -> list:
    """Most missing first; then what is met, caps and options not needed, in the engine's
    order within each."""
    chosen = chosen_option(entries, jurisdiction)
    order = sorted(
        enumerate(entries),
        key=lambda pair: (
            -component_needed(pair[1], chosen),
            component_rank(pair[1], chosen),
            pair[0],
        ),
    )
    return [entry for _, entry in order]


# --- building the data ---------------------------------------------------------------------------


def _person(user: User) -> dict[str, Any]:
    return {"user_id": user.user_id, "name": user.name, "email": user.email}


def _header(ctx: ServiceContext, kind: str, title: str, as_of: dt.date) -> dict[str, Any]:
    return {
        "format": DATA_FORMAT,
        "kind": kind,
        "title": title,
        "as_of": as_of.isoformat(),
        "generated_on": ctx.clock.today().isoformat(),
        "generated_at": ctx.now().isoformat(timespec="seconds"),
    }


def _record_json(record: CpeRecord) -> dict[str, Any]:
    lines = records_service.credits_of(record)
    total = sum((Decimal(str(line["credits"])) for line in lines), Decimal(0))
    return {
        "record_id": record.record_id,
        "completed_on": record.completed_on.isoformat(),
        "title": record.title,
        "sponsor": record.sponsor,
        "delivery_method": record.delivery_method,
        "credits": hours(total),
        "fields": [
            {"field": line["field"], "credits": hours(Decimal(str(line["credits"])))}
            for line in lines
        ],
        "certificate": record.attachment_id is not None,
    }


def _counting(ev: Evaluation, found: list[dict[str, Any]], as_of: dt.date) -> list[dict[str, Any]]:
    """The records that count: those in the period up to the as-of date, and any other the
    engine counted (ethics from an ethics period reaching outside the reporting period)."""
    first, last = ev.period_start.isoformat(), min(ev.period_end, as_of).isoformat()
    counted = set(ev.counted_records)
    return [r for r in found if first <= r["completed_on"] <= last or r["record_id"] in counted]


def _evaluation_json(ev: Evaluation) -> dict[str, Any]:
    return {
        "period_start": ev.period_start.isoformat(),
        "period_end": ev.period_end.isoformat(),
        "days_left": ev.days_left,
        "ethics_period_start": ev.ethics_period_start.isoformat(),
        "ethics_period_end": ev.ethics_period_end.isoformat(),
        "ethics_jurisdiction": ev.ethics_jurisdiction,
        "required_total": hours(ev.required_total),
        "earned_total": hours(ev.earned_total),
        "counted_total": hours(ev.counted_total),
        "carryover_in": hours(ev.carryover_in),
        "required_ethics": hours(ev.required_ethics),
        "counted_ethics": hours(ev.counted_ethics),
        "required_technical": hours(ev.required_technical),
        "counted_technical": hours(ev.counted_technical),
        "shortfall_total": hours(ev.shortfall_total),
        "shortfall_ethics": hours(ev.shortfall_ethics),
        "shortfall_technical": hours(ev.shortfall_technical),
        "shortfall": ev.shortfall_text(),
        # The one plain sentence first (what is needed by when), overdue history apart.
        "headline": ev.headline(),
        "overdue": overdue_text(ev),
        "tracked_from": ev.tracked_from.isoformat() if ev.tracked_from else None,
        "opening_hours": hours(ev.opening_hours),
        "first_period": ev.first_period.description if ev.first_period else None,
        "met_through": ev.met_through,
        "annual": [
            {
                "year_start": y.year_start.isoformat(),
                "year_end": y.year_end.isoformat(),
                "required": hours(y.required),
                "earned": hours(y.earned),
                "counted": hours(y.counted),
                "judged": y.judged,
                "met": y.met,
            }
            for y in ev.annual
        ],
        "caps": [
            {"cap": c.cap, "limit": hours(c.limit), "dropped": hours(c.dropped)} for c in ev.caps
        ],
        "issues": [{"kind": i.kind, "message": i.message} for i in ev.issues],
        # Every applicable component, headline figures included (``headline`` marks those).
        "components": [component_json(c) for c in ev.components],
    }


_NO_RULE: dict[str, Any] = {
    "period_start": None,
    "period_end": None,
    "days_left": None,
    "required_total": None,
    "counted_total": None,
    "carryover_in": None,
    "required_ethics": None,
    "counted_ethics": None,
    "shortfall_total": None,
    "shortfall_ethics": None,
    "annual": [],
    "caps": [],
}


def _license_json(item: LicenseStatus) -> dict[str, Any]:
    license_ = item.license
    base = {
        "license_id": license_.license_id,
        "credential": license_.credential.code,
        "credential_name": license_.credential.name,
        "jurisdiction": license_.jurisdiction,
        "license_number": license_.license_number,
        "status": item.status,
    }
    if item.evaluation is None:
        text = (
            f"No requirement rule covers {license_.credential.code} in {license_.jurisdiction}; "
            "add one under Administration › Requirements to judge this license."
        )
        issues = [{"kind": "no_rule", "message": text}]
        said = {"shortfall": text, "headline": text}
        return base | _NO_RULE | said | {"issues": issues, "records": []}
    return base | _evaluation_json(item.evaluation)


def _licenses_with_records(
    ctx: ServiceContext, user_id: int, items: list[LicenseStatus], as_of: dt.date
) -> list[dict[str, Any]]:
    judged = [item.evaluation for item in items if item.evaluation is not None]
    found: list[dict[str, Any]] = []
    if judged:
        first = min(min(ev.period_start, ev.ethics_period_start) for ev in judged)
        chosen = records_service.list_records(ctx, user_id, start=first, end=as_of)
        found = [_record_json(record) for record in chosen]
    result = []
    for item in items:
        entry = _license_json(item)
        if item.evaluation is not None:
            entry["records"] = _counting(item.evaluation, found, as_of)
        result.append(entry)
    return result


def progress_data(
    ctx: ServiceContext,
    user_id: int | None = None,
    as_of: dt.date | None = None,
    *,
    license_id: int | None = None,
    progress: ProgressCallback | None = None,
) -> dict[str, Any]:
    """The progress report of ``user_id`` (None: the actor) as of ``as_of`` (default today):
    every active license (or only ``license_id``) with its period, hours required and counted,
    what is missing and the records that count."""
    user_id = ctx.actor.user_id if user_id is None else user_id
    if user_id is None:
        raise ValidationError("user_id", "is required: say whose progress to report")
    ctx.require_owner(user_id, "make reports")
    user = rows.get_or_missing(User, user_id, "person")
    as_of = as_of or ctx.clock.today()
    _tell(progress, 5, "Judging the licenses")
    items = compliance.evaluate_licenses(ctx, user_id, as_of)
    if license_id is not None:
        items = [item for item in items if item.license.license_id == license_id]
        if not items:
            raise ValidationError("license_id", f"is not an active license of {user.name}")
    items.sort(key=lambda i: (i.license.credential.code, i.license.jurisdiction))
    _tell(progress, 30, "Reading the records")
    licenses = _licenses_with_records(ctx, user_id, items, as_of)
    data = _header(ctx, PROGRESS, f"{TYPE_TITLES[PROGRESS]} — {user.name}", as_of)
    return data | {"person": _person(user), "licenses": licenses}


_URGENCY = {"overdue": 0, "at_risk": 1}


def firm_order(entry: dict[str, Any]) -> tuple[Any, ...]:
    """Where a firm summary lists a license: the most urgent first. Overdue, then at risk, then
    the rest; within each, the nearest deadline (period end) first, a license without one (no
    rule judges it) last; then by person and credential."""
    return (
        _URGENCY.get(entry["status"], 2),
        entry.get("period_end") or "9999-12-31",
        entry["person"]["name"].casefold(),
        entry["person"]["email"],
        entry["credential"],
        entry["jurisdiction"],
    )


def firm_summary_data(
    ctx: ServiceContext, as_of: dt.date | None = None, *, progress: ProgressCallback | None = None
) -> dict[str, Any]:
    """Every person × active license of the firm with status, hours and deadline (admins only),
    the most urgent first (:func:`firm_order`)."""
    ctx.require_admin("make the firm summary")
    as_of = as_of or ctx.clock.today()
    _tell(progress, 5, "Judging every license")
    items = compliance.evaluate_licenses(ctx, None, as_of)
    entries = []
    for item in items:
        entry = _license_json(item) | {"person": _person(item.user)}
        entry.pop("records", None)
        for key in ("annual", "caps", "issues", "components"):
            entry.pop(key, None)
        entries.append(entry)
    entries.sort(key=firm_order)
    counts = Counter(item.status for item in items)
    data = _header(ctx, FIRM_SUMMARY, TYPE_TITLES[FIRM_SUMMARY], as_of)
    return data | {
        "person": _person(User.get_by_id(ctx.actor.user_id)) if ctx.actor.user_id else None,
        "people": len({item.user.user_id for item in items}),
        "counts": {status: counts[status] for status in STATUS_WORDS if counts[status]},
        "licenses": entries,
    }


# --- the reports table ---------------------------------------------------------------------------


def save_report(
    ctx: ServiceContext, report_type: str, user_id: int | None, data: dict[str, Any]
) -> Outcome[Report]:
    """Store ``data`` as a report of ``report_type`` kept under ``user_id``."""
    if report_type not in REPORT_TYPES:
        raise ValidationError("report_type", f"must be one of {', '.join(REPORT_TYPES)}")
    if user_id is None:
        raise ValidationError(
            "user_id", "is required: a report is kept under a person (sign in to make one)"
        )
    ctx.require_owner(user_id, "make reports")
    values = {
        "user": user_id,
        "report_type": report_type,
        "title": str(data.get("title") or TYPE_TITLES[report_type])[:300],
        "as_of": dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None,
        "data": json.dumps(data, ensure_ascii=False),
    }
    report = rows.create(ctx, Report, values, "report")
    return Outcome(report, CHANGED)


def make_progress_report(
    ctx: ServiceContext,
    user_id: int | None = None,
    as_of: dt.date | None = None,
    *,
    progress: ProgressCallback | None = None,
) -> Outcome[Report]:
    """Build and store the progress report of ``user_id`` (None: the actor)."""
    data = progress_data(ctx, user_id, as_of, progress=progress)
    _tell(progress, 90, "Saving the report")
    outcome = save_report(ctx, PROGRESS, data["person"]["user_id"], data)
    _tell(progress, 100, "Done")
    return outcome


def make_firm_summary(
    ctx: ServiceContext, as_of: dt.date | None = None, *, progress: ProgressCallback | None = None
) -> Outcome[Report]:
    """Build and store the firm summary, kept under the administrator who made it."""
    data = firm_summary_data(ctx, as_of, progress=progress)
    _tell(progress, 90, "Saving the report")
    outcome = save_report(ctx, FIRM_SUMMARY, ctx.actor.user_id, data)
    _tell(progress, 100, "Done")
    return outcome


def get_report(ctx: ServiceContext, report_id: int) -> Report:
    report = Report.get_or_none(Report.report_id == report_id)
    if report is None or not ctx.can_see(report.user_id):
        raise NotFound(f"There is no report with id {report_id}.")
    return report


def list_reports(ctx: ServiceContext, user_id: int | None = None) -> list[Report]:
    """Reports newest first: of ``user_id``, or all the actor may see."""
    query = Report.select().order_by(Report.created_at.desc(), Report.report_id.desc())
    if user_id is not None:
        ctx.require_owner(user_id, "see the reports")
        query = query.where(Report.user == user_id)
    elif not ctx.actor.is_admin:
        query = query.where(Report.user == ctx.actor.user_id)
    return list(query)


def report_data(report: Report) -> dict[str, Any]:
    """The data a report was made with, as stored."""
    try:
        data = json.loads(report.data or "")
    except ValueError:
        data = None
    if not isinstance(data, dict) or data.get("format") != DATA_FORMAT:
        raise ValidationError(
            "data", f"report {report.report_id} holds no data this version can show"
        )
    return data


def stored_data(ctx: ServiceContext, report_id: int) -> dict[str, Any]:
    """The stored data of a report the actor may see."""
    return report_data(get_report(ctx, report_id))


def delete_reports(ctx: ServiceContext, report_ids: Sequence[int]) -> Outcome[int]:
    """Delete reports (all or none), each with its audit entry."""
    with database.atomic():
        for report_id in report_ids:
            rows.delete(ctx, get_report(ctx, report_id), "report")
    return Outcome(len(report_ids), CHANGED)


def describe(report_ids: Sequence[int]) -> list[str]:
    """One line per report, for a confirmation."""
    found = Report.select().where(Report.report_id.in_(list(report_ids)))
    return [r.title or TYPE_TITLES.get(r.report_type, r.report_type) for r in found]
