"""The demo firm's builder: people, their licenses, records, certificates, custom values,
reminders, notifications, emails and reports, each written through the services
(:func:`~cpe_desktop.services.demo.make_demo_firm` drives it, in one transaction)."""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from typing import Any

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import PLAIN_TABLES, Notification, User
from cpe_desktop.services import (
    bulk_records,
    custom_fields,
    deadlines,
    licenses,
    notifications,
    plain_rows,
    preferences,
    records,
    reminders,
    users,
)
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.demo import catalog, plan
from cpe_desktop.services.demo.catalog import LicenseTemplate, PersonTemplate
from cpe_desktop.services.demo.certificate import certificate_lines, pdf_bytes
from cpe_desktop.services.interchange.checks import RECORD_KEYS, check_record
from cpe_desktop.services.mail import outbox as mail
from cpe_desktop.services.reporting import reports

MAX_COSTED_PER_USER = 15  # records with a cost and "reimbursed" (custom fields)
REMINDER_CHECK = dt.time(12, 0)  # the local time due reminders are fired at, on the as-of date


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


class Builder:
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

    def add_plain_rows(self) -> None:
        """Each plain table's declared demo rows (db/plain.py), for every person, through its
        service; a row's license is the person's first."""
        for table in PLAIN_TABLES:
            for _person, user, ctx in self.people:
                licenses = self.licenses_of.get(user.user_id) or [None]
                license_id = licenses[0].license_id if licenses[0] is not None else None
                for row in table.demo:
                    data = plain_rows.demo_values(table, row, self.as_of, license_id)
                    plain_rows.create(table, ctx, {"user_id": user.user_id, **data})


def _no_problems(errors: dict[str, str], warnings: list[str], record: plan.PlannedRecord) -> None:
    """The demo's records are right: a problem is a bug in the plan, not the person's."""
    if errors or warnings:
        problems = "; ".join([f"{k}: {v}" for k, v in errors.items()] + list(warnings))
        raise ValueError(f"demo record {record.title!r} ({record.completed_on}): {problems}")
