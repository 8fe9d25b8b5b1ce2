"""Use cases over the database: validation, permissions, audit, one transaction each. No Qt.

Every mutating call takes a :class:`~cpe_desktop.services.context.ServiceContext` (who acts, which
clock), runs in one transaction with its audit entry, and returns an
:class:`~cpe_desktop.services.changes.Outcome` naming the kinds of data that changed.
"""
