"""The generic paged table model: Qt's model tester, pages fetched on demand, sorting and filtering
by re-querying, refresh keeping what was loaded, formatting for people, and a 100,000-record
database that opens reading only its first page."""

from __future__ import annotations

import datetime as dt
import logging
from decimal import Decimal

import pytest
from peewee import fn
from PySide6.QtCore import QDate, QLocale, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import QTableView

from cpe_desktop.db.database import bind, make_database
from cpe_desktop.db.migrations import migrate
from cpe_desktop.db.models import (
    Attachment,
    CpeRecord,
    Credential,
    Notification,
    User,
    database,
)
from cpe_desktop.services import custom_fields, records
from cpe_desktop.services.context import Actor, ServiceContext
from cpe_desktop.services.errors import PermissionDenied
from cpe_desktop.services.tables import paging as tables
from cpe_desktop.ui.dates import date_format
from cpe_desktop.ui.table_model import PagedTableModel

NOW = dt.datetime(2026, 6, 15, 9, 30)
BIG = 100_000
FIELDS = ("Taxes", "Auditing", "Regulatory Ethics", "Accounting", "Finance")


def _bulk_records(users: list[int], n: int, chunk: int = 10_000) -> None:
    """``n`` records with one or two credit lines each, inserted in bulk, not through services.

    Plain ``executemany`` in the caller's transaction: building 100,000 rows of peewee insert
    SQL takes ten times longer than writing them."""
    first_id = (CpeRecord.select(fn.MAX(CpeRecord.record_id)).scalar() or 0) + 1
    now, start = NOW.isoformat(sep=" "), dt.date(2015, 1, 1)
    cursor, p = database.cursor(), database.param
    for first in range(first_id, first_id + n, chunk):
        ids = range(first, min(first + chunk, first_id + n))
        cursor.executemany(
            "INSERT INTO cpe_records (record_id, user_id, title, sponsor, completed_on,"
            " delivery_method, created_at, updated_at) VALUES (" + ", ".join([p] * 8) + ")",
            [
                (
                    i,
                    users[i % len(users)],
                    f"Course {i} topic {i % 97}",
                    f"Sponsor {i % 13}",
                    (start + dt.timedelta(days=i % 4000)).isoformat(),
                    "Group Live",
                    now,
                    now,
                )
                for i in ids
            ],
        )
        credits = [(i, FIELDS[i % 5], 1 + i % 8) for i in ids]
        credits += [(i, "Behavioral Ethics", 0.5) for i in ids if i % 3 == 0]
        cursor.executemany(
            "INSERT INTO record_credits (record_id, field_of_study, credits)"
            f" VALUES ({p}, {p}, {p})",
            credits,
        )
    if tables.is_postgres():  # ids were given explicitly: move the sequence past them
        database.execute_sql(
            "SELECT setval(pg_get_serial_sequence('cpe_records', 'record_id'),"
            " (SELECT MAX(record_id) FROM cpe_records))"
        )


def _users(count: int) -> list[int]:
    User.insert_many(
        [
            (f"User {i}", f"u{i}@example.com", "admin" if i == 0 else "member", NOW, NOW)
            for i in range(count)
        ],
        fields=[User.name, User.email, User.role, User.created_at, User.updated_at],
    ).execute()
    return [u.user_id for u in User.select().order_by(User.user_id)]


@pytest.fixture
def many(people):
    """Ann and Bob with 130 records between them, plus two made through the services."""
    with database.atomic():
        _bulk_records([people.ann.user_id, people.bob.user_id], 130)
    data = {
        "title": "Ethics zebra",
        "sponsor": "ACME",
        "completed_on": "2026-06-01",
        "delivery_method": "Group Live",
        "credits": [{"field": "Regulatory Ethics", "credits": "1.5"}],
    }
    records.create_record(people.as_ann, data)
    return people


def _model(ctx, name="records", page_size=20, **kwargs) -> PagedTableModel:
    return PagedTableModel(tables.spec(name), ctx, page_size=page_size, **kwargs)


def _column(model, key) -> int:
    index = model.column_index(key)
    assert index is not None
    return index


def _texts(model, key) -> list[str]:
    column = _column(model, key)
    return [model.index(row, column).data() for row in range(model.rowCount())]


def test_model_passes_qtmodeltester_through_paging_sorting_and_refresh(qtmodeltester, many):
    model = _model(many.as_admin)
    qtmodeltester.check(model)  # stays attached: the steps below are checked as they happen
    model.fetchMore(QModelIndex())
    model.sort(_column(model, "title"), Qt.SortOrder.AscendingOrder)
    model.set_search("course topic")
    model.refresh()
    model.set_search("")
    model.sort(-1)


