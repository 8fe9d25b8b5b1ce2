"""The command line: ``cpe-tracker`` and ``python main.py`` are this program.

With no subcommand it opens the window. Subcommands script the Qt-free services: import, export,
backup, restore, check. Exit codes: 0 ok, 1 the command failed (one plain message on stderr, no
traceback), 2 bad usage (a database whose accounts have passwords, and no ``--as``).

Every command runs as the person signed in with ``--as EMAIL`` (``services/cli_identity.py``),
with that person's rights: the services' permission checks apply as in the window.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import getpass
import json
import logging
import os
import re
import sys
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from cpe_desktop import paths
from cpe_desktop.log import setup_logging
from cpe_desktop.services.errors import ServiceError

log = logging.getLogger(__name__)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


class CommandFailed(Exception):
    """A command could not do its job; the message is shown to the user as it is."""


def _field_name(text: str, option: str) -> str:
    """A record field as the options name it: ``delivery_method``, "Delivery method", …"""
    from cpe_desktop.services.interchange.mapping import FIELDS, LABELS

    key = "_".join(text.strip().lower().replace("-", " ").split())
    by_label = {"_".join(label.lower().split()): name for name, label in LABELS.items()}
    name = key if key in FIELDS else by_label.get(key)
    if name is None:
        raise CommandFailed(f"{option}: {text!r} is not a record field ({', '.join(FIELDS)})")
    return name


@contextlib.contextmanager
def _cycles_collected_later() -> Iterator[None]:
    """Python's cycle collector off while the window's start imports and builds (its objects
    live on, and a collection would look through all of them again and again); the window's
    own collector (``ui/gc_guard.py``) takes over once the window is up."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    given = sys.argv[1:] if argv is None else list(argv)
    if not _COMMANDS.keys() & set(given):
        with _cycles_collected_later():
            _peewee_without_postgres()  # no command named: the window (or --help, --version, …)
            plain = _window_options(given)
            if plain is not None and not plain.self_test:
                # The collector waits from here to the window (not once more between: turned
                # back on, it would soon look through everything imported so far).
                return _window(plain)
        if plain is None:
            from cpe_desktop.cli_parser import window_arguments

            plain = window_arguments(argv)
        args = plain
    else:
        from cpe_desktop.cli_parser import build_parser

        args = build_parser().parse_args(argv)
    if args.self_test:
        from cpe_desktop.self_test import run as run_self_test

        return run_self_test()
    if args.command is None:
        with _cycles_collected_later():
            return _window(args)
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    log_file = setup_logging()  # None: the data folder cannot hold it; records go to stderr
    try:
        return _COMMANDS[args.command](args)
    except (CommandFailed, ServiceError) as exc:
        return _fail(str(exc))
    except Exception as exc:
        from cpe_desktop.db.errors import classify, located

        # Database trouble, a full disk, a folder that cannot be written: one line in words.
        friendly = classify(exc)
        if friendly is not None:
            return _fail(str(located(friendly, _target_or_nothing(args))))
        log.exception("command %s failed", args.command)
        details = f"details in {log_file}" if log_file else "details above"
        return _fail(f"unexpected error: {exc} ({details})")


def _window(args: argparse.Namespace) -> int:
    """The window's start (with Python's cycle collector waiting: ``_cycles_collected_later``)."""
    if args.data_dir:
        paths.set_data_dir(args.data_dir)
    from cpe_desktop.ui.import_scan import scan_imports_quickly

    scan_imports_quickly()  # before the window's modules are imported
    from cpe_desktop.ui.launch import run_gui

    return run_gui(args)


# The options a start that opens the window may give with one value each (``--db PATH`` or
# ``--db=PATH``), and the names argparse gives them (cli_parser.build_parser declares the same).
_WINDOW_VALUES = {
    "--db": "db",
    "--data-dir": "data_dir",
    "--as": "as_email",
    "--password-file": "password_file",
}


def _window_options(given: Sequence[str]) -> argparse.Namespace | None:
    """The window's options read without argparse, when they are only ``--self-test`` and the
    options above each with a plain value (not empty, not starting with "-"): the same attributes
    as the parser gives. None for anything else (help, --version, a mistake, a value argparse reads
    its own way), which ``cli_parser.window_arguments`` reads: building the parser and reading
    with it are some 12 M instructions of the start (argparse itself comes with PySide6)."""
    found: dict[str, str] = {}
    self_test = False
    words = iter(given)
    for word in words:
        if word == "--self-test":
            self_test = True
            continue
        option, equals, value = word.partition("=")
        dest = _WINDOW_VALUES.get(option)
        if dest is None:
            return None
        if not equals:
            value = next(words, "")
        if not value or value.startswith("-"):
            return None
        found[dest] = value  # (the last one given, as argparse keeps)
    password_file = found.get("password_file")
    return argparse.Namespace(
        self_test=self_test,
        db=found.get("db"),
        data_dir=found.get("data_dir"),
        as_email=found.get("as_email"),
        password_file=None if password_file is None else Path(password_file),
        command=None,
    )


