"""Print how the certificate reader scores on the certificate corpus (tests/certificate_corpus/).

``--corpus holdout`` scores the holdout instead (tests/certificate_holdout/: layouts written apart
from the reader, to test it).
Each certificate is rendered from its truth file into a temporary folder, read as the record
form reads an attached certificate (with the participant's name as the signed-in person's),
and every field is counted right, wrong or empty. ``--quiet`` leaves out the misses; ``--keep
FOLDER`` writes the PDFs there instead. Not collected by pytest.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.certificate_corpus.score import CORPORA, score, table_text  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quiet", action="store_true", help="the table only")
    parser.add_argument("--keep", type=Path, default=None, help="write the PDFs into this folder")
    parser.add_argument(
        "--corpus",
        choices=sorted(CORPORA),
        default="corpus",
        help="tests/certificate_corpus (default) or tests/certificate_holdout",
    )
    args = parser.parse_args()
    corpus = CORPORA[args.corpus]
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        print(table_text(score(args.keep, corpus=corpus), details=not args.quiet))
        return
    with tempfile.TemporaryDirectory() as folder:
        print(table_text(score(Path(folder), corpus=corpus), details=not args.quiet))


if __name__ == "__main__":
    main()
