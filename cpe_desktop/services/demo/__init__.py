"""A demo firm in an empty database: ``cpe-tracker demo`` (benchmarks, screenshots, trying it out).

:func:`make_demo_firm` fills a database that holds no people yet with an invented accounting
firm (``catalog.py``): an administrator and members, licenses in several states and
credentials, years of records (``plan.py``) of which many carry a certificate PDF
(``certificate.py``) and some do not, custom fields and their values, preferences, reminders
(one-time, weekly, monthly, yearly) of which the due ones have fired, the deadline and status
notifications the program itself makes, the emails of people who chose email (marked sent: there
is no mail server), progress reports and a firm summary, an activity entry and the demo's own
task row.

Everything goes through the services, so validation, permissions, audit entries and the audit
hash chain apply as for data typed in; the records without a certificate go in through the
importers' bulk path (``bulk_records``). It is one transaction: a demo that fails leaves the
database as it was (certificate files already written stay in the data folder, unused).

Deterministic: the people, records and every other row come from ``random.Random(seed)`` and
the as-of date, and every timestamp from a clock standing at that date (17:00 UTC), so the same
seed and as-of date make the same rows. Passwords are the exception: a password's hash has a
random salt (without ``password`` no account has one, as in a fresh installation).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import ALL_MODELS, Notification, User, database
from cpe_desktop.services import (
    bulk_records,
    compliance,
    custom_fields,
    deadlines,
    licenses,
    notifications,
    preferences,
    records,
    reminders,
    tasks,
    users,
)
from cpe_desktop.services.audit import activity
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import COMMAND_LINE, Actor, ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.demo import catalog, plan
from cpe_desktop.services.demo.catalog import LicenseTemplate, PersonTemplate
from cpe_desktop.services.demo.certificate import certificate_lines, pdf_bytes
from cpe_desktop.services.errors import Conflict, ValidationError
from cpe_desktop.services.interchange.checks import RECORD_KEYS, check_record
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.reporting import reports

DEFAULT_USERS = 8
DEFAULT_RECORDS_PER_USER = 40
DEFAULT_SEED = 1
MAX_USERS = 1000
MAX_RECORDS_PER_USER = 20_000
MAX_CERTIFICATES_PER_USER = 40  # each is a file written (and synced) in the data folder
MAX_COSTED_PER_USER = 15  # records with a cost and "reimbursed" (custom fields)
CLOCK_TIME = dt.time(17, 0)  # the moment every row is stamped with, on the as-of date (UTC)
REMINDER_CHECK = dt.time(12, 0)  # the local time due reminders are fired at, on the as-of date

Progress = Callable[[int, str], None]


@dataclass
class DemoSummary:
    """What :func:`make_demo_firm` made."""

    seed: int
    as_of: dt.date
    people: list[tuple[str, str, str]] = field(default_factory=list)  # name, email, role
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows in it afterwards
    statuses: dict[str, int] = field(default_factory=dict)  # license status -> count
    certificates: int = 0

    def describe(self) -> str:
        admins = [email for _, email, role in self.people if role == "admin"]
        made = self.rows
        lines = [
            f"Made the demo firm {catalog.FIRM} as of {self.as_of.isoformat()} (seed {self.seed}):",
            f"  {len(self.people)} people ({len(admins)} administrator: {', '.join(admins)}), "
            f"{made.get('licenses', 0)} licenses, {made.get('cpe_records', 0)} records "
            f"({self.certificates} with a certificate),",
            f"  {made.get('reminders', 0)} reminders, {made.get('notifications', 0)} "
            f"notifications, {made.get('emails', 0)} emails, {made.get('reports', 0)} reports, "
            f"{made.get('custom_fields', 0)} custom fields, {made.get('audit_logs', 0)} audit "
            "entries.",
            "  Licenses: "
            + ", ".join(
                f"{count} {status.replace('_', ' ')}" for status, count in self.statuses.items()
            )
            + ".",
        ]
        return "\n".join(lines)


def demo_clock(as_of: dt.date) -> FixedClock:
    """The clock a demo is made with: ``as_of`` at 17:00 UTC."""
    return FixedClock(dt.datetime.combine(as_of, CLOCK_TIME, tzinfo=dt.UTC))


def make_demo_firm(
    clock: FixedClock,
    *,
    users_count: int = DEFAULT_USERS,
    records_per_user: int = DEFAULT_RECORDS_PER_USER,
    seed: int = DEFAULT_SEED,
    password: str | None = None,
    max_certificates: int = MAX_CERTIFICATES_PER_USER,
    progress: Progress | None = None,
) -> DemoSummary:
    """Fill the (people-less) database with the demo firm as of ``clock.today()``.

    The shipped credentials and rules must be loaded (``startup.open_database`` does). Raises
    :class:`Conflict` when the database already holds people: demo data never mixes with real
    data. ``password``: every account gets it (None: no passwords).
    """
    if not 1 <= users_count <= MAX_USERS:
        raise ValidationError("users", f"must be between 1 and {MAX_USERS}")
    if not 1 <= records_per_user <= MAX_RECORDS_PER_USER:
        raise ValidationError("records_per_user", f"must be between 1 and {MAX_RECORDS_PER_USER}")
    as_of = clock.today()
    rng = random.Random(seed)
    summary = DemoSummary(seed=seed, as_of=as_of)
    tell = progress or (lambda _percent, _message: None)
    with database.atomic():
        present = User.select().count()
        if present:
            raise Conflict(
                f"This database already holds {present} "
                f"{'person' if present == 1 else 'people'}: the demo fills only an empty "
                "database, so that demo data never mixes with real data. Use a new database."
            )
        by_code("CPA")  # the shipped credentials are there (a clear error if not)
        start = ServiceContext(COMMAND_LINE, clock)
        task_id = tasks.create_task(start, "Make the demo firm")
        tasks.start_task(start, task_id)
        templates = people_for(users_count, rng)
        builder = _Builder(clock, seed, as_of, records_per_user, password, max_certificates)
        tell(5, "Adding the people")
        builder.add_people(start, templates)
        builder.define_custom_fields()
        for index, person in enumerate(templates):
            tell(10 + 60 * index // len(templates), f"Records of {person.name}")
            builder.add_licenses_and_records(person)
        tell(75, "Reminders and notifications")
        builder.add_preferences_and_reminders()
        builder.add_notifications()
        tell(90, "Reports")
        builder.add_reports()
        summary.people = [(p.name, builder.email_of[p.name], p.role) for p in templates]
        summary.certificates = builder.certificates
        statuses = Counter(
            item.status for item in compliance.evaluate_licenses(builder.admin_ctx, None, as_of)
        )
        order = ("complete", "on_track", "at_risk", "overdue", "no_rule")
        summary.statuses = {status: statuses[status] for status in order if statuses[status]}
        activity.log(
            builder.admin_ctx,
            "demo firm made",
            f"cpe-tracker demo: {users_count} people, about {records_per_user} records each, "
            f"seed {seed}, as of {as_of.isoformat()}",
        )
        tasks.complete_task(start, task_id, summary.describe().splitlines()[0])
        summary.rows = table_counts()
    tell(100, "Done")
    return summary


def table_counts() -> dict[str, int]:
    """Rows in each table of the account model (``db.models.ALL_MODELS``)."""
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


def people_for(count: int, rng: random.Random) -> list[PersonTemplate]:
    """The firm's people, then invented ones up to ``count``."""
    chosen = list(catalog.FIRM_PEOPLE[:count])
    taken = {person.name for person in chosen}
    while len(chosen) < count:
        name = f"{rng.choice(catalog.FIRST_NAMES)} {rng.choice(catalog.LAST_NAMES)}"
        if name in taken:
            continue
        taken.add(name)
        held: tuple[LicenseTemplate, ...] = (rng.choice(catalog.EXTRA_LICENSES),)
        if rng.random() < 0.35:
            held += (rng.choice(catalog.EXTRA_SECOND),)
        profile = rng.choices(
            (catalog.DILIGENT, catalog.BEHIND, catalog.LAPSED), weights=(8, 1, 1)
        )[0]
        focus = tuple(rng.sample(["Taxes", "Accounting", "Auditing", "Finance"], 2))
        chosen.append(
            PersonTemplate(
                name,
                "member",
                profile,
                held,
                focus,
                rng.randint(1965, 1996),
                rng.choice(catalog.EXTRA_OFFICES),
                rng.choice(catalog.EXTRA_TITLES),
            )
        )
    return chosen


