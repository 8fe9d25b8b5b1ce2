"""CPE Tracker: ``python main.py`` runs the same entry point as the ``cpe-tracker`` command."""

import sys

from cpe_desktop.cli import main
from cpe_desktop.windows_mutex import hold_app_mutex

if __name__ == "__main__":
    hold_app_mutex()  # Windows: the installer's AppMutex (build/windows/cpe_tracker.iss)
    sys.exit(main())
