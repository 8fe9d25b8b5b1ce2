"""The command line: ``cpe-tracker`` and ``python main.py`` are this program.

With no subcommand it opens the window. Subcommands script the Qt-free services: import, export,
backup, restore, check. Exit codes: 0 ok, 1 the command failed (one plain message on stderr, no
traceback), 2 bad usage.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from cpe_desktop import __version__, paths
from cpe_desktop.db.errors import DatabaseEnvironmentError, classify
from cpe_desktop.log import setup_logging
from cpe_desktop.services.errors import ServiceError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandFailed(Exception):
    """A command could not do its job; the message is shown to the user as it is."""


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cpe-tracker",
        description="Track Continuing Professional Education and compliance for accountants.",
    )
    parser.add_argument("--version", action="version", version=f"CPE Tracker {__version__}")
    parser.add_argument("--db", metavar="PATH", help="SQLite database file to use")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for data, backups and logs")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", help="import a .json or .csv file")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--user",
        metavar="EMAIL",
        help="whose records these are (CSV), or which person of a JSON file to import",
    )

    p = sub.add_parser("export", help="export data as json or csv")
    p.add_argument("--format", required=True, choices=("json", "csv"))
    p.add_argument("--user", metavar="EMAIL", help="export only this person's data")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")

    p = sub.add_parser("backup", help="copy the database to a backup file")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")

    p = sub.add_parser("restore", help="replace the database with a backup file")
    p.add_argument("file", type=Path)

    sub.add_parser("check", help="check the database's integrity and foreign keys")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    if args.command is None:
        from cpe_desktop.app import run_gui

        return run_gui(args)
    log_file = setup_logging()
    try:
        return _COMMANDS[args.command](args)
    except (CommandFailed, ServiceError, DatabaseEnvironmentError) as exc:
        return _fail(str(exc))
    except Exception as exc:  # noqa: BLE001 - the one place unexpected errors are reported
        friendly = classify(exc)
        if friendly is not None:
            return _fail(str(friendly))
        log.exception("command %s failed", args.command)
        return _fail(f"unexpected error: {exc} (details in {log_file})")


def _fail(message: str) -> int:
    print(f"cpe-tracker: {message}", file=sys.stderr)
    return EXIT_FAILED


def _open(args: argparse.Namespace):
    from cpe_desktop.startup import open_database

    return open_database(args.db)


def _import(args: argparse.Namespace) -> int:
    from cpe_desktop.services.context import COMMAND_LINE, ServiceContext
    from cpe_desktop.services.interchange import import_file

    if not args.file.is_file():
        raise CommandFailed(f"{args.file}: no such file")
    db = _open(args)
    with db:
        summary = import_file(ServiceContext(COMMAND_LINE), args.file, user_email=args.user)
    print(summary.describe())
    return EXIT_OK


def _export(args: argparse.Namespace) -> int:
    from cpe_desktop.services.context import COMMAND_LINE, ServiceContext
    from cpe_desktop.services.interchange import export_file

    db = _open(args)
    with db:
        summary = export_file(
            ServiceContext(COMMAND_LINE), args.output, args.format, user_email=args.user
        )
    print(summary.describe())
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from cpe_desktop.services import maintenance

    db = _open(args)
    with db:
        target = maintenance.backup(db, args.output)
    print(f"Backed up to {target}")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from cpe_desktop.db.database import bind, make_database, resolve_target
    from cpe_desktop.services import maintenance

    db = bind(make_database(resolve_target(args.db)))
    result = maintenance.restore(db, args.file)
    print(result)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from cpe_desktop.services import maintenance

    db = _open(args)
    with db:
        problems = maintenance.check(db)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise CommandFailed(f"{len(problems)} problem(s) found")
    print("Database OK: integrity and foreign keys checked.")
    return EXIT_OK


_COMMANDS = {
    "import": _import,
    "export": _export,
    "backup": _backup,
    "restore": _restore,
    "check": _check,
}
