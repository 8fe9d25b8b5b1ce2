"""Benchmark: opening the CPE Records tab over 100,000 records, ours against Qt's QSqlQueryModel.

Why: the design promises that a tab over 100,000 records opens at once because rows are read a
page at a time and the database sorts. This measures it, and, in the same run on the same file,
what Qt's own ``QSqlQueryModel`` takes for the same columns in the same order (it runs the whole
sorted query, so every row's credit sums are computed before the first row arrives), plus Qt's
model over the plain table columns only (no computed columns: the cheapest thing Qt could show).

Each measurement is: build the model, put it in a ``QTableView`` shown offscreen, and paint it
(``grab()``) -- i.e. the first page on screen. The database connection is opened before timing.
Medians of ``--runs`` runs (after one warm-up run each), runs interleaved so neither side gets a
warmer cache. Not collected by pytest; see README.md in this folder.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import os
import platform
import sqlite3
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import PySide6
from PySide6.QtCore import QEvent
from PySide6.QtSql import QSqlDatabase, QSqlQuery, QSqlQueryModel
from PySide6.QtWidgets import QApplication, QTableView

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import CpeRecord, User
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.tables import paging as tables
from cpe_desktop.ui.table_model import PagedTableModel

FIELDS = ("Taxes", "Auditing", "Regulatory Ethics", "Accounting", "Finance")
NOW = "2026-06-15 09:30:00"


def build(path: Path, records: int, users: int = 10) -> None:
    """A fresh database with ``records`` records (one or two credit lines each)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    db = make_database(str(path))
    bind(db)
    db.connect()
    migrate(db)
    start = dt.date(2015, 1, 1)
    with db.atomic():
        cursor = db.cursor()
        cursor.executemany(
            "INSERT INTO users (name, email, role, active, created_at, updated_at)"
            " VALUES (?, ?, ?, 1, ?, ?)",
            [
                (f"User {i}", f"u{i}@example.com", "admin" if i == 0 else "member", NOW, NOW)
                for i in range(users)
            ],
        )
        cursor.executemany(
            "INSERT INTO cpe_records (record_id, user_id, title, sponsor, completed_on,"
            " delivery_method, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (
                (
                    i,
                    1 + i % users,
                    f"Course {i} topic {i % 97}",
                    f"Sponsor {i % 13}",
                    (start + dt.timedelta(days=i % 4000)).isoformat(),
                    "Group Live",
                    NOW,
                    NOW,
                )
                for i in range(1, records + 1)
            ),
        )
        cursor.executemany(
            "INSERT INTO record_credits (record_id, field_of_study, credits) VALUES (?, ?, ?)",
            [(i, FIELDS[i % 5], 1 + i % 8) for i in range(1, records + 1)]
            + [(i, "Behavioral Ethics", 0.5) for i in range(3, records + 1, 3)],
        )
    db.close()


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _inline(sql: str, params: list) -> str:
    """peewee's ``?`` parameters written into the SQL text, for QSqlQueryModel.setQuery(str)."""
    parts = sql.split("?")
    assert len(parts) == len(params) + 1
    out = [parts[0]]
    for value, part in zip(params, parts[1:], strict=True):
        literal = str(value) if isinstance(value, int | float) else _quote(str(value))
        out += [literal, part]
    return "".join(out)


def equivalent_sql(ctx: ServiceContext) -> tuple[str, str]:
    """The records tab's columns and order as one query; and the plain-columns-only query."""
    spec = tables.spec("records")
    columns = tables.columns_for(spec, ctx)
    pk = spec.model._meta.primary_key
    query = (
        spec.query()
        .select(pk, *[c.expression() for c in columns])
        .order_by(CpeRecord.completed_on.desc(), pk.desc())
    )
    plain = (
        "SELECT record_id, completed_on, title, sponsor, sponsor_id, delivery_method"
        " FROM cpe_records ORDER BY completed_on DESC, record_id DESC"
    )
    return _inline(*query.sql()), plain


def _paint(model, view: QTableView) -> None:
    view.setModel(model)
    view.resize(1200, 800)
    view.show()
    view.grab()  # lays out and paints the visible rows, as the first frame on screen would


def open_paged(path: Path) -> Callable[[], tuple[float, int]]:
    def run() -> tuple[float, int]:
        db = make_database(str(path))
        bind(db)
        db.connect()
        ctx = ServiceContext(actor=Actor.for_user(User.get(User.role == "admin")))
        view = QTableView()
        started = time.perf_counter()
        model = PagedTableModel(tables.spec("records"), ctx)
        _paint(model, view)
        elapsed = time.perf_counter() - started
        rows = model.rowCount()
        view.close()
        view.deleteLater()
        db.close()
        return elapsed, rows

    return run


