"""Scripts that prepare a database for tests that start the real program in a process of its own.

``ONE_PERSON``: run as ``python -c ONE_PERSON <database>``, makes the database as the program
leaves it, with one person without a password, so the program's start shows its window with no
dialog waiting (``tests/test_start_imports.py``, ``tests/ui/test_start_before_qt_namespace.py``).
"""

from __future__ import annotations

import textwrap

ONE_PERSON = textwrap.dedent(
    """
    import sys
    from cpe_desktop.startup import open_database
    db = open_database(sys.argv[1])
    db.execute_sql(
        "INSERT INTO users (name, email, role, active, created_at, updated_at)"
        " VALUES ('Pat', 'pat@example.com', 'admin', 1, '2026-01-01', '2026-01-01')"
    )
    db.close()
    """
)
