"""A firm's PostgreSQL server set up for CPE Tracker: ``cpe-tracker server init`` (no Qt).

What is made, with least privilege:

- an **owner** role (``<database>_owner``, LOGIN): owns the database and its ``public`` schema,
  and so every table the migrations create. Only upgrades (migrations) and ``server copy`` use it.
- a **desks** group role (``<database>_desks``, NOLOGIN) holding the desks' rights: CONNECT on the
  database, USAGE on the schema, SELECT/INSERT/UPDATE/DELETE on the tables, USAGE/SELECT on the
  sequences, and the same by default on whatever the owner creates later. Never CREATE, TRUNCATE,
  REFERENCES or TRIGGER, and no ownership, so a desk cannot create, alter or drop a table.
- one **desk** login role per desk (``--desk NAME``, repeatable) or one shared one
  (``<database>_desk``), each a member of the group.
- the **database** (UTF-8, from ``template0``), owned by the owner role; PUBLIC loses its default
  CONNECT and TEMPORARY on it, and CREATE on the schema (PostgreSQL before 15 grants it).

Passwords go to the server as SCRAM-SHA-256 verifiers computed here (``scram_verifier``), so no
plain password is in the SQL a server may log, or in what ``--print-sql`` shows. Generated
passwords come from :mod:`secrets`. The migrations run on the administrator's connection after
``SET ROLE`` to the owner: they run as the owner, and the owner's password is not needed again on
a second run (when roles that already exist keep their passwords).

Everything is idempotent: a re-run says what exists, creates what is missing, grants again
(grants are idempotent) and migrates an older schema. A database that exists with another owner
is refused.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

NAME = re.compile(r"[a-z_][a-z0-9_]{0,62}")
PASSWORD = re.compile(r"[A-Za-z0-9._~-]{12,200}")  # unreserved in a URL: never percent-encoded
SCRAM_ITERATIONS = 4096  # PostgreSQL's default (scram_iterations)
DEFAULT_DATABASE = "cpe_tracker"


class SetupError(Exception):
    """The set-up could not be done; the message names what failed, in words."""


def check_name(name: str, what: str) -> str:
    """A role or database name: lower case letters, digits and ``_`` (PostgreSQL folds unquoted
    names to lower case; these never need quoting in a URL or a shell)."""
    if not NAME.fullmatch(name or ""):
        raise SetupError(
            f"{what} {name!r} is not a usable name: use lower case letters, digits and _ "
            "(starting with a letter or _, at most 63 characters)"
        )
    if name.startswith("pg_"):
        raise SetupError(f"{what} {name!r}: names starting with pg_ are PostgreSQL's own")
    return name


def ident(name: str) -> str:
    return '"' + check_name(name, "name") + '"'


def literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def new_password() -> str:
    """A strong random password (32 URL-safe characters, 192 bits)."""
    return secrets.token_urlsafe(24)


def check_password(password: str, role: str) -> str:
    if not PASSWORD.fullmatch(password):
        raise SetupError(
            f"the password given for {role} must be 12 to 200 characters of letters, digits "
            "and - . _ ~ (so that it goes into a connection URL as it is)"
        )
    return password


def scram_verifier(password: str, *, salt: bytes | None = None, iterations: int = SCRAM_ITERATIONS):
    """PostgreSQL's stored form of a SCRAM-SHA-256 password (RFC 5802/7677), as the server itself
    computes it: ``SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>`` in base64. The
    password is ASCII (``check_password``), which SASLprep leaves as it is."""
    salt = salt if salt is not None else secrets.token_bytes(16)
    salted = hashlib.pbkdf2_hmac("sha256", password.encode("ascii"), salt, iterations)
    client_key = hmac.new(salted, b"Client Key", hashlib.sha256).digest()
    stored_key = hashlib.sha256(client_key).digest()
    server_key = hmac.new(salted, b"Server Key", hashlib.sha256).digest()

    def b64(data: bytes) -> str:
        return base64.b64encode(data).decode("ascii")

    return f"SCRAM-SHA-256${iterations}:{b64(salt)}${b64(stored_key)}:{b64(server_key)}"


@dataclass(frozen=True)
class Plan:
    """What ``server init`` makes; names checked, a password for every role it may create."""

    database: str = DEFAULT_DATABASE
    owner: str = ""
    group: str = ""
    desks: tuple[str, ...] = ()
    passwords: dict[str, str] = field(default_factory=dict)
    given: frozenset[str] = frozenset()  # roles whose password was given, not generated

    @classmethod
    def make(
        cls,
        database: str = DEFAULT_DATABASE,
        *,
        owner: str | None = None,
        desks: Iterable[str] = (),
        passwords: dict[str, str] | None = None,
    ) -> Plan:
        check_name(database, "database")
        owner = check_name(owner or f"{database}_owner", "owner role")
        group = check_name(f"{database}_desks"[:63], "desks group role")
        desk_names = tuple(dict.fromkeys(check_name(d, "desk role") for d in desks)) or (
            check_name(f"{database}_desk"[:63], "desk role"),
        )
        clash = {owner, group} & set(desk_names) or ({owner} & {group})
        if clash:
            raise SetupError(f"role {sorted(clash)[0]} is named twice; give each role its own name")
        given = dict(passwords or {})
        unknown = set(given) - {owner, *desk_names}
        if unknown:
            raise SetupError(
                f"a password was given for {sorted(unknown)[0]}, which is not a role "
                "this set-up makes"
            )
        for role, password in given.items():
            check_password(password, role)
        chosen = {role: given.get(role) or new_password() for role in (owner, *desk_names)}
        return cls(database, owner, group, desk_names, chosen, frozenset(given))

    @property
    def login_roles(self) -> tuple[str, ...]:
        return (self.owner, *self.desks)


@dataclass
class Existing:
    """What the server already has: roles, and the database with its owner (None: no database)."""

    roles: set[str] = field(default_factory=set)
    database_owner: str | None = None
    memberships: set[tuple[str, str]] = field(default_factory=set)  # (member, group)


def role_statements(
    plan: Plan, existing: Existing | None = None, *, reset_passwords: bool = False
) -> list[str]:
    """The cluster-wide part, run on the administrator's connection (outside a transaction)."""
    existing = existing or Existing()
    out: list[str] = []
    for role in plan.login_roles:
        verifier = literal(scram_verifier(plan.passwords[role]))
        if role not in existing.roles:
            out.append(f"CREATE ROLE {ident(role)} LOGIN PASSWORD {verifier}")
        elif reset_passwords or role in plan.given:
            out.append(f"ALTER ROLE {ident(role)} PASSWORD {verifier}")
    if plan.group not in existing.roles:
        out.append(f"CREATE ROLE {ident(plan.group)} NOLOGIN")
    for desk in plan.desks:
        if (desk, plan.group) not in existing.memberships:
            out.append(f"GRANT {ident(plan.group)} TO {ident(desk)}")
    return out


