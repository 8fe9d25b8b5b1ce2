"""Schema step: ``planned_courses``, the courses a person plans to take.

(The example plain table's migration step: see ``planned_courses.py`` beside it.) A model of
its own, so later edits to the table's declaration cannot change what this step does.
"""

from __future__ import annotations

import peewee


class _User(peewee.Model):
    user_id = peewee.AutoField()

    class Meta:
        table_name = "users"


class _License(peewee.Model):
    license_id = peewee.AutoField()

    class Meta:
        table_name = "licenses"


class _PlannedCourse(peewee.Model):
    planned_course_id = peewee.AutoField()
    user = peewee.ForeignKeyField(_User, column_name="user_id", on_delete="CASCADE")
    title = peewee.CharField(max_length=200)
    planned_on = peewee.DateField()
    hours = peewee.DecimalField(max_digits=10, decimal_places=2, null=True)
    field_of_study = peewee.CharField(max_length=200, null=True)
    license = peewee.ForeignKeyField(
        _License, column_name="license_id", null=True, on_delete="SET NULL"
    )
    booked = peewee.BooleanField(default=False)
    notes = peewee.TextField(null=True)
    row_version = peewee.IntegerField(default=1)
    created_at = peewee.DateTimeField()
    updated_at = peewee.DateTimeField()

    class Meta:
        table_name = "planned_courses"


def apply(db: peewee.Database) -> None:
    with db.bind_ctx([_User, _License, _PlannedCourse]):
        _PlannedCourse.create_table(safe=False)
