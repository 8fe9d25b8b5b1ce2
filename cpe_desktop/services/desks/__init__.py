"""Several desks (running programs) on one database: who is connected (``presence``) and the
changes other desks make, as they happen (``live_changes``).
"""