def database_statements(plan: Plan, existing: Existing | None = None) -> list[str]:
    """Creating the database and who may connect (cluster level, outside a transaction)."""
    existing = existing or Existing()
    db = ident(plan.database)
    out = []
    if existing.database_owner is None:
        out.append(
            f"CREATE DATABASE {db} OWNER {ident(plan.owner)} ENCODING 'UTF8' TEMPLATE template0"
        )
    out += [
        f"REVOKE ALL ON DATABASE {db} FROM PUBLIC",
        f"GRANT CONNECT ON DATABASE {db} TO {ident(plan.group)}",
    ]
    return out


def schema_statements(plan: Plan) -> list[str]:
    """Inside the firm's database (as the administrator): the schema's owner and the desks'
    rights, on what exists and, by default, on what the owner creates later."""
    owner, group = ident(plan.owner), ident(plan.group)
    return [
        f"ALTER SCHEMA public OWNER TO {owner}",
        "REVOKE ALL ON SCHEMA public FROM PUBLIC",
        f"GRANT USAGE ON SCHEMA public TO {group}",
        *grant_statements(plan),
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO {group}",
        f"ALTER DEFAULT PRIVILEGES FOR ROLE {owner} IN SCHEMA public "
        f"GRANT USAGE, SELECT ON SEQUENCES TO {group}",
    ]


def grant_statements(plan: Plan) -> list[str]:
    """The desks' rights on the tables and sequences there are now (again after migrating)."""
    group = ident(plan.group)
    return [
        f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {group}",
        f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {group}",
    ]


