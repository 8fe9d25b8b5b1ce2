"""Bulk writing of imported records with room in SQLite's page cache (issue 18): larger while the
records are written, as it was afterwards, whether the writing succeeds or fails."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import CpeRecord, database
from cpe_desktop.services import bulk_records, bulk_sql
from cpe_desktop.services.interchange.csv_format import HEADER, import_records_csv

TEMPLATE = ",".join(HEADER)


def _text(count: int) -> str:
    rows = [f"2024-01-{1 + n % 28:02d},Course {n},ACME,,Group Live,Taxes,2,," for n in range(count)]
    return "\n".join([TEMPLATE, *rows]) + "\n"


def _cache_size() -> int:
    return database.execute_sql("PRAGMA cache_size").fetchone()[0]


def test_the_cache_is_larger_while_writing_and_as_it_was_after(system, people, monkeypatch):
    if not database.obj.__class__.__name__.lower().startswith("sqlite"):
        pytest.skip("SQLite's page cache")
    alice = people.ann
    before = _cache_size()
    seen = []
    real = bulk_records._insert_credits

    def noting(ids, batch):
        seen.append(_cache_size())
        real(ids, batch)

    monkeypatch.setattr(bulk_records, "_insert_credits", noting)
    import_records_csv(system, _text(5), alice)
    assert seen == [-bulk_sql.BULK_CACHE_KIB]
    assert _cache_size() == before
    assert CpeRecord.select().count() == 5


def test_the_cache_is_as_it_was_after_a_failure(system, people, monkeypatch):
    if not database.obj.__class__.__name__.lower().startswith("sqlite"):
        pytest.skip("SQLite's page cache")
    alice = people.ann
    before = _cache_size()

    def failing(ids, batch):
        raise RuntimeError("the disk went away")

    monkeypatch.setattr(bulk_records, "_insert_credits", failing)
    with pytest.raises(RuntimeError, match="disk went away"):
        import_records_csv(system, _text(5), alice)
    assert _cache_size() == before
    assert CpeRecord.select().count() == 0


def test_a_cache_already_large_is_left_alone(system, people, monkeypatch):
    if not database.obj.__class__.__name__.lower().startswith("sqlite"):
        pytest.skip("SQLite's page cache")
    alice = people.ann
    database.execute_sql("PRAGMA cache_size = -100000")
    seen = []
    real = bulk_records._insert_credits

    def noting(ids, batch):
        seen.append(_cache_size())
        real(ids, batch)

    monkeypatch.setattr(bulk_records, "_insert_credits", noting)
    import_records_csv(system, _text(3), alice)
    assert seen == [-100000]
    assert _cache_size() == -100000
