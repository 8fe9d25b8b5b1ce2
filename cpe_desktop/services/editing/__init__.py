"""Adding, editing and deleting items from the window: one declaration per kind of item
(``entities``), what a form does on Save (``saving``), deleting several rows at once
(``deleting``) and the create/update/delete-one-row-with-its-audit-entry pattern every service
shares (``rows``).
"""
