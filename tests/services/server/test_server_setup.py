"""The SQL ``cpe-tracker server init`` runs (services/server/setup.py), read without a server:
which roles, which grants, and nothing that lets a desk create, alter or drop a table.
tests/cli/test_cli_server.py runs it against a real PostgreSQL server."""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

import pytest

from cpe_desktop.services.server import setup
from cpe_desktop.services.server.setup import Existing, Plan, SetupError


def _all_sql(plan: Plan) -> list[str]:
    return (
        setup.role_statements(plan)
        + setup.database_statements(plan)
        + setup.schema_statements(plan)
    )


def test_default_plan_names_an_owner_a_group_and_one_shared_desk():
    plan = Plan.make()
    assert (plan.database, plan.owner, plan.group, plan.desks) == (
        "cpe_tracker",
        "cpe_tracker_owner",
        "cpe_tracker_desks",
        ("cpe_tracker_desk",),
    )
    assert set(plan.passwords) == {"cpe_tracker_owner", "cpe_tracker_desk"}
    for password in plan.passwords.values():
        assert len(password) == 32 and setup.PASSWORD.fullmatch(password)
    assert len(set(plan.passwords.values())) == 2
    assert Plan.make().passwords != plan.passwords  # generated afresh (secrets)


def test_one_role_per_desk_each_in_the_group():
    plan = Plan.make("firm", desks=["desk_ann", "desk_bob", "desk_ann"])
    assert plan.desks == ("desk_ann", "desk_bob")
    sql = setup.role_statements(plan)
    assert [s.split(" PASSWORD")[0] for s in sql if s.startswith("CREATE ROLE")] == [
        'CREATE ROLE "firm_owner" LOGIN',
        'CREATE ROLE "desk_ann" LOGIN',
        'CREATE ROLE "desk_bob" LOGIN',
        'CREATE ROLE "firm_desks" NOLOGIN',
    ]
    assert 'GRANT "firm_desks" TO "desk_ann"' in sql
    assert 'GRANT "firm_desks" TO "desk_bob"' in sql
    assert not any(re.search(r"SUPERUSER|CREATEDB|CREATEROLE|BYPASSRLS", s) for s in sql)


def test_the_database_is_the_owners_and_only_the_desks_may_connect():
    plan = Plan.make("firm")
    assert setup.database_statements(plan) == [
        'CREATE DATABASE "firm" OWNER "firm_owner" ENCODING \'UTF8\' TEMPLATE template0',
        'REVOKE ALL ON DATABASE "firm" FROM PUBLIC',
        'GRANT CONNECT ON DATABASE "firm" TO "firm_desks"',
    ]


def test_desks_get_rows_and_sequences_never_create_or_ownership():
    plan = Plan.make("firm")
    sql = setup.schema_statements(plan)
    assert sql[:3] == [
        'ALTER SCHEMA public OWNER TO "firm_owner"',
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        'GRANT USAGE ON SCHEMA public TO "firm_desks"',
    ]
    assert (
        'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "firm_desks"' in sql
    )
    assert 'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "firm_desks"' in sql
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE "firm_owner" IN SCHEMA public '
        'GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO "firm_desks"'
    ) in sql
    assert (
        'ALTER DEFAULT PRIVILEGES FOR ROLE "firm_owner" IN SCHEMA public '
        'GRANT USAGE, SELECT ON SEQUENCES TO "firm_desks"'
    ) in sql
    # Whatever reaches the desks' roles: never CREATE, TEMPORARY, ALL, TRUNCATE, ownership.
    for statement in _all_sql(plan):
        if re.search(r'TO "(firm_desks|firm_desk)"', statement) and "GRANT" in statement:
            granted = statement.split("GRANT", 1)[1].split(" ON ")[0]
            assert not re.search(r"CREATE|TEMP|ALL|TRUNCATE|REFERENCES|TRIGGER", granted)
        assert not re.search(r'OWNER TO "firm_desks?"', statement)
        assert not re.search(r'GRANT "firm_owner"', statement)


def test_passwords_go_as_scram_verifiers_never_in_plain():
    plan = Plan.make("firm")
    sql = " ".join(_all_sql(plan))
    for password in plan.passwords.values():
        assert password not in sql
    assert sql.count("PASSWORD 'SCRAM-SHA-256$4096:") == 2


