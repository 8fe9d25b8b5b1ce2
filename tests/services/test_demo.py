"""The demo firm (services/demo): every table filled, the statuses a firm has, records and
certificates that agree, the audit chain intact, a database with people refused, and the plan
fixed by its seed. Small firms keep these quick; ``tests/cli/test_cli_demo.py`` runs the
command itself and compares two databases made with one seed."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

import pytest

from cpe_desktop.db.models import (
    ALL_MODELS,
    AppMeta,
    AuditChainHead,
    CpeRecord,
    Email,
    Notification,
    Reminder,
    User,
)
from cpe_desktop.services import compliance, users
from cpe_desktop.services.audit import chain as audit_chain
from cpe_desktop.services.certificates import store as attachments
from cpe_desktop.services.certificates.text import read_certificate
from cpe_desktop.services.context import SYSTEM, ServiceContext
from cpe_desktop.services.demo import (
    catalog,
    demo_clock,
    make_demo_firm,
    people_for,
    plan,
    table_counts,
)
from cpe_desktop.services.errors import Conflict

AS_OF = dt.date(2026, 12, 5)


@pytest.fixture
def demo(seeded):
    return make_demo_firm(demo_clock(AS_OF), users_count=3, records_per_user=20, seed=7)


def test_every_table_of_the_account_model_has_rows(demo):
    # task_queue holds the demo's own task: the one row a demo can honestly put there.
    empty = [
        model._meta.table_name
        for model in (*ALL_MODELS, AppMeta, AuditChainHead)
        if not model.select().exists()
    ]
    assert empty == []
    assert demo.rows == table_counts()
    assert demo.rows["users"] == 3
    assert demo.rows["licenses"] == 6  # the firm's first three people hold two each


def test_the_firm_has_people_compliant_at_risk_and_overdue(demo):
    items = compliance.evaluate_licenses(ServiceContext(SYSTEM), None, AS_OF)
    by_person: dict[str, set[str]] = {}
    for item in items:
        by_person.setdefault(item.user.name, set()).add(item.status)

    assert by_person["Margaret Chen"] <= {"complete", "on_track"}
    assert "overdue" in by_person["Thomas Brennan"]
    assert "at_risk" in by_person["James Whitfield"]
    assert demo.statuses == {
        status: sum(item.status == status for item in items) for status in demo.statuses
    }


@pytest.mark.parametrize("as_of", ["2026-01-02", "2026-04-30", "2026-08-31", "2027-10-01"])
def test_every_status_is_there_whatever_the_day(seeded, as_of):
    day = dt.date.fromisoformat(as_of)
    summary = make_demo_firm(demo_clock(day), users_count=3, records_per_user=40, seed=3)

    assert "overdue" in summary.statuses
    assert "at_risk" in summary.statuses
    assert summary.statuses.keys() & {"complete", "on_track"}


def test_the_administrator_is_first_and_everyone_is_at_the_made_up_domain(demo):
    people = list(User.select().order_by(User.user_id))
    assert [(p.name, p.role) for p in people] == [
        ("Margaret Chen", "admin"),
        ("Thomas Brennan", "member"),
        ("James Whitfield", "member"),
    ]
    assert all(p.email.endswith("@" + catalog.DOMAIN) for p in people)
    assert not users.any_password()


def test_records_are_in_the_past_and_some_lack_a_certificate(demo):
    rows = list(CpeRecord.select())
    assert rows and all(r.completed_on <= AS_OF for r in rows)
    with_file = [r for r in rows if r.attachment_id is not None]
    assert 0 < len(with_file) < len(rows)
    assert any(r.started_on is not None for r in rows)  # multi-day programs
    assert any(r.ethics_jurisdiction == "Texas" for r in rows)


def test_each_certificate_says_what_its_record_says(demo):
    for record in CpeRecord.select().where(CpeRecord.attachment.is_null(False)):
        facts = read_certificate(attachments.path_of(record.attachment))
        total = sum((Decimal(line.credits) for line in record.credits), Decimal(0))
        assert facts.title.value == record.title
        assert facts.completed_on.value == record.completed_on
        assert facts.credits.value == total
        assert facts.delivery_method.value == record.delivery_method


def test_reminders_fired_and_notifications_and_emails_were_made(demo):
    assert Reminder.select().where(Reminder.frequency == "once").exists()
    assert Reminder.select().where(Reminder.frequency == "monthly").exists()
    assert Notification.select().where(Notification.kind == "reminder").exists()
    assert Notification.select().where(Notification.kind == "status").exists()
    assert Email.select().where(Email.status == "sent").count() == Email.select().count()


def test_the_audit_chain_and_the_rows_behind_it_check_out(demo):
    report = audit_chain.verify()
    assert report.ok, report.summary()
    assert report.entries > demo.rows["cpe_records"]


def test_a_database_with_people_is_refused_and_left_alone(seeded, system):
    users.create_user(system, {"name": "Real Person", "email": "real@example.com"})

    with pytest.raises(Conflict, match="already holds 1 person"):
        make_demo_firm(demo_clock(AS_OF), users_count=2, records_per_user=3)

    assert [u.email for u in User.select()] == ["real@example.com"]
    assert not CpeRecord.select().exists()


def test_more_people_than_the_firm_get_invented_names_and_licenses(seeded):
    summary = make_demo_firm(demo_clock(AS_OF), users_count=10, records_per_user=4, seed=5)

    emails = [email for _, email, _ in summary.people]
    assert len(set(emails)) == 10
    assert {name for name, _, _ in summary.people[8:]}.isdisjoint(
        {p.name for p in catalog.FIRM_PEOPLE}
    )
    assert summary.rows["licenses"] >= 13 + 2


def test_a_password_is_given_to_every_account_when_asked(seeded):
    make_demo_firm(demo_clock(AS_OF), users_count=2, records_per_user=3, password="demo-password-1")

    ctx = ServiceContext(SYSTEM)
    for person in User.select():
        assert users.authenticate(ctx, person.email, "demo-password-1").user_id == person.user_id


def _plan(seed: int) -> list[list[plan.PlannedRecord]]:
    rng = random.Random(seed)
    people = people_for(12, rng)
    return [
        plan.Planner(rng, person, AS_OF, 30, 5, max_certificates=10).plan() for person in people
    ]


def test_the_plan_is_fixed_by_its_seed():
    assert _plan(11) == _plan(11)
    assert _plan(11) != _plan(12)


def test_a_lapsed_person_did_little_last_year_and_nothing_this_year():
    lapsed = catalog.FIRM_PEOPLE[1]
    assert lapsed.profile == catalog.LAPSED
    made = plan.Planner(random.Random(1), lapsed, AS_OF, 40, 5, max_certificates=5).plan()

    def hours(year: int) -> Decimal:
        return sum(
            (c for r in made if r.completed_on.year == year for _, c in r.credits), Decimal(0)
        )

    assert hours(AS_OF.year - 2) >= 40
    assert hours(AS_OF.year - 1) < 20
    assert hours(AS_OF.year) == 0