def _peewee_without_postgres() -> None:
    """peewee imports psycopg whenever it is installed: about 50 ms
    of the window's start, which needs it only for a PostgreSQL server. The window is given one
    by ``CPE_DATABASE_URL`` alone (``--db`` is a file), so without such a URL the module that
    makes databases is imported, first, with psycopg out of their sight. psycopg itself stays
    importable by anything that asks for it later."""
    url = os.environ.get("CPE_DATABASE_URL", "").strip().lower()
    if (url and not url.startswith("sqlite")) or "peewee" in sys.modules:
        return
    hidden = "psycopg" not in sys.modules
    if hidden:
        sys.modules["psycopg"] = None  # type: ignore[assignment]  # `import psycopg` fails
    try:
        import cpe_desktop.db.database  # noqa: F401  # peewee
    finally:
        if hidden:
            del sys.modules["psycopg"]


def _target_or_nothing(args: argparse.Namespace) -> str:
    from cpe_desktop.db.database import resolve_target

    try:
        return resolve_target(args.db)
    except OSError:
        return ""


def _fail(message: str) -> int:
    print(f"cpe-tracker: {message}", file=sys.stderr)
    return EXIT_FAILED


def _open(args: argparse.Namespace):
    """The command's database, opened once (signing in opens it first)."""
    from cpe_desktop.startup import open_database

    db = getattr(args, "opened_database", None)
    if db is None:
        db = open_database(args.db, recover_tasks=False)  # a window may be running a task
        args.opened_database = db
    return db


# --- signing in: who each command acts as (services/cli_identity.py) ---------------------------

# Commands only an administrator may run: each reads or replaces everyone's data at once.
_ADMIN_ONLY = {
    "backup": "back up the whole database",
    "restore": "restore the database",
    "check": "check the whole database",
}
SIGN_IN_DELAY_SECONDS = 1.0  # after a refused password: guessing from a script is slower


