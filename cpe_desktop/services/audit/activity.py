"""What people did (sign-in, exports, settings): the activity log, apart from the audit trail."""

from __future__ import annotations

from cpe_desktop.db.models import ActivityLog
from cpe_desktop.services.changes import ACTIVITY, Changes, Outcome
from cpe_desktop.services.context import ServiceContext


def log(ctx: ServiceContext, action: str, details: str | None = None) -> Outcome[ActivityLog]:
    entry = ActivityLog.create(
        user=ctx.actor.user_id, action=action, timestamp=ctx.now(), details=details
    )
    return Outcome(entry, Changes.of(ACTIVITY))


def recent(ctx: ServiceContext, limit: int = 100) -> list[ActivityLog]:
    query = ActivityLog.select().order_by(ActivityLog.timestamp.desc()).limit(limit)
    if not ctx.actor.is_admin:
        query = query.where(ActivityLog.user == ctx.actor.user_id)
    return list(query)
