"""What the tests share that is not a test: builders of test data, test doubles and fixtures.

- ``atlantis_rule``: an invented rule (CPA in "Atlantis", 20 hours a year) with easy numbers.
- ``compliance_cases``: terse records, licenses and shipped rules for the engine's tests.
- ``strategies``: Hypothesis settings and strategies for the property tests.
- ``interchange_documents``: a hand-written ``cpe-tracker/1`` document and import/export helpers.
- ``report_firm``: a small firm with certificates, for the report and audit-pack tests.
- ``certificate_pdfs``: certificate PDFs in the styles real sponsors use.
- ``mail_doubles``: a real SMTP server on 127.0.0.1 and an in-memory keyring.
- ``disk_full``, ``full_disk_cli``: a "full" database, and the command line on a full disk.
- ``command_line``, ``cli_scenarios``: the real command line in a subprocess; worked scenarios.
- ``postgres``: the test PostgreSQL server (``CPE_TEST_POSTGRES_URL``), a schema per test.
- ``build_spec``: the installer's recipe read without PyInstaller.
- Qt only: ``modal_dialogs`` (answering a modal dialog), ``notifier_doubles`` (a tray icon and a
  notifier that record, a reminder session), ``qt_cycles`` (the cycle-collection fixture of
  every Qt test folder), ``single_instance_child`` (a launch in a process of its own).
"""