def _signed_in(name: str, command):
    """``command`` run as the signed-in person, whose context it finds in ``args.ctx``."""

    def run(args: argparse.Namespace) -> int:
        from cpe_desktop.services.cli_identity import SignInRequired
        from cpe_desktop.services.errors import PermissionDenied

        try:
            args.ctx = _sign_in(args)
        except SignInRequired as exc:
            print(f"cpe-tracker: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except PermissionDenied:
            time.sleep(SIGN_IN_DELAY_SECONDS)
            raise
        if name in _ADMIN_ONLY:
            args.ctx.require_admin(_ADMIN_ONLY[name])
        return command(args)

    return run


def _sign_in(args: argparse.Namespace):
    from cpe_desktop.db.database import make_database, resolve_target, sqlite_file
    from cpe_desktop.services import cli_identity

    if args.password_file is not None and args.as_email is None:
        raise CommandFailed("--password-file is the password of --as EMAIL; give both")
    if args.command == "restore":
        # The database may be damaged or missing: its accounts are read without opening it.
        file = sqlite_file(make_database(resolve_target(args.db)))
        if file is not None:
            password = _password(args, lambda: cli_identity.file_has_passwords(file))
            return cli_identity.restore_context(file, args.as_email, password)
    db = _open(args)
    with db.connection_context():  # the sign-in is its own transaction (its activity entry)
        password = _password(args, cli_identity.needs_password)
        return cli_identity.command_line_context(args.as_email, password)


def _password(args: argparse.Namespace, may_need) -> str | None:
    """The ``--as`` person's password: --password-file, else $CPE_PASSWORD, else typed at the
    terminal (asked only when some account has a password), else none."""
    if args.as_email is None:
        return None
    if args.password_file is not None:
        try:
            text = args.password_file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise CommandFailed(f"{args.password_file}: cannot be read ({reason})") from None
        lines = text.splitlines()
        return lines[0] if lines else ""
    from cpe_desktop.cli_parser import PASSWORD_ENV

    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if sys.stdin is not None and sys.stdin.isatty() and may_need():
        return getpass.getpass(f"Password for {args.as_email}: ")
    return None


# ------------------------------------------------------------------------------------------------


def _import(args: argparse.Namespace) -> int:
    from cpe_desktop.services.backups.automatic import copy_before_import
    from cpe_desktop.services.errors import ValidationError
    from cpe_desktop.services.interchange import import_file
    from cpe_desktop.services.interchange.word_choices import answer_of

    if not args.file.is_file():
        raise CommandFailed(f"{args.file}: no such file")
    if args.not_imported is not None and not args.skip_bad_rows:
        raise CommandFailed("--not-imported is the report of --skip-bad-rows; give both")
    columns: dict[str, str] = {}
    for column, name in args.map:  # --map COLUMN=FIELD
        columns[_field_name(name, "--map")] = column.strip("'\"")
    constants = {_field_name(name, "--set"): value.strip("'\"") for name, value in args.set}
    if args.remember_words and not args.word:
        raise CommandFailed("--remember-words keeps the --word answers; give at least one --word")
    words: dict[str, dict[str, str]] = {}
    for text in args.word:
        try:
            kind, word, name = answer_of(text)
        except ValidationError as exc:
            raise CommandFailed(str(exc)) from None
        words.setdefault(kind, {})[word] = name
    db = _open(args)
    with db.connection_context():  # each service call makes its own transaction
        copy_before_import(db, dt.datetime.now().astimezone())  # as the window does
        try:
            summary = import_file(
                args.ctx,
                args.file,
                user_email=args.user,
                sheet=args.sheet,
                header_row=args.header_row,
                columns=columns,
                constants=constants,
                skip_bad_rows=args.skip_bad_rows,
                not_imported=args.not_imported,
                words=words,
                remember_words=args.remember_words,
            )
        except ValidationError as exc:
            spreadsheet = args.file.suffix.lower() in (".csv", ".xlsx", ".xlsm", ".txt")
            rows_wrong = all(
                re.match(r"(line|row) \d+, ", name) and not name.endswith(" column")
                for name in exc.errors
            )
            if not (spreadsheet and rows_wrong and not args.skip_bad_rows):
                raise
            raise CommandFailed(
                f"{exc}\nNothing was imported.{_word_hint(exc)} --skip-bad-rows imports the "
                "records without problems and lists the rows it leaves out (--not-imported FILE "
                "writes them)."
            ) from None
    print(summary.describe())
    return EXIT_OK


def _word_hint(exc: Exception) -> str:
    """How to answer the file's own words, when the refusal names one: a vague one ("'Online'
    could mean Group Internet Based or QAS Self Study") or one the program does not know
    ("'Hologram' is not a delivery method")."""
    text = str(exc)
    vague = re.search(r"'([^']+)' could mean (.+?) or ([^;]+);", text)
    unknown = re.search(r"'([^']+)' is not a (delivery method|NASBA field of study)", text)
    if vague is not None:
        word, example = vague.group(1), vague.group(2).split(", ")[0]
    elif unknown is not None:
        word = unknown.group(1)
        example = "Group Live" if unknown.group(2) == "delivery method" else "Taxes"
    else:
        return ""
    return (
        f" --word {word}='{example}' (or the name it is) reads that word for this import; "
        "--remember-words keeps the answer for the next ones."
    )


def _export(args: argparse.Namespace) -> int:
    from cpe_desktop.services.interchange import export_file

    db = _open(args)
    with db.connection_context():  # each service call makes its own transaction
        summary = export_file(args.ctx, args.output, args.format, user_email=args.user)
    print(summary.describe())
    return EXIT_OK


def _backup(args: argparse.Namespace) -> int:
    from cpe_desktop.services.backups import maintenance

    db = _open(args)
    with db.connection_context():  # each service call makes its own transaction
        target = maintenance.backup(db, args.output)
    print(f"Backed up to {target} (the copy passed SQLite's integrity check)")
    return EXIT_OK


def _restore(args: argparse.Namespace) -> int:
    from cpe_desktop.db.database import bind, make_database, resolve_target
    from cpe_desktop.services.backups import maintenance

    # Not opened through startup: the database may be damaged, missing or empty, and restore
    # is what puts it right (the damaged file is kept aside).
    db = bind(make_database(resolve_target(args.db)))
    result = maintenance.restore(db, args.file)
    print(result)
    return EXIT_OK


def _check(args: argparse.Namespace) -> int:
    from cpe_desktop.services.backups import maintenance

    db = _open(args)
    with db.connection_context():  # each service call makes its own transaction
        problems = maintenance.check(db)
    if problems:
        for problem in problems:
            print(problem, file=sys.stderr)
        raise CommandFailed(f"{len(problems)} problem{'' if len(problems) == 1 else 's'} found")
    print("Database OK: integrity and foreign keys checked.")
    return EXIT_OK


def _status(args: argparse.Namespace) -> int:
    from cpe_desktop.services import compliance, users

    ctx = args.ctx
    as_of = args.as_of or ctx.clock.today()
    db = _open(args)
    with db.connection_context():  # each service call makes its own transaction
        user_id = users.find_by_email(ctx, args.user).user_id if args.user else None
        items = compliance.evaluate_licenses(ctx, user_id, as_of)
        if args.json:
            print(json.dumps(compliance.status_document(items, as_of), indent=2))
        else:
            print(status_table(items, as_of))
    return EXIT_OK


def _demo(args: argparse.Namespace) -> int:
    """``demo``: an invented firm in a database without people (services/demo). No sign-in: the
    database must hold nobody yet. Its shipped rules are loaded with the demo's clock, so that
    the same seed and as-of date give the same rows (the audit chain starts with their entry)."""
    from cpe_desktop.cli_parser import PASSWORD_ENV
    from cpe_desktop.db.database import bind, make_database, refuse_foreign, resolve_target
    from cpe_desktop.db.migrations import migrate
    from cpe_desktop.db.models import User
    from cpe_desktop.services.context import SYSTEM, ServiceContext
    from cpe_desktop.services.demo import demo_clock, make_demo_firm
    from cpe_desktop.services.shipped_data import load_shipped_requirements

    clock = demo_clock(args.as_of or dt.date.today())
    password = None
    if args.with_passwords:
        password = os.environ.get(PASSWORD_ENV)
        if password is None and sys.stdin is not None and sys.stdin.isatty():
            password = getpass.getpass("Password for every demo account: ")
        if not password:
            raise CommandFailed(
                f"--with-passwords gives every account the password in {PASSWORD_ENV} (or typed "
                "in a terminal); none was given"
            )
    target = resolve_target(args.db)
    db = make_database(target)
    refuse_foreign(db)
    bind(db)
    with db.connection_context():
        migrate(db)
        people = User.select().count()
        if people:
            raise CommandFailed(
                f"{target} already holds {people} {'person' if people == 1 else 'people'}: the "
                "demo fills only a new, empty database, so that demo data never mixes with real "
                "data; give another file with --db"
            )
        load_shipped_requirements(ServiceContext(SYSTEM, clock))
    db = _open(args)  # the usual start-up: checked, marked as ours
    with db.connection_context():
        summary = make_demo_firm(
            clock,
            users_count=args.users,
            records_per_user=args.records_per_user,
            seed=args.seed,
            password=password,
        )
    print(summary.describe())
    admin = next(email for _, email, role in summary.people if role == "admin")
    if password:
        print(f"Every account has the password given; sign in as {admin} (administrator).")
    else:
        print(f"No account has a password; open it and choose {admin} (administrator).")
    return EXIT_OK


def status_table(items, as_of: dt.date) -> str:
    """The readable ``status`` output: one block per person; each license starts with the plain
    sentence of what is needed by when (ARCHITECTURE.md §4), then its numbers."""
    from cpe_desktop.services.compliance import no_rule_headline

    if not items:
        return f"No licenses to judge as of {as_of.isoformat()}."
    lines = [f"Compliance as of {as_of.isoformat()}"]
    for email in sorted({item.user.email for item in items}):
        mine = [item for item in items if item.user.email == email]
        lines.append("")
        lines.append(f"{mine[0].user.name} <{email}>")
        for item in mine:
            lic = item.license
            name = f"{lic.credential.code} {lic.jurisdiction}"
            ev = item.evaluation
            if ev is None:
                lines.append(f"  {name}: {no_rule_headline(lic)}")
                lines.append(f"    {'NO RULE':<9}")
                continue
            lines.append(f"  {name}: {ev.headline()}")
            period = f"{ev.period_start.isoformat()}..{ev.period_end.isoformat()}"
            hours = f"{_hours(ev.counted_total)}/{_hours(ev.required_total)} h"
            ethics = f"ethics {_hours(ev.counted_ethics)}/{_hours(ev.required_ethics)}"
            label = ev.status.replace("_", " ").upper()
            detail = f"    {label:<9} {period}  {hours:>12}  {ethics}"
            if ev.tracked_from is not None:
                detail += f"  tracked since {ev.tracked_from.isoformat()}"
            lines.append(detail)
            if ev.first_period is not None:
                lines.append(f"    First period: {ev.first_period.description}")
            if ev.met_through:
                lines.append(f"    Met through {ev.met_through}")
            if ev.status != "complete":
                lines.append(f"    {ev.shortfall_text()}")
    return "\n".join(lines)


def _hours(value) -> str:
    if value is None:
        return "-"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


_COMMANDS = {
    name: _signed_in(name, command)
    for name, command in {
        "import": _import,
        "export": _export,
        "backup": _backup,
        "restore": _restore,
        "check": _check,
        "status": _status,
    }.items()
}
# Not signed in: the demo fills a database with nobody in it yet.
_COMMANDS["demo"] = _demo


def _server(args: argparse.Namespace) -> int:
    """``server init`` / ``server copy`` (cli_server.py): no sign-in, the server's rights."""
    from cpe_desktop.cli_server import run

    return run(args)


_COMMANDS["server"] = _server
