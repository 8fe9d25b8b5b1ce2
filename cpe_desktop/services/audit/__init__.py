"""What happened, and proof it was not altered: the audit trail written with every change
(``trail``), its hash chain checked (``chain``) and the activity log of sign-ins, exports and
settings (``activity``).
"""
