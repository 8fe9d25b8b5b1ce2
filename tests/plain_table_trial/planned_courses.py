"""Courses a person plans to take: what, when, how many hours, for which license.

(The example plain table of ARCHITECTURE.md §5: ``tests/test_plain_table_trial.py`` puts this
module in ``cpe_desktop/db/plain_tables/`` of a copy of the program, with its migration step,
and runs the tests that hold every table to the rules. It is not part of the program.)
"""

from cpe_desktop.db.plain import PlainField, PlainTable
from cpe_desktop.rules.fields import FIELDS_OF_STUDY

TABLE = PlainTable(
    name="planned_courses",
    one="planned_course",
    title="Planned courses",
    fields=(
        PlainField("title", "Title", required=True),
        PlainField("planned_on", "Planned for", "date", required=True),
        PlainField("hours", "Hours", "decimal", minimum=0, maximum=200, help="CPE hours expected"),
        PlainField("field_of_study", "Field of study", "choice", choices=FIELDS_OF_STUDY),
        PlainField("license", "License", "license", help="Optional: the license it counts for"),
        PlainField("booked", "Booked", "bool"),
        PlainField("notes", "Notes", "multiline", in_table=False),
    ),
    empty_text="No planned courses — press New… above to plan one.",
    default_sort=("planned_on", False),
    demo=(
        {
            "title": "Ethics for CPAs",
            "planned_on": 30,
            "hours": "4",
            "field_of_study": "Regulatory Ethics",
            "license": True,
        },
        {
            "title": "Lease accounting update",
            "planned_on": 75,
            "hours": "8",
            "field_of_study": "Accounting",
            "booked": True,
        },
    ),
)
