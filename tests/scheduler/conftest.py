"""The scheduler's tests run Qt (its timer lives on the Qt thread): cycles are collected as in the
program."""

from tests.helpers.qt_cycles import collect_cycles_on_the_main_thread  # noqa: F401
