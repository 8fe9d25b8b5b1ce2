"""The example plain table's files are material for tests/test_plain_table_trial.py, which
copies them into a copy of the program: not collected here."""

collect_ignore_glob = ["*.py"]
