"""``cpe-tracker server …``: setting up a firm's PostgreSQL server and moving solo data into it.

- ``server init --admin-url URL``: the database, its owner role and the desks' roles, least
  privilege, migrated; prints each desk's CPE_DATABASE_URL (``services/server/setup.py``).
- ``server copy --from PATH``: a solo SQLite database's rows, ids and audit chain included, into
  the new (migrated, empty) server database (``services/server/copying.py``).

Neither signs in: ``init`` acts with the server administrator's rights, ``copy`` reads a whole
database file and needs the owner's connection string, which only whoever runs the server has.
Registered from ``cli.py``; the Qt-free work is in the services.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from cpe_desktop.db.database import DATABASE_URL_ENV


def add_server_parser(sub) -> None:
    server = sub.add_parser(
        "server",
        help="set up a firm's PostgreSQL server (init) and move a solo database into it (copy)",
    )
    commands = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)

    p = commands.add_parser(
        "init",
        help="create the firm's database, its owner role and the desks' roles; print the "
        "connection strings",
        description="Create (or complete) the firm's database on a PostgreSQL server: an owner "
        "role that owns the schema and runs the migrations, and login roles for the desks that "
        "may read and write rows but never create, alter or drop tables. Running it again says "
        "what exists, creates what is missing and upgrades the tables.",
    )
    p.add_argument(
        "--admin-url",
        metavar="URL",
        help="a superuser's connection, e.g. postgresql://postgres@db.example.com/postgres "
        "(leave the password out: libpq reads PGPASSWORD or ~/.pgpass)",
    )
    p.add_argument("--database", default="cpe_tracker", help="the database (default cpe_tracker)")
    p.add_argument("--owner", metavar="ROLE", help="the owner role (default DATABASE_owner)")
    p.add_argument(
        "--desk",
        action="append",
        default=[],
        metavar="ROLE",
        help="a login role for one desk (repeat for each); default one shared role, DATABASE_desk",
    )
    p.add_argument(
        "--passwords",
        type=Path,
        metavar="FILE",
        help="ROLE=PASSWORD lines: use these instead of generated passwords",
    )
    p.add_argument(
        "--reset-passwords",
        action="store_true",
        help="give roles that already exist new passwords (otherwise they keep theirs)",
    )
    p.add_argument(
        "--host",
        metavar="HOST",
        help="the server's name as the desks reach it (default: the --admin-url host)",
    )
    p.add_argument(
        "--sslmode",
        choices=("require", "verify-ca", "verify-full"),
        help="put ?sslmode=MODE in the desks' strings (once the server has TLS)",
    )
    what = p.add_mutually_exclusive_group()
    what.add_argument(
        "--dry-run",
        action="store_true",
        help="connect, say what exists and print the SQL that would run; change nothing",
    )
    what.add_argument(
        "--print-sql",
        action="store_true",
        help="print the whole set-up as a psql script to run by hand (no connection)",
    )

    p = commands.add_parser(
        "copy",
        help="copy a solo SQLite database into the new server database (ids and audit log kept)",
    )
    p.add_argument("--from", dest="source", required=True, type=Path, metavar="PATH")
    p.add_argument(
        "--to",
        metavar="URL",
        help=f"the server database, as the owner (default: ${DATABASE_URL_ENV})",
    )


def run(args: argparse.Namespace) -> int:
    from cpe_desktop.cli import EXIT_OK, CommandFailed
    from cpe_desktop.services.server.copying import CopyRefused
    from cpe_desktop.services.server.setup import SetupError

    try:
        if args.server_command == "init":
            _init(args)
        else:
            _copy(args)
    except (SetupError, CopyRefused) as exc:
        raise CommandFailed(str(exc)) from None
    return EXIT_OK


def _read_passwords(path: Path | None) -> dict[str, str]:
    from cpe_desktop.services.server.setup import SetupError

    if path is None:
        return {}
    try:
        text = path.read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise SetupError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    out = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        role, sep, password = line.partition("=")
        if not sep:
            raise SetupError(f"{path} line {number}: not ROLE=PASSWORD")
        out[role.strip()] = password.strip()
    return out


def _init(args: argparse.Namespace) -> None:
    from cpe_desktop.services.server import setup

    plan = setup.Plan.make(
        args.database,
        owner=args.owner,
        desks=args.desk,
        passwords=_read_passwords(args.passwords),
    )
    if args.print_sql:
        host, port = args.host or "localhost", None
        if args.admin_url:
            from psycopg.conninfo import conninfo_to_dict

            params = conninfo_to_dict(args.admin_url)
            host = args.host or params.get("host") or host
            given_port = params.get("port")
            port = int(given_port) if given_port else None
        print(setup.psql_script(plan, host=host, port=port, sslmode=args.sslmode), end="")
        return
    if not args.admin_url:
        raise setup.SetupError("give --admin-url (a superuser's connection), or --print-sql")
    report = setup.init_server(
        args.admin_url,
        plan,
        host=args.host,
        sslmode=args.sslmode,
        dry_run=args.dry_run,
        reset_passwords=args.reset_passwords,
        migrate=None if args.dry_run else setup.migrate_as_owner,
    )
    for line in report.lines:
        print(line)
    if args.dry_run:
        print("\nDry run: nothing was changed. The SQL it would run:")
        for statement in report.statements:
            print(f"  {statement};")
        return
    print(
        f"\nConnection strings (each holds a password: keep them secret). Each desk sets "
        f"{DATABASE_URL_ENV} to its own:"
    )
    for role, url in report.urls.items():
        use = "owner: upgrades and `server copy` only" if role == plan.owner else "desk"
        print(f"  {role} ({use}):\n    {url}")
    if any("PASSWORD@" in url for url in report.urls.values()):
        print(
            "A role that already existed kept its password (PASSWORD above); "
            "--reset-passwords gives it a new one."
        )
    if not args.sslmode:
        print(
            "Once the server has TLS, add ?sslmode=require (or verify-full) to each string, "
            "or set PGSSLMODE=require on each desk (README: For firms)."
        )


def _copy(args: argparse.Namespace) -> None:
    from cpe_desktop.db.database import bind, make_database
    from cpe_desktop.services.backups import maintenance
    from cpe_desktop.services.certificates import store as attachments
    from cpe_desktop.services.server.copying import CopyRefused, copy_sqlite_database

    target_url = args.to or os.environ.get(DATABASE_URL_ENV, "").strip()
    if not target_url:
        raise CopyRefused(
            f"give --to URL (the owner's connection string) or set {DATABASE_URL_ENV}"
        )
    if not args.source.is_file():
        raise CopyRefused(f"{args.source}: no such file")
    db = bind(make_database(target_url))
    with db.connection_context():
        summary = copy_sqlite_database(args.source, db)
        print(summary.describe())
        # The certificate files of this computer's data folder, into the database for every desk.
        shared = attachments.share_local_files()
        print(f"Certificate files put on the server for every desk: {shared}.")
        problems = maintenance.check(db)
    if problems:
        for problem in problems:
            print(problem)
        raise CopyRefused(f"the copy was made, but the check found {len(problems)} problem(s)")
    print("Checked: foreign keys, the audit log's chain and every record and license against it.")
