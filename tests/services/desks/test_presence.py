"""Who is connected: a desk checks in at sign-in, touches its row while it runs, checks out at
quit; a desk that stopped touching (crashed, asleep) stops counting, and a day later is gone."""

from __future__ import annotations

import datetime as dt

from cpe_desktop.clock import FixedClock
from cpe_desktop.db.models import DeskSession
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.desks import presence
from cpe_desktop.services.desks.live_changes import DESK_ID

NOW = dt.datetime(2026, 12, 5, 9, 0)


def _at(ctx: ServiceContext, moment: dt.datetime) -> ServiceContext:
    return ServiceContext(ctx.actor, FixedClock(moment))


def _other_desk(desk_id: str, user_id: int, seen: dt.datetime) -> None:
    DeskSession.create(
        desk_id=desk_id,
        user=user_id,
        machine="BACK-OFFICE",
        program_version="0.1.0",
        database_kind="postgresql",
        started_at=seen,
        last_seen=seen,
    )


def test_a_desk_checks_in_counts_the_others_and_checks_out(people):
    ann = _at(people.as_ann, NOW)
    presence.check_in(ann, machine="FRONT-DESK")
    mine = DeskSession.get_by_id(DESK_ID)
    assert (mine.user_id, mine.machine, mine.started_at, mine.last_seen) == (
        people.ann.user_id,
        "FRONT-DESK",
        NOW,
        NOW,
    )
    assert presence.others_connected(ann) == 0
    _other_desk("b" * 32, people.bob.user_id, NOW)
    assert presence.touch(_at(people.as_ann, NOW + dt.timedelta(minutes=2))) == 1
    assert DeskSession.get_by_id(DESK_ID).last_seen == NOW + dt.timedelta(minutes=2)
    # Bob's desk stops touching its row (it crashed): after five minutes it no longer counts.
    assert presence.touch(_at(people.as_ann, NOW + dt.timedelta(minutes=6))) == 0
    presence.check_out()
    assert not DeskSession.select().where(DeskSession.desk_id == DESK_ID).exists()


def test_signing_in_again_keeps_one_row_for_the_desk_and_clears_day_old_ones(people):
    _other_desk("c" * 32, people.bob.user_id, NOW - dt.timedelta(days=2))
    presence.check_in(_at(people.as_ann, NOW))
    presence.check_in(_at(people.as_admin, NOW + dt.timedelta(hours=1)))  # switch user
    rows = list(DeskSession.select())
    assert [(r.desk_id, r.user_id, r.started_at) for r in rows] == [
        (DESK_ID, people.admin.user_id, NOW)
    ]
