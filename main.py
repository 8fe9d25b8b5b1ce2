"""CPE Tracker: ``python main.py`` runs the same entry point as the ``cpe-tracker`` command."""

import sys

from cpe_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
