"""Names the program makes for files (audit packs, the certificates inside them, reports, stored
certificates) never carry direction overrides or control characters, wherever the text came
from: "Ethics\u202efdp.exe" would show in a file manager as "Ethicsexe.pdf"."""

from __future__ import annotations

import zipfile

import pytest

from cpe_desktop.db.models import Attachment
from cpe_desktop.services.reporting import audit_pack, reports
from cpe_desktop.services.reporting import files as report_files
from tests.helpers.report_firm import PDF, build_firm, certificate, course, fake_pdf

BIDI = ["\u200e", "\u200f", "\u202a", "\u202b", "\u202c", "\u202d", "\u202e"]
BIDI += ["\u2066", "\u2067", "\u2068", "\u2069", "\u061c"]
C0_C1 = [chr(n) for n in [*range(0x20), 0x7F, *range(0x80, 0xA0)]]


def _clean(name: str) -> bool:
    return not any(ch in name for ch in BIDI + C0_C1)


@pytest.fixture
def firm(people, tmp_path):
    return build_firm(people, tmp_path / "sources")


def test_a_title_with_a_direction_override_gives_plain_names_in_the_audit_pack(firm, tmp_path):
    ctx, ann = firm.people.as_ann, firm.people.ann.user_id
    sneaky = certificate(ctx, ann, tmp_path / "sources", "cert\u202efdp.exe.pdf", PDF + b"rlo")
    course(ctx, "Ethics\u202efdp.exe", "2026-05-02", "Behavioral Ethics", 1, attachment_id=sneaky)
    isolated = "Isolated \u2067Tax\u2069 day\u200f"
    course(ctx, isolated, "2026-05-03", "Taxes", 1, attachment_id=sneaky)

    result = audit_pack.build_audit_pack(
        ctx, firm.ann_cpa.license_id, tmp_path / "pack.zip", fake_pdf
    ).value

    with zipfile.ZipFile(result.path) as archive:
        names = archive.namelist()
    assert "2026-05-02_Ethicsfdp.exe.pdf" in names
    assert "2026-05-03_Isolated Tax day.pdf" in names
    assert all(_clean(name) for name in names)


def test_stored_certificate_names_lose_direction_and_control_characters(firm, tmp_path):
    ctx, ann = firm.people.as_ann, firm.people.ann.user_id
    sneaky = certificate(ctx, ann, tmp_path / "sources", "cert\u202efdp.exe.pdf", PDF + b"x")
    assert Attachment.get_by_id(sneaky).original_name == "certfdp.exe.pdf"


def test_a_report_file_name_loses_them_too(firm):
    data = reports.progress_data(firm.people.as_ann)
    data["title"] = "Progress\u202e report\x85 \u2066for\u2069 Ann\x07"
    stem = report_files.file_stem(data)
    assert stem == "Progress report_ for Ann_ - 2026-06-15"


@pytest.mark.parametrize("char", BIDI)
def test_every_direction_control_is_dropped(char):
    assert report_files.safe_title(f"a{char}b") == "ab"


@pytest.mark.parametrize("char", C0_C1)
def test_every_control_character_is_replaced(char):
    assert report_files.safe_title(f"a{char}b") == "a_b"
