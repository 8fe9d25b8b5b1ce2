"""Print how the importer scores on the import corpus (tests/import_corpus/), per layout.

Each file is imported as the program sets the import up (its own sheet, header row and column
guess, no hand mapping) into a fresh SQLite database with the shipped rules and one person;
nothing is stored: the figures are the records the preview would import, compared with the
layout's truth file (right / wrong / not imported) and the columns guessed. ``--quiet`` leaves
out the reasons. Not collected by pytest; see README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from cpe_desktop.clock import FixedClock  # noqa: E402
from cpe_desktop.db.database import bind, make_database  # noqa: E402
from cpe_desktop.db.migrations import migrate  # noqa: E402
from cpe_desktop.services import users  # noqa: E402
from cpe_desktop.services.context import SYSTEM, ServiceContext  # noqa: E402
from cpe_desktop.services.shipped_data import load_shipped_requirements  # noqa: E402
from tests.import_corpus.score import score_corpus, table_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="the table only, no reasons")
    parser.add_argument(
        "--folder", type=Path, default=None, help="another folder of layouts (e.g. the trial)"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = make_database(str(Path(folder) / "corpus.db"))
        bind(db)
        db.connect()
        try:
            migrate(db)
            ctx = ServiceContext(SYSTEM, FixedClock(dt.datetime(2026, 6, 15, 9, 30)))
            load_shipped_requirements(ctx)
            person = users.create_user(ctx, {"name": "Jordan", "email": "j@example.com"}).value
            scores = score_corpus(ctx, person, args.folder) if args.folder else None
            print(table_text(scores or score_corpus(ctx, person), details=not args.quiet))
        finally:
            db.close()


if __name__ == "__main__":
    main()
