"""Hours logged toward each license over the length of its requirement's reporting period.

A plain sum for the dashboard until the compliance engine judges periods properly: the window is
the N years (the rule's period length) ending on the as-of date.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from peewee import fn

from cpe_desktop.db.models import CpeRecord, License, RecordCredit, StateRequirement
from cpe_desktop.rules.fields import ETHICS_FIELDS
from cpe_desktop.services import licenses, requirements
from cpe_desktop.services.context import ServiceContext


@dataclass(frozen=True)
class LicenseHours:
    license: License
    requirement: StateRequirement | None
    window_start: dt.date
    window_end: dt.date
    logged_total: Decimal
    logged_ethics: Decimal


def _years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years) + dt.timedelta(days=1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28) + dt.timedelta(days=1)


def _sum(user_id: int, start: dt.date, end: dt.date, fields=None) -> Decimal:
    query = (
        RecordCredit.select(fn.COALESCE(fn.SUM(RecordCredit.credits), 0))
        .join(CpeRecord)
        .where(
            (CpeRecord.user == user_id)
            & (CpeRecord.completed_on >= start)
            & (CpeRecord.completed_on <= end)
        )
    )
    if fields is not None:
        query = query.where(RecordCredit.field_of_study.in_(fields))
    return Decimal(str(query.scalar() or 0))


def hours_by_license(
    ctx: ServiceContext, user_id: int | None = None, as_of: dt.date | None = None
) -> list[LicenseHours]:
    as_of = as_of or ctx.clock.today()
    result = []
    for license_ in licenses.list_licenses(ctx, user_id):
        rule = requirements.find(license_.credential_id, license_.jurisdiction, as_of)
        years = rule.reporting_period_years if rule else 1
        start = _years_before(as_of, years)
        result.append(
            LicenseHours(
                license_,
                rule,
                start,
                as_of,
                _sum(license_.user_id, start, as_of),
                _sum(license_.user_id, start, as_of, ETHICS_FIELDS),
            )
        )
    return result