def psql_script(plan: Plan, *, host: str, port: int | None, sslmode: str | None = None) -> str:
    """The whole set-up as a script for ``psql`` (``--print-sql``), for a DBA to read and run by
    hand as a superuser: each CREATE only when missing (``\\gexec``), so it may run again."""
    lines = [
        "-- CPE Tracker: the firm's database, its owner and the desks' roles.",
        "-- Run as a superuser: psql -v ON_ERROR_STOP=1 -d postgres -f this-file.sql",
        "-- The passwords are SCRAM-SHA-256 verifiers; the plain ones are in the connection",
        "-- strings at the end (keep them secret).",
        "",
    ]
    for role in plan.login_roles:
        create = role_statements(plan)  # every CREATE, nothing existing
        statement = next(s for s in create if s.startswith(f"CREATE ROLE {ident(role)} "))
        lines.append(
            f"SELECT {literal(statement)} WHERE NOT EXISTS "
            f"(SELECT FROM pg_roles WHERE rolname = {literal(role)})\\gexec"
        )
    lines.append(
        f"SELECT {literal(f'CREATE ROLE {ident(plan.group)} NOLOGIN')} WHERE NOT EXISTS "
        f"(SELECT FROM pg_roles WHERE rolname = {literal(plan.group)})\\gexec"
    )
    lines += [f"GRANT {ident(plan.group)} TO {ident(desk)};" for desk in plan.desks]
    create_db, *rest = database_statements(plan)
    lines.append(
        f"SELECT {literal(create_db)} WHERE NOT EXISTS "
        f"(SELECT FROM pg_database WHERE datname = {literal(plan.database)})\\gexec"
    )
    lines += [f"{s};" for s in rest]
    lines += ["", f"\\connect {plan.database}", ""]
    lines += [f"{s};" for s in schema_statements(plan)]
    lines += [
        "",
        "-- Then create the tables as the owner: start CPE Tracker (or any command, such as",
        "-- `cpe-tracker check`) once with CPE_DATABASE_URL set to the owner's string:",
    ]
    for role in plan.login_roles:
        url = connection_url(plan, role, host=host, port=port, sslmode=sslmode)
        lines.append(f"--   {role}: {url}")
    return "\n".join(lines) + "\n"


def connection_url(
    plan: Plan,
    role: str,
    *,
    host: str,
    port: int | None,
    sslmode: str | None = None,
    password: str | None = "",
) -> str:
    """What a desk puts in CPE_DATABASE_URL. ``password`` None: a placeholder (a role that
    already existed keeps a password this run does not know)."""
    secret = plan.passwords[role] if password == "" else password
    shown = secret if secret is not None else "PASSWORD"
    where = host if ":" not in host else f"[{host}]"
    if port:
        where += f":{port}"
    url = f"postgresql://{quote(role)}:{quote(shown, safe='')}@{where}/{plan.database}"
    if sslmode:
        url += f"?sslmode={sslmode}"
    return url


# --- running it ---------------------------------------------------------------------------------


@dataclass
class Report:
    """What a run did (or would do), line by line, and the desks' connection strings."""

    lines: list[str] = field(default_factory=list)
    statements: list[str] = field(default_factory=list)
    urls: dict[str, str] = field(default_factory=dict)

    def say(self, text: str) -> None:
        self.lines.append(text)


