"""Add/edit dialogs for every editable table.

Simple tables get a form generated from a spec (``specs.FORM_SPECS`` + ``form_dialog.FormDialog``);
CPE records, where the user deserves better, get the hand-made ``record_form.RecordForm``.
Callers open either through ``registry.open_editor(parent, table_name, ctx, pk)``.
"""
