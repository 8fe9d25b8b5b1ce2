"""A start that names no command (the window) reads its options without building the commands'
parsers (``cli_parser.window_arguments``): the same options as the whole parser reads, and anything
it cannot read (help, a mistake, a misspelt command) answered by the whole parser."""

from __future__ import annotations

import pytest

from cpe_desktop import cli, cli_parser


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "records.db"],
        ["--data-dir", "folder", "--db", "records.db"],
        ["--as", "pat@example.com", "--password-file", "secret.txt"],
        ["--self-test"],
    ],
)
def test_the_window_start_reads_its_options_as_the_whole_parser_does(argv):
    assert cli_parser.window_arguments(argv) == cli_parser.build_parser().parse_args(argv)


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--db", "records.db"],
        ["--db=records.db"],
        ["--db=a=b.db", "--data-dir", "my folder"],
        ["--data-dir", "folder", "--db", "records.db", "--db", "other.db"],
        ["--as", "pat@example.com", "--password-file", "secret.txt"],
        ["--password-file=secret.txt", "--as=pat@example.com", "--self-test"],
        ["--self-test"],
    ],
)
def test_the_plain_reading_gives_what_the_whole_parser_gives(argv):
    """The window's options read without argparse (cli._window_options): the same Namespace,
    attributes in the same order."""
    plain = cli._window_options(argv)
    whole = cli_parser.build_parser().parse_args(argv)
    assert plain == whole
    assert list(vars(plain).items()) == list(vars(whole).items())


@pytest.mark.parametrize(
    "argv",
    [
        ["--db"],
        ["--db="],
        ["--db", ""],
        ["--db", "-1"],
        ["--db=-x"],
        ["--db", "--data-dir", "x"],
        ["--d", "x"],
        ["--help"],
        ["-h"],
        ["--version"],
        ["--self-test=yes"],
        ["stauts"],
        ["--db", "x", "--bogus"],
        ["--", "--db", "x"],
        ["--as-of", "2026-01-01"],
    ],
)
def test_anything_else_is_left_to_the_parser(argv):
    assert cli._window_options(argv) is None


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["--db"], "argument --db: expected one argument"),
        (["--d", "x"], "ambiguous option: --d could match --db, --data-dir"),
        (["stauts"], "invalid choice: 'stauts'"),
        (["--db", "x", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_a_mistake_is_answered_by_the_whole_parser(capsys, argv, said):
    with pytest.raises(SystemExit) as stopped:
        cli_parser.window_arguments(argv)
    assert stopped.value.code == 2
    err = capsys.readouterr().err
    assert said in err
    assert "COMMAND ..." in err  # the whole parser's usage, commands included


def test_help_lists_the_commands(capsys):
    with pytest.raises(SystemExit) as stopped:
        cli_parser.window_arguments(["--help"])
    assert stopped.value.code == 0
    assert "status" in capsys.readouterr().out


def test_the_window_starts_without_the_cycle_collector_and_gives_it_back(monkeypatch, tmp_path):
    """Python's automatic collection waits while the window's start imports and builds (the
    window's own collector, ui/gc_guard.py, takes over); it is as it was once main returns."""
    import gc

    from cpe_desktop.ui import launch

    seen = []
    monkeypatch.setattr(launch, "run_gui", lambda args: seen.append(gc.isenabled()) or 0)
    assert gc.isenabled()
    assert cli.main(["--db", str(tmp_path / "x.db")]) == 0
    assert seen == [False]
    assert gc.isenabled()


def test_the_collector_waits_from_the_options_to_the_window(monkeypatch, tmp_path):
    """Not turned back on between importing peewee and the window's start (it would soon look
    through everything imported so far): off while the options are read, never enabled before
    the window starts, on again once main returns."""
    import gc

    from cpe_desktop.ui import launch

    seen: list[str] = []
    read = cli._window_options
    enable = gc.enable

    def reading(given):
        seen.append(f"options {gc.isenabled()}")
        return read(given)

    def enabling():
        seen.append("enabled")
        enable()

    monkeypatch.setattr(cli, "_window_options", reading)
    monkeypatch.setattr(gc, "enable", enabling)

    def window(args):
        seen.append(f"window {gc.isenabled()}")
        return 0

    monkeypatch.setattr(launch, "run_gui", window)
    assert gc.isenabled()
    assert cli.main(["--db", str(tmp_path / "x.db")]) == 0
    assert seen == ["options False", "window False", "enabled"]
    assert gc.isenabled()
