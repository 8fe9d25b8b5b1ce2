"""How a desk process of the multi-desk tests connects: to the database named in its settings
(a SQLite path, or the PostgreSQL URL and the test's schema), as the person given."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.models import User
from cpe_desktop.services.context import Actor, ServiceContext


def connect(settings: dict):
    """The bound, connected database and a context acting as ``settings["user_id"]``."""
    kwargs = {"options": f"-c search_path={settings['schema']}"} if settings["schema"] else {}
    db = bind(make_database(settings["target"], **kwargs))
    db.connect()
    return db, ServiceContext(Actor.for_user(User.get_by_id(settings["user_id"])))
