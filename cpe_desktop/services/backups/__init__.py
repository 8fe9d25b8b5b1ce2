"""Keeping the data safe: the automatic backups made, verified, listed and rotated
(``automatic``), and backup, restore and integrity checks on demand (``maintenance``).
"""
