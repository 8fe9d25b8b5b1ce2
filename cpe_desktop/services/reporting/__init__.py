"""Reports: progress reports and firm summaries (``reports``), a stored report as CSV, XLSX or PDF
(``files``) and the audit pack a board's audit asks for (``audit_pack``).
"""
