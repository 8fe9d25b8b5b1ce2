"""``python -m cpe_desktop``: the same program as ``cpe-tracker``."""

import sys

from cpe_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