def _digits(pattern: str, rng: random.Random) -> str:
    return "".join(str(rng.randint(0, 9)) if ch == "#" else ch for ch in pattern)


class _Builder:
    """The steps of one demo, sharing the people made so far."""

    def __init__(
        self,
        clock: FixedClock,
        seed: int,
        as_of: dt.date,
        records_per_user: int,
        password: str | None,
        max_certificates: int,
    ) -> None:
        self.clock = clock
        # Each person draws from a generator of their own, so that what one person gets does
        # not shift what the next one gets (a firm of 3 is the first 3 of a firm of 8).
        self.seed = seed
        self.rngs: dict[str, random.Random] = {}
        self.as_of = as_of
        self.records_per_user = records_per_user
        self.password = password
        self.max_certificates = max_certificates
        self.people: list[tuple[PersonTemplate, User, ServiceContext]] = []
        self.email_of: dict[str, str] = {}
        self.birth_month: dict[str, int] = {}
        self.licenses_of: dict[int, list[Any]] = {}
        self.fields: dict[str, int] = {}
        self.certificates = 0
        self.admin_ctx: ServiceContext

    def rng_of(self, person: PersonTemplate) -> random.Random:
        if person.name not in self.rngs:
            self.rngs[person.name] = random.Random(f"{self.seed}/{person.name}")
        return self.rngs[person.name]

    def _ctx(self, user: User) -> ServiceContext:
        return ServiceContext(Actor.for_user(user), self.clock)

    # --- people ---------------------------------------------------------------------------

    def add_people(self, start: ServiceContext, templates: list[PersonTemplate]) -> None:
        acting = start  # the first account is the administrator; they add everyone else
        for person in templates:
            first, last = person.name.lower().split(" ", 1)
            email = f"{first}.{last.replace(' ', '')}@{catalog.DOMAIN}"
            while email in self.email_of.values():
                email = email.replace("@", f"{self.rng_of(person).randint(2, 9)}@", 1)
            self.email_of[person.name] = email
            month = plan.birth_month_for(person, self.as_of, self.rng_of(person))
            self.birth_month[person.name] = month
            data: dict[str, Any] = {
                "name": person.name,
                "email": email,
                "role": person.role,
                "birth_date": dt.date(person.birth_year, month, self.rng_of(person).randint(1, 28)),
            }
            if self.password:
                data["password"] = self.password
            user = users.create_user(acting, data).value
            ctx = self._ctx(user)
            if not self.people:
                self.admin_ctx = acting = ctx
            self.people.append((person, user, ctx))

    def define_custom_fields(self) -> None:
        admin = self.admin_ctx
        specs = (
            ("office", "user", "Office", "choice", list(catalog.OFFICES)),
            ("job", "user", "Job title", "text", None),
            ("fee", "license", "Renewal fee paid by the firm", "boolean", None),
            ("cost", "record", "Cost (USD)", "decimal", None),
            ("reimbursed", "record", "Reimbursed", "boolean", None),
        )
        for key, entity, name, kind, options in specs:
            data: dict[str, Any] = {"entity": entity, "field_name": name, "field_type": kind}
            if options:
                data["options"] = options
            self.fields[key] = custom_fields.define_field(admin, data).value.custom_field_id
        for person, user, _ctx in self.people:
            office = person.office if person.office in catalog.OFFICES else catalog.OFFICES[0]
            custom_fields.set_value(admin, self.fields["office"], user.user_id, office)
            custom_fields.set_value(admin, self.fields["job"], user.user_id, person.title)

    # --- licenses and records ---------------------------------------------------------------

    def add_licenses_and_records(self, person: PersonTemplate) -> None:
        _, user, ctx = next(entry for entry in self.people if entry[0] is person)
        planner = plan.Planner(
            self.rng_of(person),
            person,
            self.as_of,
            self.records_per_user,
            self.birth_month[person.name],
            max_certificates=self.max_certificates,
        )
        planned = planner.plan()
        earliest = planned[0].completed_on if planned else None
        held = []
        for template in person.licenses:
            held.append(self._license(ctx, user, person, template, earliest))
        self.licenses_of[user.user_id] = held
        self._records(ctx, user, person, planned)

    def _license(
        self,
        ctx: ServiceContext,
        user: User,
        person: PersonTemplate,
        template: LicenseTemplate,
        earliest: dt.date | None,
    ):
        facts: dict[str, Any] = {
            "license_number": _digits(template.number, self.rng_of(person)),
            "issued_on": plan.issued_on(person, self.as_of, self.rng_of(person)),
        }
        if template.holder_cycle_end_in is not None:
            facts["period_end_override"] = dt.date(
                self.as_of.year + template.holder_cycle_end_in, 12, 31
            )
        credential = by_code(template.credential)
        tracked = licenses.default_tracking_start(
            ctx, credential.credential_id, template.jurisdiction, facts, user.birth_date, earliest
        )
        data = {
            "user_id": user.user_id,
            "credential": template.credential,
            "jurisdiction": template.jurisdiction,
            "tracked_from": tracked.isoformat(),
            **{name: str(value) for name, value in facts.items()},
        }
        made = licenses.create_license(ctx, data).value
        custom_fields.set_value(
            self.admin_ctx, self.fields["fee"], made.license_id, self.rng_of(person).random() < 0.8
        )
        return made

    def _records(
        self,
        ctx: ServiceContext,
        user: User,
        person: PersonTemplate,
        planned: list[plan.PlannedRecord],
    ) -> None:
        topics = {topic for record in planned for topic in record.topics}
        bulk: list[bulk_records.NewRecord] = []
        for record in planned:
            if record.certificate:
                continue
            values = record.data(None)
            checked = check_record(ctx, values, RECORD_KEYS, topics)
            _no_problems(checked.errors, checked.warnings, record)
            bulk.append(bulk_records.prepare(user.user_id, checked.values))
        bulk_records.insert(ctx, bulk)
        costs_since = self.as_of - dt.timedelta(days=730)
        costed = 0
        for record in reversed(planned):  # newest first
            if not record.certificate:
                continue
            content = pdf_bytes(
                certificate_lines(
                    attendee=person.name,
                    title=record.title,
                    sponsor=record.sponsor,
                    sponsor_id=record.sponsor_id,
                    started_on=record.started_on,
                    completed_on=record.completed_on,
                    delivery_method=record.delivery_method,
                    credits=record.credits,
                )
            )
            name = f"{record.completed_on.isoformat()} {record.title}.pdf"
            sha = hashlib.sha256(content).hexdigest()
            stored = attachments.store_content(ctx, user.user_id, content, sha, name).value
            data = record.data(user.user_id) | {"attachment_id": stored.attachment_id}
            outcome = records.create_record(ctx, data)
            _no_problems({}, list(outcome.warnings), record)
            self.certificates += 1
            if record.completed_on >= costs_since and costed < MAX_COSTED_PER_USER:
                # What the firm paid, kept for the last two years' programs.
                made = outcome.value.record_id
                costed += 1
                custom_fields.set_value(ctx, self.fields["cost"], made, str(record.cost))
                custom_fields.set_value(
                    ctx, self.fields["reimbursed"], made, self.rng_of(person).random() < 0.85
                )

    # --- preferences, reminders, notifications, emails ---------------------------------------

    def add_preferences_and_reminders(self) -> None:
        due = dt.datetime.combine(self.as_of.replace(day=1), dt.time(9, 0))
        for index, (person, user, ctx) in enumerate(self.people):
            chosen: dict[str, Any] = {}
            if index == 0:
                chosen["notification_method"] = "tray_and_email"
            elif index % 4 == 3:
                chosen["notification_method"] = "email"
                chosen["reminder_lead_days"] = [60, 30, 14, 7]
            elif index % 4 == 2:
                chosen["reminder_lead_days"] = [120, 60, 30]
            if chosen:
                preferences.set_preferences(ctx, user.user_id, chosen)
            monthly = reminders.create_reminder(
                ctx,
                {
                    "user_id": user.user_id,
                    "message": "Log this month's CPE and attach the certificates.",
                    "frequency": "monthly",
                    "next_reminder": due.isoformat(),
                },
            ).value
            # Due at noon on the as-of date (whatever this machine's time zone): it fires now.
            now_local = dt.datetime.combine(self.as_of, REMINDER_CHECK)
            reminders.fire_reminder(ctx, monthly.reminder_id, now_local)
            held = self.licenses_of.get(user.user_id) or []
            if held:
                first = held[0]
                when = self.as_of + dt.timedelta(days=self.rng_of(person).randint(10, 45))
                reminders.create_reminder(
                    ctx,
                    {
                        "user_id": user.user_id,
                        "message": f"Check what the {first.credential.code} "
                        f"{first.jurisdiction} license still needs and book the courses.",
                        "frequency": "once",
                        "next_reminder": f"{when.isoformat()} 08:30",
                        "license_id": first.license_id,
                    },
                )
            for lic in held:
                if lic.credential.code in ("CMA", "CIA", "CISA"):
                    reminders.create_reminder(
                        ctx,
                        {
                            "user_id": user.user_id,
                            "message": f"Report this year's CPE to {lic.jurisdiction} and "
                            "renew the membership.",
                            "frequency": "yearly",
                            "next_reminder": f"{self.as_of.year + 1}-01-15",
                            "license_id": lic.license_id,
                        },
                    )
            if index == 0:
                monday = self.as_of + dt.timedelta(days=7 - self.as_of.weekday())
                reminders.create_reminder(
                    ctx,
                    {
                        "user_id": user.user_id,
                        "message": "Look over the firm's dashboard and the people at risk.",
                        "frequency": "weekly",
                        "next_reminder": f"{monday.isoformat()} 08:00",
                    },
                )

    def add_notifications(self) -> None:
        for index, (_person, user, ctx) in enumerate(self.people):
            deadlines.check_deadlines(ctx, user.user_id, self.as_of)
            made = list(
                Notification.select()
                .where(Notification.user == user.user_id)
                .order_by(Notification.notification_id)
            )
            for note in made:
                notifications.mark_delivered(ctx, note.notification_id, "shown")
            # Some people have read what came; the reminder just fired stays unread for all.
            if index % 2 == 0:
                seen = [n.notification_id for n in made if n.kind != "reminder"]
                if seen:
                    notifications.mark_read(ctx, seen)
            wants = preferences.get_preferences(ctx, user.user_id)["notification_method"]
            if wants in mail.EMAIL_METHODS:
                for note in made:
                    queued = mail.queue_notification_email(ctx, note.notification_id).value
                    if queued is not None:
                        # No mail server in a demo: recorded as sent, as the sender would.
                        mail._record_sent(ctx, queued.email_id)

    # --- reports ---------------------------------------------------------------------------

    def add_reports(self) -> None:
        for _person, user, ctx in self.people[:3]:
            reports.make_progress_report(ctx, user.user_id, self.as_of)
        reports.make_firm_summary(self.admin_ctx, self.as_of)


def _no_problems(errors: dict[str, str], warnings: list[str], record: plan.PlannedRecord) -> None:
    """The demo's records are right: a problem is a bug in the plan, not the person's."""
    if errors or warnings:
        problems = "; ".join([f"{k}: {v}" for k, v in errors.items()] + list(warnings))
        raise ValueError(f"demo record {record.title!r} ({record.completed_on}): {problems}")