def page_query_only(path: Path) -> Callable[[], tuple[float, int]]:
    """For reading the numbers: the first page's database work alone, without Qt."""

    def run() -> tuple[float, int]:
        db = make_database(str(path))
        bind(db)
        db.connect()
        ctx = ServiceContext(actor=Actor.for_user(User.get(User.role == "admin")))
        started = time.perf_counter()
        rows = tables.fetch_page(tables.spec("records"), ctx)
        elapsed = time.perf_counter() - started
        db.close()
        return elapsed, len(rows)

    return run


def open_qsql(path: Path, sql: str) -> Callable[[], tuple[float, int]]:
    counter = iter(range(1_000_000))

    def run() -> tuple[float, int]:
        name = f"bench-{next(counter)}"
        db = QSqlDatabase.addDatabase("QSQLITE", name)
        db.setDatabaseName(str(path))
        assert db.open(), db.lastError().text()
        view = QTableView()
        started = time.perf_counter()
        model = QSqlQueryModel()
        model.setQuery(sql, db)
        assert not model.lastError().isValid(), model.lastError().text()
        _paint(model, view)
        elapsed = time.perf_counter() - started
        rows = model.rowCount()
        view.close()
        view.deleteLater()
        model.clear()
        del model
        db.close()
        del db
        QSqlDatabase.removeDatabase(name)
        return elapsed, rows

    return run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", type=Path, help="database file (default: in the temp folder)")
    parser.add_argument("--rebuild", action="store_true", help="build the database afresh")
    args = parser.parse_args(argv)
    path = args.db or Path(tempfile.gettempdir()) / f"cpe-bench-{args.records}.db"

    app = QApplication.instance() or QApplication(sys.argv[:1])
    if args.rebuild or not _has_records(path, args.records):
        started = time.perf_counter()
        build(path, args.records)
        print(f"built {path} in {time.perf_counter() - started:.1f} s")
    else:
        print(f"reusing {path}")
    db = make_database(str(path))
    bind(db)
    with db.connection_context():
        ctx = ServiceContext(actor=Actor.for_user(User.get(User.role == "admin")))
        full_sql, plain_sql = equivalent_sql(ctx)
    contenders = {
        "PagedTableModel (ours, records tab)": open_paged(path),
        "QSqlQueryModel, same columns + order": open_qsql(path, full_sql),
        "QSqlQueryModel, plain columns only": open_qsql(path, plain_sql),
        "(ours: first-page queries alone, no Qt)": page_query_only(path),
    }
    times: dict[str, list[float]] = {name: [] for name in contenders}
    rows: dict[str, int] = {}
    for round_ in range(args.runs + 1):
        for name, run in contenders.items():
            gc.collect()
            elapsed, rows[name] = run()
            app.processEvents()
            app.sendPostedEvents(None, QEvent.Type.DeferredDelete)  # the closed views go now
            if round_:  # round 0 warms caches up
                times[name].append(elapsed)

    print(f"\nOpen the CPE Records tab over {args.records:,} records (admin sees all), SQLite,")
    print(f"median of {args.runs} runs; model built + QTableView shown offscreen + first paint\n")
    ours = statistics.median(times["PagedTableModel (ours, records tab)"])
    print(f"{'':40s} {'median':>10s} {'min':>10s} {'max':>10s} {'rows':>7s} {'vs ours':>8s}")
    for name, values in times.items():
        median = statistics.median(values)
        print(
            f"{name:40s} {median * 1000:8.1f}ms {min(values) * 1000:8.1f}ms"
            f" {max(values) * 1000:8.1f}ms {rows[name]:7d} {median / ours:7.1f}x"
        )
    print(
        f"\nPySide6 {PySide6.__version__}, Python sqlite3 {sqlite3.sqlite_version},"
        f" Qt QSQLITE driver {_qt_sqlite_version(path)}, {platform.platform()}"
    )
    return 0


def _qt_sqlite_version(path: Path) -> str:
    db = QSqlDatabase.addDatabase("QSQLITE", "bench-version")
    db.setDatabaseName(str(path))
    db.open()
    query = QSqlQuery("SELECT sqlite_version()", db)
    version = query.value(0) if query.next() else "?"
    query.finish()
    del query
    db.close()
    del db
    QSqlDatabase.removeDatabase("bench-version")
    return str(version)


def _has_records(path: Path, records: int) -> bool:
    if not path.exists():
        return False
    db = make_database(str(path))
    bind(db)
    try:
        with db.connection_context():
            return CpeRecord.select().count() == records
    except Exception:
        return False


if __name__ == "__main__":
    sys.exit(main())
