"""The plain tables: one module each, declaring ``TABLE``, a ``db.plain.PlainTable``.

Every module of this package (but those whose name starts with ``_``) is read, in the order of
their names, so adding a plain table is adding its module here (and its migration step):
ARCHITECTURE.md §5, "Add a plain table". The frozen program holds every module of the package
(``build/cpe_tracker.spec`` collects ``cpe_desktop``'s submodules).
"""

from __future__ import annotations

import importlib
import pkgutil
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cpe_desktop.db.plain import PlainTable


def _declared() -> tuple[PlainTable, ...]:
    """Each module's ``TABLE`` (``db.plain`` is read only when there is one: a program with no
    plain table starts without it)."""
    found: list[PlainTable] = []
    for module in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name):
        if module.name.startswith("_"):
            continue
        from cpe_desktop.db.plain import PlainTable

        table = getattr(importlib.import_module(f"{__name__}.{module.name}"), "TABLE", None)
        if not isinstance(table, PlainTable):
            raise TypeError(f"{__name__}.{module.name} declares no TABLE = PlainTable(...)")
        found.append(table)
    names = [table.name for table in found]
    if len(set(names)) != len(names):
        raise ValueError(f"two plain tables share a name: {names}")
    return tuple(found)


TABLES: tuple[PlainTable, ...] = _declared()
