"""The table views: what each tab lists (``specs``, ``admin_specs``), the paged, sorted and
filtered reads behind them (``paging``) and the words they show for stored codes (``words``).
"""
