"""A launch's single-instance guard in a process of its own, for the race tests (not a test
module). ``python -m tests.helpers.single_instance_child TARGET GO_FILE [hold]``:

prints ``ready``, waits until GO_FILE exists (so several children claim at the same moment),
claims the database and prints ``won``, ``forwarded`` (another launch holds it and answered) or
``held`` (another holds it and did not answer). A winner then waits to be knocked on and prints
``activated``; with ``hold`` it keeps the lock until it is killed.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTimer

from cpe_desktop.ui.single_instance import SingleInstance

WAIT_S = 30


def main(target: str, go_file: str, mode: str = "") -> int:
    app = QCoreApplication(sys.argv[:1])
    guard = SingleInstance(target)
    print("ready", flush=True)
    deadline = time.monotonic() + WAIT_S
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            return 3
        time.sleep(0.001)
    if not guard.claim():
        print("forwarded" if guard.forwarded else "held", flush=True)
        return 0
    print("won", flush=True)

    def activated() -> None:
        print("activated", flush=True)
        if mode != "hold":
            app.quit()

    guard.activated.connect(activated)
    if mode != "hold":
        QTimer.singleShot(WAIT_S * 1000, app.quit)  # never knocked on: give up
    app.exec()
    guard.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