def test_scram_verifier_matches_rfc_7677_computation():
    # The verifier the server stores: StoredKey = H(HMAC(SaltedPassword, "Client Key")),
    # ServerKey = HMAC(SaltedPassword, "Server Key"), SaltedPassword = PBKDF2-SHA-256.
    salt = bytes(range(16))
    verifier = setup.scram_verifier("pencil-pencil-pencil", salt=salt, iterations=4096)
    kind, rest = verifier.split("$", 1)
    iterations_salt, keys = rest.split("$")
    iterations, salt_b64 = iterations_salt.split(":")
    stored, server = (base64.b64decode(part) for part in keys.split(":"))
    assert (kind, iterations, base64.b64decode(salt_b64)) == ("SCRAM-SHA-256", "4096", salt)
    salted = hashlib.pbkdf2_hmac("sha256", b"pencil-pencil-pencil", salt, 4096)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    assert stored == hashlib.sha256(client_key).digest()
    assert server == hmac.new(salted, b"Server Key", hashlib.sha256).digest()


def test_a_rerun_creates_only_what_is_missing_and_keeps_passwords():
    plan = Plan.make("firm")
    existing = Existing(
        roles={"firm_owner", "firm_desk", "firm_desks"},
        database_owner="firm_owner",
        memberships={("firm_desk", "firm_desks")},
    )
    assert setup.role_statements(plan, existing) == []
    assert not any(s.startswith("CREATE") for s in setup.database_statements(plan, existing))
    reset = setup.role_statements(plan, existing, reset_passwords=True)
    assert [s.split(" PASSWORD")[0] for s in reset] == [
        'ALTER ROLE "firm_owner"',
        'ALTER ROLE "firm_desk"',
    ]


def test_given_passwords_are_used_and_checked():
    plan = Plan.make("firm", passwords={"firm_desk": "correct-horse-battery"})
    assert plan.passwords["firm_desk"] == "correct-horse-battery"
    assert plan.given == {"firm_desk"}
    with pytest.raises(SetupError, match="12 to 200"):
        Plan.make("firm", passwords={"firm_desk": "short"})
    with pytest.raises(SetupError, match="12 to 200"):
        Plan.make("firm", passwords={"firm_desk": "with spaces and 'quotes'"})
    with pytest.raises(SetupError, match="not a role"):
        Plan.make("firm", passwords={"postgres": "correct-horse-battery"})


@pytest.mark.parametrize(
    "name", ["Firm", "firm-db", 'x"; DROP TABLE users; --', "", "pg_firm", "a" * 64, "1firm"]
)
def test_names_that_would_need_quoting_are_refused(name):
    with pytest.raises(SetupError):
        Plan.make(name)
    with pytest.raises(SetupError):
        Plan.make("firm", desks=[name])


def test_role_names_must_differ():
    with pytest.raises(SetupError, match="named twice"):
        Plan.make("firm", owner="firm_desk")


def test_connection_urls_with_and_without_tls():
    plan = Plan.make("firm", passwords={"firm_desk": "correct-horse-battery"})
    assert (
        setup.connection_url(plan, "firm_desk", host="db.example", port=None)
        == "postgresql://firm_desk:correct-horse-battery@db.example/firm"
    )
    assert (
        setup.connection_url(plan, "firm_desk", host="db.example", port=5433, sslmode="require")
        == "postgresql://firm_desk:correct-horse-battery@db.example:5433/firm?sslmode=require"
    )
    assert setup.connection_url(plan, "firm_desk", host="::1", port=None, password=None) == (
        "postgresql://firm_desk:PASSWORD@[::1]/firm"
    )


def test_the_program_accepts_the_urls_it_prints():
    from cpe_desktop.db.database import make_database

    plan = Plan.make("firm")
    url = setup.connection_url(plan, "firm_desk", host="db.example", port=5433, sslmode="require")
    db = make_database(url)
    assert db.database == "firm"
    assert db.connect_params["password"] == plan.passwords["firm_desk"]
    assert db.connect_params["sslmode"] == "require"


def test_the_psql_script_creates_only_what_is_missing():
    plan = Plan.make("firm", desks=["desk_ann"])
    script = setup.psql_script(plan, host="db.example", port=None)
    assert "WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'firm_owner')\\gexec" in script
    assert "WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'firm')\\gexec" in script
    assert "\\connect firm" in script
    for statement in setup.schema_statements(plan):
        assert f"{statement};" in script
    # The plain passwords appear only in the connection strings, in comments.
    for password in plan.passwords.values():
        (line,) = [line for line in script.splitlines() if password in line]
        assert line.startswith("--")
