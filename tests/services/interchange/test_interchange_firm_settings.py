"""The firm's mail server in the JSON format: an administrator's export of everyone carries it
(``firm_settings``), an administrator's import sets it where the database has none, a member's
import leaves it alone and says so, and a file written before the server was the firm's (with it
in a person's ``preferences``) still imports."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import FirmSetting
from cpe_desktop.services import preferences
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import export_document, import_document
from tests.helpers.interchange_documents import one_person_document, table_counts

pytestmark = pytest.mark.usefixtures("seeded")

SERVER = {"smtp_host": "smtp.firm.example", "smtp_port": "465", "smtp_security": "tls"}


def _stored() -> dict[str, str]:
    return {row.setting_name: row.setting_value for row in FirmSetting.select()}


def test_an_administrators_export_of_everyone_carries_the_firms_server(people):
    assert "firm_settings" not in export_document(people.as_admin)  # none set: no key
    preferences.set_firm_settings(people.as_admin, SERVER)
    assert export_document(people.as_admin)["firm_settings"] == SERVER
    # Not in one person's export, nor in a member's: the server is not theirs to move.
    assert "firm_settings" not in export_document(people.as_admin, "ann@example.com")
    assert "firm_settings" not in export_document(people.as_ann)


def test_an_administrators_import_sets_the_server_only_where_none_is_set(people):
    document = one_person_document()
    document["firm_settings"] = SERVER
    summary = import_document(people.as_admin, document)
    assert _stored() == SERVER
    assert summary.preferences_added == len(SERVER)
    preferences.set_firm_settings(people.as_admin, {"smtp_host": "mail.ours.example"})
    document["firm_settings"] = {**SERVER, "smtp_user": "office"}
    import_document(people.as_admin, document)
    assert _stored() == {**SERVER, "smtp_host": "mail.ours.example", "smtp_user": "office"}


def test_a_members_import_leaves_the_firms_server_alone(people):
    document = one_person_document()
    document["users"][0]["email"] = "ann@example.com"
    document["firm_settings"] = SERVER
    summary = import_document(people.as_ann, document)
    assert _stored() == {}
    assert "firm_settings: only an administrator sets the firm's mail server" in summary.warnings


def test_a_bad_firm_setting_is_refused_by_its_path(people):
    document = one_person_document()
    document["firm_settings"] = {"smtp_port": "0", "smtp_password": "hunter2"}
    before = table_counts()
    with pytest.raises(ValidationError) as caught:
        import_document(people.as_admin, document)
    assert set(caught.value.errors) == {
        "firm_settings.smtp_port",
        "firm_settings.smtp_password",
    }
    assert table_counts() == before and _stored() == {}


def test_a_file_from_before_the_server_was_the_firms_still_imports(people):
    document = one_person_document()
    document["users"][0]["preferences"] = {"theme": "dark", "smtp_host": "old.example.com"}
    import_document(people.as_admin, document)
    email = document["users"][0]["email"]
    imported = next(p for p in export_document(people.as_admin)["users"] if p["email"] == email)
    assert imported["preferences"] == {"theme": "dark"}
    assert _stored() == {}
