"""The command line's options and commands, as argparse reads them (``cli.py`` runs them).

``build_parser(commands=False)`` builds only the options that come before a command, which is
all a start that opens the window reads (:func:`window_arguments`); the commands' parsers are a
few milliseconds of the start.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from cpe_desktop import __version__

PASSWORD_ENV = "CPE_PASSWORD"


class _LeadingOptions(argparse.ArgumentParser):
    """The options before a command alone: a mistake is raised, for the whole parser to say."""

    def error(self, message: str) -> NoReturn:
        raise argparse.ArgumentError(None, message)


def build_parser(*, commands: bool = True) -> argparse.ArgumentParser:
    """The command line. Without ``commands``, only the options that come before a command:
    what the window's start reads (the commands' parsers are a few milliseconds of it)."""
    parser = (argparse.ArgumentParser if commands else _LeadingOptions)(
        prog="cpe-tracker",
        description="Track Continuing Professional Education and compliance for accountants.",
    )
    parser.add_argument("--version", action="version", version=f"CPE Tracker {__version__}")
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="check that this installation works (in a temporary folder) and exit",
    )
    parser.add_argument("--db", metavar="PATH", help="SQLite database file to use")
    parser.add_argument("--data-dir", metavar="DIR", help="folder for data, backups and logs")
    _identity_options(parser, None)
    if not commands:
        parser.set_defaults(command=None)
        return parser
    # The same options after the command (``status --as EMAIL``); there they must not reset what
    # was given before it, and ``--as`` must not be read as an abbreviation of ``--as-of``.
    signed = argparse.ArgumentParser(add_help=False)
    _identity_options(signed, argparse.SUPPRESS)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("import", parents=[signed], help="import a .json, .csv or .xlsx file")
    p.add_argument("file", type=Path)
    p.add_argument(
        "--user",
        metavar="EMAIL",
        help="whose records these are (CSV, XLSX), or which person of a JSON file to import",
    )
    p.add_argument("--sheet", metavar="NAME", help="the workbook's sheet that holds the records")
    p.add_argument(
        "--header-row", type=_row_number, metavar="N", help="the row (or line) of column headings"
    )
    p.add_argument(
        "--map",
        action="append",
        default=[],
        type=_column_choice,
        metavar="COLUMN=FIELD",
        help="read FIELD (e.g. delivery_method) from COLUMN (its heading, letter or number)",
    )
    p.add_argument(
        "--set",
        action="append",
        default=[],
        type=_assignment,
        metavar="FIELD=VALUE",
        help="give every row this value for a field the file has no column for "
        "(e.g. delivery_method='Not stated')",
    )
    p.add_argument(
        "--word",
        action="append",
        default=[],
        metavar="WORD=NAME",
        help="read the file's own word as this field of study or delivery method "
        "(e.g. Online='QAS Self Study', Ethics='Behavioral Ethics')",
    )
    p.add_argument(
        "--remember-words",
        action="store_true",
        help="keep the --word answers for this person's next imports (window and command line)",
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument(
        "--skip-bad-rows",
        action="store_true",
        help="import the records without problems and list the rows that are not imported",
    )
    mode.add_argument("--strict", action="store_true", help="import all rows or none (the default)")
    p.add_argument(
        "--not-imported",
        type=Path,
        metavar="FILE",
        help="with --skip-bad-rows: write the rows not imported, with why, to this CSV file",
    )

    p = sub.add_parser(
        "export",
        parents=[signed],
        help="export data as json or csv/xlsx (records) or ics (deadlines, reminders)",
    )
    p.add_argument(
        "--format",
        required=True,
        choices=("json", "zip", "archive", "csv", "xlsx", "ics"),
        help="zip (or archive): the whole account with its certificate files, in one .zip",
    )
    p.add_argument("--user", metavar="EMAIL", help="export only this person's data")
    p.add_argument("-o", "--output", required=True, type=Path, metavar="FILE")

    p = sub.add_parser("backup", parents=[signed], help="copy the database to a backup file")
    p.add_argument("-o", "--output", type=Path, metavar="FILE")

    p = sub.add_parser("restore", parents=[signed], help="replace the database with a backup file")
    p.add_argument("file", type=Path)

    sub.add_parser(
        "check", parents=[signed], help="check the database's integrity and foreign keys"
    )

    p = sub.add_parser("status", parents=[signed], help="compliance of every license, as of a date")
    p.add_argument("--user", metavar="EMAIL", help="only this person")
    p.add_argument("--as-of", metavar="YYYY-MM-DD", type=_iso_date, help="default: today")
    p.add_argument("--json", action="store_true", help="print the result as one JSON object")

    p = sub.add_parser(
        "demo",
        help="fill a new, empty database with an invented accounting firm to try the program",
        description="Fill a database that holds no people yet with an invented firm: people, "
        "licenses, years of records with certificates, reminders, notifications and reports. "
        "The same --seed and --as-of make the same data.",
    )
    p.add_argument("--db", metavar="PATH", default=argparse.SUPPRESS, help="the new database")
    p.add_argument(
        "--users", type=_demo_count, default=8, metavar="N", help="people (default 8: the firm)"
    )
    p.add_argument(
        "--records-per-user",
        type=_demo_count,
        default=40,
        metavar="M",
        help="about this many CPE records each (default 40)",
    )
    p.add_argument("--seed", type=int, default=1, help="the same seed makes the same firm")
    p.add_argument(
        "--as-of", metavar="YYYY-MM-DD", type=_iso_date, help="the demo's today (default: today)"
    )
    p.add_argument(
        "--with-passwords",
        action="store_true",
        help=f"give every account the password in {PASSWORD_ENV} (or typed in a terminal); "
        "without it no account has a password",
    )
    from cpe_desktop.cli_server import add_server_parser

    add_server_parser(sub)
    return parser


def _identity_options(parser: argparse.ArgumentParser, default: object) -> None:
    """``--as EMAIL`` and ``--password-file FILE``: who the command acts as (never a password
    on the command line itself, where other users of the machine could read it)."""
    parser.add_argument(
        "--as",
        dest="as_email",
        metavar="EMAIL",
        default=default,
        help="act as this person (needed when any account has a password); the password is "
        f"read from {PASSWORD_ENV}, --password-file, or asked for in a terminal",
    )
    parser.add_argument(
        "--password-file",
        type=Path,
        metavar="FILE",
        default=default,
        help="read the --as person's password from the first line of this file",
    )


def _row_number(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a row number (1, 2, …)")
    return int(text)


def _assignment(text: str) -> tuple[str, str]:
    """``FIELD=VALUE`` (the value may itself hold "=")."""
    name, sep, value = text.partition("=")
    if not sep or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not FIELD=VALUE")
    return name.strip(), value.strip()


def _column_choice(text: str) -> tuple[str, str]:
    """``COLUMN=FIELD`` (the heading may itself hold "=")."""
    column, sep, name = text.rpartition("=")
    if not sep or not column.strip() or not name.strip():
        raise argparse.ArgumentTypeError(f"{text!r} is not COLUMN=FIELD")
    return column.strip(), name.strip()


def _demo_count(text: str) -> int:
    if not text.strip().isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number (1, 2, …)")
    return int(text)


def _iso_date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date written YYYY-MM-DD") from None


def window_arguments(argv: Sequence[str] | None) -> argparse.Namespace:
    """The options of a start that names no command, read without building the commands'
    parsers; anything else there (help, a mistake, a misspelt command) is read by the whole
    parser, which says what it would."""
    given = sys.argv[1:] if argv is None else list(argv)
    if not {"-h", "--help"} & set(given):
        try:
            args, rest = build_parser(commands=False).parse_known_args(given)
        except argparse.ArgumentError:
            rest = given
        if not rest:
            return args
    return build_parser().parse_args(argv)
