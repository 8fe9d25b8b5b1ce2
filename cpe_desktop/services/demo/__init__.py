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
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import ALL_MODELS, PLAIN_TABLES, User, database
from cpe_desktop.services import compliance, tasks
from cpe_desktop.services.audit import activity
from cpe_desktop.services.context import COMMAND_LINE, ServiceContext
from cpe_desktop.services.credentials import by_code
from cpe_desktop.services.demo import catalog, plan
from cpe_desktop.services.demo.builder import Builder, people_for
from cpe_desktop.services.errors import Conflict, ValidationError

__all__ = [
    "DemoSummary",
    "catalog",
    "demo_clock",
    "make_demo_firm",
    "people_for",
    "plan",
    "table_counts",
]

DEFAULT_USERS = 8
DEFAULT_RECORDS_PER_USER = 40
DEFAULT_SEED = 1
MAX_USERS = 1000
MAX_RECORDS_PER_USER = 20_000
MAX_CERTIFICATES_PER_USER = 40  # each is a file written (and synced) in the data folder
CLOCK_TIME = dt.time(17, 0)  # the moment every row is stamped with, on the as-of date (UTC)

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
            f"{made.get('custom_fields', 0)} custom fields, "
            + "".join(f"{made.get(t.name, 0)} {t.several_words}, " for t in PLAIN_TABLES)
            + f"{made.get('audit_logs', 0)} audit entries.",
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
        builder = Builder(clock, seed, as_of, records_per_user, password, max_certificates)
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
        builder.add_plain_rows()
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
