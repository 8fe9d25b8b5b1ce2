"""Benchmark: signing in with a password hashed at OWASP's scrypt cost (N=2^17, r=8, p=1).

Why: the hash must be slow for someone guessing passwords offline, but a person signing in
should wait well under half a second. Timed, medians of ``--runs`` on a fresh SQLite file with
one person: ``users.authenticate`` with a current hash (one scrypt, the account read, the
sign-in written to the activity log); the first sign-in with an older program's hash (N=2^15:
verified, then hashed again at today's cost and saved with its audit entry); and as the baseline,
in the same run, one bare ``hashlib.scrypt`` at each cost. Wall-clock and CPU time are both
printed: on a shared machine the wall-clock time includes waiting for a core.

Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import base64
import datetime as dt
import hashlib
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop.clock import FixedClock  # noqa: E402
from cpe_desktop.db.database import bind, make_database  # noqa: E402
from cpe_desktop.db.migrations import migrate  # noqa: E402
from cpe_desktop.db.models import User, database  # noqa: E402
from cpe_desktop.services import passwords, users  # noqa: E402
from cpe_desktop.services.context import SYSTEM, ServiceContext  # noqa: E402

PASSWORD = "correct horse battery"


def timed(label: str, action: Callable[[], object], runs: int, before=None) -> float:
    walls, cpus = [], []
    for _ in range(runs):
        if before is not None:
            before()
        wall, cpu = time.perf_counter(), time.process_time()
        action()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    median, cpu_median = statistics.median(walls), statistics.median(cpus)
    print(f"  {label:<52} wall median {median * 1000:7.0f} ms (min {min(walls) * 1000:.0f}, "
          f"max {max(walls) * 1000:.0f}); CPU median {cpu_median * 1000:.0f} ms")  # fmt: skip
    return median


def old_hash(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**15, r=8, p=1, maxmem=2**26)
    encoded = [base64.b64encode(raw).decode() for raw in (salt, digest)]
    return "$".join(["scrypt", "32768", "8", "1", *encoded])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = bind(make_database(str(Path(folder) / "bench.db")))
        db.connect()
        migrate(db)
        ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
        user = users.create_user(
            ctx, {"name": "Ann", "email": "ann@example.com", "password": PASSWORD}
        ).value
        print(f"scrypt N={passwords.N}, r={passwords.R}, p={passwords.P}; {os.cpu_count()} cores")
        salt = os.urandom(16)
        timed("baseline: hashlib.scrypt N=2^15 (the old cost)",
              lambda: hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**15, r=8, p=1,
                                     maxmem=2**26), args.runs)  # fmt: skip
        timed("baseline: hashlib.scrypt N=2^17",
              lambda: hashlib.scrypt(PASSWORD.encode(), salt=salt, n=2**17, r=8, p=1,
                                     maxmem=2**28), args.runs)  # fmt: skip
        timed("sign-in (users.authenticate), current hash",
              lambda: users.authenticate(ctx, "ann@example.com", PASSWORD), args.runs)  # fmt: skip

        def plant_old_hash() -> None:
            User.update(password_hash=old_hash(PASSWORD)).where(
                User.user_id == user.user_id
            ).execute()

        timed("first sign-in with an N=2^15 hash (verify + rehash)",
              lambda: users.authenticate(ctx, "ann@example.com", PASSWORD), args.runs,
              before=plant_old_hash)  # fmt: skip
        assert not passwords.needs_rehash(User.get_by_id(user.user_id).password_hash)
        database.obj.close()


if __name__ == "__main__":
    main()
