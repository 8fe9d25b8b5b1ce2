"""Who is connected: each desk (running program) keeps a row in ``desk_sessions`` while it runs.

A desk checks in when a person signs in (:func:`check_in`), touches its row every few minutes
(:func:`touch`, which also says whether any other desk is connected) and checks out when it
quits (:func:`check_out`). A desk not seen for :data:`CONNECTED_FOR` is not counted as
connected (it crashed, or its computer slept); rows a day old are removed by the next check-in.

Connection state, not anyone's data: not audited (a row touched every few minutes would flood
the log) and not exported. No Qt here.
"""

from __future__ import annotations

import datetime as dt
import platform
import socket

from cpe_desktop import __version__
from cpe_desktop.db.models import DeskSession, database
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.desks.live_changes import DESK_ID, is_postgres

TOUCH_EVERY = dt.timedelta(minutes=2)
CONNECTED_FOR = dt.timedelta(minutes=5)  # two missed touches and a margin
FORGOTTEN_AFTER = dt.timedelta(days=1)


def machine_name() -> str:
    """This computer's name as its owner knows it."""
    return (platform.node() or socket.gethostname() or "this computer")[:255]


def check_in(ctx: ServiceContext, machine: str | None = None) -> None:
    """Record this desk as connected, for the person signed in (again, after a switch)."""
    now = ctx.now()
    with database.atomic():
        DeskSession.delete().where(DeskSession.last_seen < now - FORGOTTEN_AFTER).execute()
        values = {
            DeskSession.user: ctx.actor.user_id,
            DeskSession.machine: (machine or machine_name())[:255],
            DeskSession.program_version: __version__,
            DeskSession.database_kind: "postgresql" if is_postgres() else "sqlite",
            DeskSession.last_seen: now,
        }
        updated = DeskSession.update(values).where(DeskSession.desk_id == DESK_ID).execute()
        if not updated:
            DeskSession.insert(
                {**values, DeskSession.desk_id: DESK_ID, DeskSession.started_at: now}
            ).execute()


def touch(ctx: ServiceContext) -> int:
    """Say this desk is still here; returns how many other desks are connected."""
    now = ctx.now()
    with database.atomic():
        DeskSession.update(last_seen=now).where(DeskSession.desk_id == DESK_ID).execute()
    return others_connected(ctx)


def others_connected(ctx: ServiceContext) -> int:
    return (
        DeskSession.select()
        .where(
            (DeskSession.desk_id != DESK_ID) & (DeskSession.last_seen >= ctx.now() - CONNECTED_FOR)
        )
        .count()
    )


def check_out() -> None:
    """This desk is leaving (the program quits)."""
    with database.atomic():
        DeskSession.delete().where(DeskSession.desk_id == DESK_ID).execute()
