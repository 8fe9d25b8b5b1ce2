"""Timed work on the Qt event loop: APScheduler with one QTimer, and the reminder jobs on it.

This layer may import Qt; the rules of what a reminder or a deadline warning is live in
``services`` (``reminders``, ``deadlines``), which these jobs call.
"""