@pytest.mark.parametrize("name", sorted(tables.SPECS))
def test_every_spec_passes_qtmodeltester(qtmodeltester, many, name):
    qtmodeltester.check(_model(many.as_admin, name))


def test_fetch_more_reads_one_page_at_a_time(many):
    model = _model(many.as_admin)
    assert (model.rowCount(), model.pagesFetched, model.canFetchMore(QModelIndex())) == (
        20,
        1,
        True,
    )
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == model.total_count() == 131
    assert model.pagesFetched == 7  # 6 full pages and the last, short one
    pks = [model.pk_at(row) for row in range(model.rowCount())]
    assert len(set(pks)) == 131 and all(model.row_of_pk(pk) == i for i, pk in enumerate(pks))
    assert model.row_of_pk(-1) is None


def test_sort_and_search_requery_the_database(qtbot, many):
    model = _model(many.as_admin)
    title = _column(model, "title")
    with qtbot.waitSignal(model.modelReset):
        model.sort(title, Qt.SortOrder.DescendingOrder)
    assert (model.sort_column(), model.sort_order()) == (title, Qt.SortOrder.DescendingOrder)
    assert model.index(0, title).data() == "Ethics zebra" and model.pagesFetched == 2
    model.sort(title, Qt.SortOrder.DescendingOrder)  # unchanged: no query
    assert model.pagesFetched == 2
    model.set_search("ZEBRA  ethics")
    assert _texts(model, "title") == ["Ethics zebra"] and model.total_count() == 1
    assert not model.canFetchMore(QModelIndex())
    model.set_search("no such thing")
    assert model.rowCount() == 0 and "no such thing" in model.empty_message()
    model.set_search("")
    assert model.rowCount() == 20 and model.empty_message() == model.spec.empty_text


def test_refresh_keeps_loaded_rows_and_moves_persistent_indexes(many):
    model = _model(many.as_admin)
    model.fetchMore(QModelIndex())
    model.fetchMore(QModelIndex())
    assert model.rowCount() == 60
    followed = QPersistentModelIndex(model.index(10, 1))
    pk = model.pk_at(10)
    data = {
        "title": "Newest",
        "completed_on": "2026-06-14",
        "delivery_method": "Group Live",
        "credits": [{"field": "Taxes", "credits": 2}],
    }
    records.create_record(many.as_ann, data)
    fetched = model.pagesFetched
    assert model.refresh() is None
    assert model.rowCount() == 60 and model.pagesFetched == fetched + 1
    assert model.index(0, _column(model, "title")).data() == "Newest"
    assert followed.row() == 11 and model.pk_at(11) == pk
    assert model.total_count() == 132
    records.delete_record(many.as_admin, model.pk_at(0))
    model.refresh()
    assert followed.row() == 10 and model.pk_at(10) == pk and model.rowCount() == 60


def test_refresh_after_deleting_when_everything_was_loaded(qtmodeltester, many):
    model = _model(many.as_admin, page_size=500)
    qtmodeltester.check(model)
    last = QPersistentModelIndex(model.index(model.rowCount() - 1, 0))
    last_pk = model.pk_at(model.rowCount() - 1)
    records.delete_record(many.as_admin, model.pk_at(0))
    model.refresh()
    assert model.rowCount() == 130 and not model.canFetchMore(QModelIndex())
    assert last.row() == 129 and model.pk_at(129) == last_pk
    assert model.row_of_pk(last_pk) == 129


def test_refresh_with_a_new_custom_field_adds_its_column(qtbot, many):
    model = _model(many.as_admin)
    before = model.columnCount()
    custom_fields.define_field(
        many.as_admin, {"entity": "record", "field_name": "Provider", "field_type": "text"}
    )
    with qtbot.waitSignal(model.modelReset):
        model.refresh()
    assert model.columnCount() == before + 1
    assert model.headerData(before, Qt.Orientation.Horizontal) == "Provider"


