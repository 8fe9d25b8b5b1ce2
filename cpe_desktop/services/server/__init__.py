"""A firm's PostgreSQL server: setting it up (``setup``, ``cpe-tracker server init``) and copying a
solo database into it (``copying``, ``cpe-tracker server copy``).
"""
