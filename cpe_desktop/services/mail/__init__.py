"""Email: the outgoing queue and its sender (``outbox``), talking to the mail server (``smtp``)
and the server's password in the system's credential store (``password``).
"""