def _connect(conninfo: str, what: str):
    import psycopg

    try:
        return psycopg.connect(conninfo, autocommit=True, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise SetupError(f"cannot connect to {what}: {_first_line(exc)}") from None


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


def _run(conn, statements: list[str], report: Report) -> None:
    import psycopg

    for statement in statements:
        report.statements.append(statement)
        try:
            conn.execute(statement)
        except psycopg.Error as exc:
            shown = re.sub(r"PASSWORD '[^']*'", "PASSWORD '…'", statement)
            raise SetupError(f"the server refused `{shown}`: {_first_line(exc)}") from None


def read_existing(conn, plan: Plan) -> Existing:
    roles = {
        name
        for (name,) in conn.execute(
            "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)",
            ([*plan.login_roles, plan.group],),
        )
    }
    row = conn.execute(
        "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = %s", (plan.database,)
    ).fetchone()
    members = set(
        conn.execute(
            "SELECT m.rolname, g.rolname FROM pg_auth_members a "
            "JOIN pg_roles m ON m.oid = a.member JOIN pg_roles g ON g.oid = a.roleid "
            "WHERE g.rolname = %s",
            (plan.group,),
        ).fetchall()
    )
    return Existing(roles, row[0] if row else None, members)


def _check_administrator(conn) -> None:
    user, superuser, createrole, createdb = conn.execute(
        "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb FROM pg_roles "
        "WHERE rolname = current_user"
    ).fetchone()
    if not superuser:
        missing = [
            what for what, ok in (("CREATEROLE", createrole), ("CREATEDB", createdb)) if not ok
        ]
        raise SetupError(
            f"the administrator role {user} is not a superuser"
            + (f" and lacks {' and '.join(missing)}" if missing else "")
            + ": connect as a superuser (postgres) to set up the firm's database"
        )


def init_server(
    admin_url: str,
    plan: Plan,
    *,
    host: str | None = None,
    sslmode: str | None = None,
    dry_run: bool = False,
    reset_passwords: bool = False,
    migrate: Callable[[dict], int] | None = None,
) -> Report:
    """Set the server up as ``plan`` says (see the module docstring). ``migrate`` is given the
    owner's connection parameters (the administrator's, plus ``role``) and returns the schema
    version reached; ``dry_run`` reads what exists and lists the statements, changing nothing."""
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    try:
        params = conninfo_to_dict(admin_url)
    except Exception as exc:  # psycopg.ProgrammingError: not a connection string
        raise SetupError(f"--admin-url is not a PostgreSQL connection URL: {exc}") from None
    server_host = str(params.get("host") or "localhost")  # psycopg types every value str | int
    given_port = params.get("port")
    port = int(given_port) if given_port else None
    where = f"the PostgreSQL server at {server_host}:{port or 5432}"
    report = Report()
    with _connect(admin_url, where) as conn:
        _check_administrator(conn)
        existing = read_existing(conn, plan)
        if existing.database_owner not in (None, plan.owner):
            raise SetupError(
                f"database {plan.database} already exists on {where}, owned by "
                f"{existing.database_owner}, not {plan.owner}: give another --database, or "
                f"--owner {existing.database_owner} if it is this firm's"
            )
        for role in (*plan.login_roles, plan.group):
            if role in existing.roles:
                kept = role in plan.login_roles and not (reset_passwords or role in plan.given)
                report.say(f"role {role}: exists" + (" (password unchanged)" if kept else ""))
            else:
                report.say(f"role {role}: {'would be created' if dry_run else 'created'}")
        report.say(
            f"database {plan.database}: "
            + (
                "exists"
                if existing.database_owner
                else "would be created"
                if dry_run
                else "created"
            )
        )
        statements = role_statements(plan, existing, reset_passwords=reset_passwords)
        statements += database_statements(plan, existing)
        if dry_run:
            report.statements += statements + schema_statements(plan)
        else:
            _run(conn, statements, report)
    if not dry_run:
        with _connect(make_conninfo(admin_url, dbname=plan.database), where) as conn:
            _run(conn, schema_statements(plan), report)
            if migrate is not None:
                owner_params = conninfo_to_dict(make_conninfo(admin_url, dbname=plan.database))
                version = migrate({**owner_params, "role": plan.owner})
                report.say(f"tables: at schema version {version}, owned by {plan.owner}")
                _run(conn, grant_statements(plan), report)
    for role in plan.login_roles:
        known = role not in existing.roles or reset_passwords or role in plan.given
        report.urls[role] = connection_url(
            plan,
            role,
            host=host or server_host,
            port=port,
            sslmode=sslmode,
            password="" if known else None,
        )
    return report


def migrate_as_owner(params: dict) -> int:
    """Create (or upgrade) the tables on the administrator's connection ``params`` after
    ``SET ROLE`` to ``params["role"]``, so the owner owns them; load the shipped rules. Returns
    the schema version reached."""
    import peewee

    from cpe_desktop.db.database import bind
    from cpe_desktop.db.migrations import current_version, migrate
    from cpe_desktop.services.shipped_data import load_shipped_requirements

    params = dict(params)
    role, name = params.pop("role"), params.pop("dbname")
    db = bind(peewee.PostgresqlDatabase(name, **params))
    db.connect()
    try:
        db.execute_sql(f"SET ROLE {ident(role)}")
        migrate(db)
        load_shipped_requirements()
        return current_version(db)
    finally:
        db.close()