def test_cells_are_formatted_for_people(many):
    model = _model(many.as_admin)
    model.set_search("zebra")
    credits, completed = _column(model, "credits"), _column(model, "completed_on")
    assert model.index(0, credits).data() == QLocale().toString(1.5, "f", 1)
    assert model.index(0, credits).data(PagedTableModel.RawRole) == Decimal("1.50")
    assert model.index(0, credits).data(PagedTableModel.SortRole) == 1.5
    # The locale's date, with a four-digit year.
    assert model.index(0, completed).data() == QLocale().toString(QDate(2026, 6, 1), date_format())
    assert model.index(0, _column(model, "certificate")).data() == "No"
    right = model.index(0, credits).data(Qt.ItemDataRole.TextAlignmentRole)
    assert Qt.AlignmentFlag(right) & Qt.AlignmentFlag.AlignRight
    left = model.index(0, _column(model, "title")).data(Qt.ItemDataRole.TextAlignmentRole)
    assert not Qt.AlignmentFlag(left) & Qt.AlignmentFlag.AlignRight
    assert model.index(0, 0).data(PagedTableModel.PkRole) == model.pk_at(0)
    assert model.headerData(credits, Qt.Orientation.Horizontal) == "Credits"


def test_a_column_that_says_its_value_in_words_is_shown_in_words(many):
    """The window showed a certificate's size as "1,733" and its type as "application/pdf"
    although the column says them in words: the model now uses the column's words too, and
    still sorts by the stored number."""
    Attachment.create(
        user=many.ann.user_id,
        original_name="ethics.pdf",
        sha256="ab" * 32,
        size=1733,
        media_type="application/pdf",
        created_at=NOW,
    )
    model = _model(many.as_admin, "attachments")
    assert (_texts(model, "size"), _texts(model, "media_type")) == (["1.7 KB"], ["PDF"])
    assert model.index(0, _column(model, "size")).data(PagedTableModel.SortRole) == 1733


def test_long_text_shows_one_line_with_the_whole_text_as_tooltip(many):
    message = "Your Texas CPA period ends soon.\n" + "You still need 12 credits. " * 5
    Notification.create(user=many.ann.user_id, message=message, created_at=NOW)
    Notification.create(user=many.ann.user_id, message="Short", created_at=NOW)
    model = _model(many.as_admin, "notifications")
    column = _column(model, "message")
    texts = {model.index(r, column).data(): r for r in range(model.rowCount())}
    long_row = next(r for t, r in texts.items() if t.startswith("Your Texas"))
    assert "\n" not in model.index(long_row, column).data()
    assert model.index(long_row, column).data(Qt.ItemDataRole.ToolTipRole) == message
    assert model.index(texts["Short"], column).data(Qt.ItemDataRole.ToolTipRole) is None


def test_members_get_their_rows_without_the_holder_column(many):
    model = _model(many.as_ann, page_size=500)
    assert model.column_index("holder") is None
    assert model.rowCount() == model.total_count() == 66
    with pytest.raises(PermissionDenied):
        _model(many.as_ann, "audit_logs")


def test_view_shows_the_first_page_without_fetching_more(qtbot, many):
    model = _model(many.as_admin, page_size=100)
    view = QTableView()
    qtbot.addWidget(view)
    view.setModel(model)
    view.resize(800, 400)
    view.show()
    qtbot.waitExposed(view)
    view.grab()
    assert model.pagesFetched == 1
    view.scrollToBottom()
    qtbot.waitUntil(lambda: model.pagesFetched == 2)


# --- 100,000 records --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_db(tmp_path_factory):
    db = make_database(str(tmp_path_factory.mktemp("big") / "big.db"))
    bind(db)
    db.connect()
    migrate(db)
    with db.atomic():
        Credential.insert(code="CPA", name="CPA", created_at=NOW, updated_at=NOW).execute()
        users = _users(10)
        _bulk_records(users, BIG)
    db.close()
    return db


def test_opening_100k_records_reads_only_the_first_page(big_db, caplog):
    bind(big_db)
    big_db.connect(reuse_if_open=True)
    try:
        admin = User.get(User.role == "admin")
        ctx = ServiceContext(actor=Actor.for_user(admin))
        assert CpeRecord.select().count() == BIG
        with caplog.at_level(logging.DEBUG, logger="peewee"):
            model = PagedTableModel(tables.spec("records"), ctx)
        assert model.rowCount() == 200
        assert model.pagesFetched == 1
        assert model.canFetchMore(QModelIndex())
        queries = [r.getMessage() for r in caplog.records if r.name == "peewee"]
        page_queries = [q for q in queries if 'FROM "cpe_records"' in q]
        assert page_queries and all("LIMIT" in q or " IN (" in q for q in page_queries)
        assert model.total_count() == BIG
        model.sort(model.column_index("title"), Qt.SortOrder.AscendingOrder)
        assert model.rowCount() == 200 and model.pagesFetched == 2
    finally:
        big_db.close()
