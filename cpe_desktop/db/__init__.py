"""Persistence: peewee models, the connection, schema migrations and shipped seed data. No Qt."""
