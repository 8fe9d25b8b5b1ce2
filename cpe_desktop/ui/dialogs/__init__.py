"""Dialogs of the main window: start-up (welcome, sign-in, user picker), preferences, about."""
