"""What the importers store must not move when they are made faster (issue 18): every row of
``cpe_records``, ``record_credits`` and ``audit_logs`` and every refusal's messages, after
importing the benchmark's file, a messy one and two refused ones with both importers
(``import_snapshot``), hashed and compared with the digest recorded before the speed work. The
audit chain must verify after each import.

When a deliberate change moves what is stored, record the new digest here (and say why in the
commit); ``python -m tests.services.interchange.import_snapshot out.json`` writes the whole
picture, to compare with one written before the change."""

from __future__ import annotations

from tests.services.interchange.import_snapshot import digest, snapshot

# Recorded at 12b6d9a, before issue 18's import pass (2,000 benchmark rows, 2,000 messy rows).
RECORDED = "bab73a84ac52c2b699b3d46340fc9afdab1747edc47b7b69268263fdb6f160e0"


def test_the_importers_store_what_they_stored_before(tmp_path):
    found = snapshot(2000, 2000)
    assert all(outcome["chain"].startswith("Chain verified") for outcome in found.values())
    assert found["messy template"]["stored"] == found["messy mapped"]["stored"]
    assert "refused" in found["erroneous template"] and "refused" in found["messy refused mapped"]
    assert digest(found) == RECORDED
