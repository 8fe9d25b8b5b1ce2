"""Schema 4: tracked history, multi-day programs and how boards set periods (ARCHITECTURE.md §4).

``licenses`` gains where tracking starts (``tracked_from``), the hours earned in the current period
before it (``opening_hours``, ``opening_ethics_hours``) and the holder's principal place of
business (``home_jurisdiction``); ``cpe_records`` gains ``started_on``; ``state_requirements``
gains the cycle anchor, the first-period rule, the carryover scope and reciprocity. Every new
column is nullable: NULL reads as the rule's default.

Existing licenses get ``tracked_from`` as ARCHITECTURE.md §4 gives an imported license: the start of
the period (under the rule in force today) containing the holder's earliest record, or the current
period's start when the holder has none; a license without a rule, the earliest record's date or
today. A schema 3 program judged every period back to the issue date, so a license issued years ago
showed as overdue for periods nobody entered; from here on, it is judged from where its data begins.
The step reads through small models of its own (see m0003).
"""

from __future__ import annotations

import datetime as dt

import peewee
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from cpe_desktop.db.rule_columns import rows_in_force, rule_from_columns
from cpe_desktop.db.typed import tuples
from cpe_desktop.rules.facts import LicenseFacts, Rule


def _hours() -> peewee.DecimalField:
    return peewee.DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)


NEW_COLUMNS: dict[str, tuple[tuple[str, peewee.Field], ...]] = {
    "licenses": (
        ("tracked_from", peewee.DateField(null=True)),
        ("opening_hours", _hours()),
        ("opening_ethics_hours", _hours()),
        ("home_jurisdiction", peewee.CharField(max_length=100, null=True)),
    ),
    "cpe_records": (("started_on", peewee.DateField(null=True)),),
    "state_requirements": (
        ("cycle_anchor", peewee.CharField(max_length=30, null=True)),
        ("cycle_parity_offset", peewee.IntegerField(null=True)),
        ("first_period", peewee.CharField(max_length=30, null=True)),
        ("first_period_hours_per_unit", _hours()),
        ("first_period_unit_months", peewee.IntegerField(null=True)),
        ("first_period_counts_issue_month", peewee.BooleanField(null=True)),
        ("first_period_ethics", _hours()),
        ("first_period_table", peewee.TextField(null=True)),
        ("carryover_scope", peewee.CharField(max_length=20, null=True)),
        ("reciprocity", peewee.CharField(max_length=30, null=True)),
    ),
}


class _User(peewee.Model):
    user_id = peewee.AutoField()
    birth_date = peewee.DateField(null=True)

    class Meta:
        table_name = "users"


class _Credential(peewee.Model):
    credential_id = peewee.AutoField()
    code = peewee.CharField()

    class Meta:
        table_name = "credentials"


class _License(peewee.Model):
    license_id = peewee.AutoField()
    user_id = peewee.IntegerField()
    credential_id = peewee.IntegerField()
    jurisdiction = peewee.CharField()
    license_number = peewee.CharField(null=True)
    issued_on = peewee.DateField(null=True)
    period_end_override = peewee.DateField(null=True)
    tracked_from = peewee.DateField(null=True)

    class Meta:
        table_name = "licenses"


class _Record(peewee.Model):
    record_id = peewee.AutoField()
    user_id = peewee.IntegerField()
    completed_on = peewee.DateField()

    class Meta:
        table_name = "cpe_records"


def _hours_column() -> peewee.DecimalField:
    return peewee.DecimalField(max_digits=8, decimal_places=2, auto_round=True, null=True)


