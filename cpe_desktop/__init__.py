"""CPE Tracker: continuing professional education records and compliance for accountants."""

__version__ = "0.1.0"