class _Requirement(peewee.Model):
    """Every column ``rule_from_columns`` reads, as schema 4 has them."""

    state_id = peewee.AutoField()
    state_name = peewee.CharField()
    credential_id = peewee.IntegerField()
    total_credits_required = peewee.IntegerField(null=True)
    ethics_credits_required = peewee.IntegerField(null=True)
    reporting_period_years = peewee.IntegerField()
    annual_min_hours = _hours_column()
    ethics_period_years = peewee.IntegerField(null=True)
    ethics_state_specific = peewee.BooleanField(null=True)
    period_basis = peewee.CharField(null=True)
    period_start_month = peewee.IntegerField(null=True)
    cycle_anchor_year = peewee.IntegerField(null=True)
    max_self_study_hours = _hours_column()
    max_self_study_pct = _hours_column()
    max_nano_hours = _hours_column()
    max_nano_pct = _hours_column()
    max_non_technical_hours = _hours_column()
    max_non_technical_pct = _hours_column()
    technical_min_hours = _hours_column()
    carryover_max_hours = _hours_column()
    effective_from = peewee.DateField(null=True)
    cycle_anchor = peewee.CharField(null=True)
    cycle_parity_offset = peewee.IntegerField(null=True)
    first_period = peewee.CharField(null=True)
    first_period_hours_per_unit = _hours_column()
    first_period_unit_months = peewee.IntegerField(null=True)
    first_period_counts_issue_month = peewee.BooleanField(null=True)
    first_period_ethics = _hours_column()
    first_period_table = peewee.TextField(null=True)
    carryover_scope = peewee.CharField(null=True)
    reciprocity = peewee.CharField(null=True)

    class Meta:
        table_name = "state_requirements"


_MODELS = [_User, _Credential, _License, _Record, _Requirement]


def _rules_in_force(today: dt.date) -> dict[tuple[int, str], Rule | None]:
    """(credential_id, jurisdiction) → the engine's Rule in force today (None: unusable row)."""
    chosen = rows_in_force(_Requirement.select(), today)
    rules: dict[tuple[int, str], Rule | None] = {}
    for key, row in chosen.items():
        try:
            rules[key] = rule_from_columns(row.__data__)
        except (ValueError, TypeError):
            rules[key] = None  # a row the engine cannot read: judged as having no rule
    return rules


def _tracked_from(
    license_: _License,
    rule: Rule | None,
    birth_date: dt.date | None,
    earliest: dt.date | None,
    today: dt.date,
    code: str,
) -> dt.date:
    from cpe_desktop.rules.tracking import default_tracked_from

    if rule is None:
        return earliest or today
    facts = LicenseFacts(
        license_id=license_.license_id,
        credential=code,
        jurisdiction=license_.jurisdiction,
        issued_on=license_.issued_on,
        period_end_override=license_.period_end_override,
        birth_date=birth_date,
        holder_id=license_.user_id,
        license_number=license_.license_number,
    )
    try:
        return default_tracked_from(rule, facts, today, earliest)
    except ValueError:
        # A period that needs a fact nobody gave (a birth date, the holder's period end):
        # tracking starts with the holder's data, and the status asks for the fact.
        return earliest or today


def fill_tracked_from(db: peewee.Database, today: dt.date) -> None:
    """Set ``tracked_from`` of every license that has none, as of ``today`` (ARCHITECTURE.md §4)."""
    with db.bind_ctx(_MODELS):
        rules = _rules_in_force(today)
        births = dict(tuples(_User.select(_User.user_id, _User.birth_date)))
        codes = dict(tuples(_Credential.select(_Credential.credential_id, _Credential.code)))
        earliest = dict(
            tuples(
                _Record.select(_Record.user_id, peewee.fn.MIN(_Record.completed_on)).group_by(
                    _Record.user_id
                )
            )
        )
        for license_ in _License.select().where(_License.tracked_from.is_null()):
            first = earliest.get(license_.user_id)
            if isinstance(first, str):  # SQLite hands an aggregate back as text
                first = dt.date.fromisoformat(first)
            start = _tracked_from(
                license_,
                rules.get((license_.credential_id, license_.jurisdiction)),
                births.get(license_.user_id),
                first,
                today,
                codes.get(license_.credential_id, ""),
            )
            _License.update(tracked_from=start).where(
                _License.license_id == license_.license_id
            ).execute()


def apply(db: peewee.Database) -> None:
    migrator = SchemaMigrator.from_database(db)
    run_operations(
        *(
            migrator.add_column(table, name, field)
            for table, columns in NEW_COLUMNS.items()
            for name, field in columns
        )
    )
    fill_tracked_from(db, today())


def today() -> dt.date:
    """The date the step judges "current" by (tests replace it)."""
    return dt.date.today()
