"""What each generated add/edit form shows: its fields, their kind, labels and help, in order.

The generic :class:`~cpe_desktop.ui.forms.form_dialog.FormDialog` builds a whole form from one of
these specs, so adding a column to a simple table means adding one line here. Each kind of item
names its form in the entity registry (``entities.Entity.form``; ``entities.FORM_SPECS``). Keys
are the keys the services take (``saving.save_entity``); custom fields of the kind of item are
appended at runtime by :func:`with_custom_fields`. No Qt here: specs are plain data.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from cpe_desktop.services import custom_fields, reminders, requirements
from cpe_desktop.services.context import ROLES
from cpe_desktop.services.licenses import STATUSES

if TYPE_CHECKING:
    from cpe_desktop.db.plain import PlainTable

FIELD_KINDS = (
    "text",
    "multiline",
    "email",
    "password",
    "date",
    "optional_date",
    "datetime",
    "integer",
    "decimal",
    "bool",
    "choice",
    "lines",  # one entry per line -> a list (choices of a custom field)
    "credential",  # value: the code for key "credential", else the credential id
    "jurisdiction",
    "user",
    "license",
)
Choice = tuple[Any, str]  # (value sent to the service, text shown)


@dataclass(frozen=True)
class FormField:
    key: str
    label: str
    kind: str = "text"
    required: bool = False
    choices: tuple[Choice, ...] = ()
    help: str = ""
    edit_only: bool = False
    create_only: bool = False
    admin_only: bool = False  # hidden (and not sent) in a member's form
    blank_keeps: bool = False  # when editing, an empty input leaves the stored value alone
    default: Any = None
    # Enabled only while another field holds one of these values; disabled inputs send None.
    enabled_when: tuple[str, tuple[Any, ...]] | None = None
    # Fields sharing a section are grouped in a box titled with it, each question above its
    # input; "" is the form's main part.
    section: str = ""
    note: str = ""  # shown under the input in muted text (help is the tooltip)

    def __post_init__(self) -> None:
        if self.kind not in FIELD_KINDS:
            raise ValueError(f"unknown field kind {self.kind!r}")


@dataclass(frozen=True)
class FormSpec:
    entity: str
    title: str
    fields: tuple[FormField, ...] = field(default_factory=tuple)

    def field(self, key: str) -> FormField:
        for item in self.fields:
            if item.key == key:
                return item
        raise KeyError(key)


def _choices(values: Sequence[str], *, blank: str | None = None) -> tuple[Choice, ...]:
    items = tuple((value, value.replace("_", " ").capitalize()) for value in values)
    return (((None, blank),) if blank is not None else ()) + items


USER = FormSpec(
    "user",
    "Person",
    (
        FormField("name", "Name", required=True),
        FormField("email", "Email", "email", required=True, help="Used to sign in"),
        FormField(
            "role", "Role", "choice", choices=_choices(ROLES), default="member", admin_only=True
        ),
        FormField(
            "birth_date",
            "Birth date",
            "optional_date",
            help="Needed where the reporting period ends in the birth month",
        ),
        FormField("active", "Active", "bool", default=True, admin_only=True, edit_only=True),
        FormField(
            "password",
            "Password",
            "password",
            blank_keeps=True,
            help="Empty: no password (when editing: keep the current one)",
        ),
    ),
)

CREDENTIAL = FormSpec(
    "credential",
    "Credential type",
    (
        FormField("code", "Code", required=True, help="Short code such as CPA or CIA"),
        FormField("name", "Name", required=True),
        FormField("issuing_body", "Issuing body"),
    ),
)

PERIOD_SECTION = "Your reporting period"
WHERE_SECTION = "Where you mainly work"
PERIOD_QUESTION = "When does your current reporting period end?"
PERIOD_QUESTION_FOR = "When does {name}'s current reporting period end?"
LICENSE_LABELS = {
    "period_end_override": PERIOD_QUESTION,
    "tracked_from": "Track from",
    "opening_hours": "Hours already earned this period",
    "opening_ethics_hours": "… of them ethics",
    "home_jurisdiction": "Home jurisdiction (principal place of business)",
}
LICENSE = FormSpec(
    "license",
    "License",
    (
        FormField("user_id", "Holder", "user", required=True, admin_only=True),
        FormField("credential_id", "Credential", "credential", required=True),
        FormField("jurisdiction", "Jurisdiction", "jurisdiction", required=True),
        FormField("license_number", "License number"),
        FormField("issued_on", "Issued on", "optional_date"),
        FormField("expires_on", "Expires on", "optional_date"),
        FormField("status", "Status", "choice", choices=_choices(STATUSES), default="active"),
        FormField(
            "period_end_override",
            LICENSE_LABELS["period_end_override"],
            "optional_date",
            help="The last day of the period your board judges now (your renewal notice says)",
            section=PERIOD_SECTION,
        ),
        FormField(
            "tracked_from",
            LICENSE_LABELS["tracked_from"],
            "date",
            help="Nothing that ended before this date is judged",
            section=PERIOD_SECTION,
        ),
        FormField(
            "opening_hours",
            LICENSE_LABELS["opening_hours"],
            "decimal",
            help="Hours you earned in this period before the date you track from",
            section=PERIOD_SECTION,
        ),
        FormField(
            "opening_ethics_hours",
            LICENSE_LABELS["opening_ethics_hours"],
            "decimal",
            help="How many of those hours were ethics",
            section=PERIOD_SECTION,
        ),
        FormField(
            "home_jurisdiction",
            LICENSE_LABELS["home_jurisdiction"],
            "jurisdiction",
            help="Only when it is another jurisdiction than this license's",
            note="Optional. Some boards accept the CPE of the jurisdiction where you mainly work.",
            section=WHERE_SECTION,
        ),
    ),
)

_HOURS_HELP = "hours; empty = no limit"
_RULE_PERIODS = "Periods, new licensees, carryover, other states"
_PCT_HELP = "% of total hours; empty = no limit"
_REQUIREMENT_FIELDS: dict[str, FormField] = {
    "credential": FormField("credential", "Credential", "credential", required=True),
    "jurisdiction": FormField("jurisdiction", "Jurisdiction", "jurisdiction", required=True),
    "total_hours": FormField("total_hours", "Total hours", "integer"),
    "period_years": FormField(
        "period_years", "Period (years)", "integer", required=True, default=3
    ),
    "ethics_hours": FormField("ethics_hours", "Ethics hours", "integer"),
    "annual_min_hours": FormField(
        "annual_min_hours", "Annual minimum", "decimal", help=_HOURS_HELP
    ),
    "ethics_period_years": FormField(
        "ethics_period_years",
        "Ethics period (years)",
        "integer",
        help="only if ethics has its own period",
    ),
    "ethics_state_specific": FormField(
        "ethics_state_specific",
        "State-specific ethics",
        "choice",
        choices=((None, "Not stated"), ("true", "Yes"), ("false", "No")),
        help="Only ethics courses about this jurisdiction count toward ethics",
    ),
    "period_basis": FormField(
        "period_basis",
        "Period basis",
        "choice",
        choices=_choices(requirements.PERIOD_BASES, blank="Not stated"),
    ),
    "period_start_month": FormField(
        "period_start_month", "Period start month", "integer", help="1-12; needed for fiscal"
    ),
    "cycle_anchor_year": FormField(
        "cycle_anchor_year", "Cycle anchor year", "integer", help="a year a period starts in"
    ),
    "max_self_study_hours": FormField(
        "max_self_study_hours", "Max self-study", "decimal", help=_HOURS_HELP
    ),
    "max_self_study_pct": FormField(
        "max_self_study_pct", "Max self-study %", "decimal", help=_PCT_HELP
    ),
    "max_nano_hours": FormField("max_nano_hours", "Max nano", "decimal", help=_HOURS_HELP),
    "max_nano_pct": FormField("max_nano_pct", "Max nano %", "decimal", help=_PCT_HELP),
    "max_non_technical_hours": FormField(
        "max_non_technical_hours", "Max non-technical", "decimal", help=_HOURS_HELP
    ),
    "max_non_technical_pct": FormField(
        "max_non_technical_pct", "Max non-technical %", "decimal", help=_PCT_HELP
    ),
    "technical_min_hours": FormField(
        "technical_min_hours", "Technical minimum", "decimal", help=_HOURS_HELP
    ),
    "carryover_max_hours": FormField(
        "carryover_max_hours", "Max carryover", "decimal", help=_HOURS_HELP
    ),
    "effective_from": FormField("effective_from", "Effective from", "optional_date"),
    # How the board sets periods, new licensees, carryover and reciprocity (ARCHITECTURE.md §4).
    "cycle_anchor": FormField(
        "cycle_anchor",
        "Cycle years set by",
        "choice",
        choices=(
            (None, "Not stated (the issue year, or the anchor year when given)"),
            ("issue_year", "The issue year"),
            ("fixed", "A fixed year (cycle anchor year)"),
            ("birth_year_parity", "The parity of the holder's birth year"),
            ("license_number_parity", "The last digit of the license number"),
            ("annual", "Every year"),
            ("birth_month", "The holder's birth month (rolling window)"),
            ("holder_supplied", "Only the holder knows: they give the period end"),
        ),
        section=_RULE_PERIODS,
    ),
    "cycle_parity_offset": FormField(
        "cycle_parity_offset",
        "Parity offset",
        "integer",
        help="1 when periods end in the other parity (Kentucky: odd numbers, even years)",
        section=_RULE_PERIODS,
    ),
    "first_period": FormField(
        "first_period",
        "New licensees",
        "choice",
        choices=(
            (None, "Not stated (the full requirement)"),
            ("full", "The full requirement"),
            ("exempt", "First period exempt"),
            ("starts_next_period", "Nothing until the next full period"),
            ("prorate", "Prorated: hours per unit of months held"),
            ("table", "By the quarter (unit) of issue: table of hours"),
            ("ramp", "Ramp: hours for the 1st, 2nd, ... period after issue"),
        ),
        section=_RULE_PERIODS,
    ),
    "first_period_hours_per_unit": FormField(
        "first_period_hours_per_unit",
        "Hours per unit",
        "decimal",
        help="prorate: hours for each unit of months held",
        section=_RULE_PERIODS,
    ),
    "first_period_unit_months": FormField(
        "first_period_unit_months",
        "Unit (months)",
        "integer",
        help="prorate or table: months in a unit (3 = quarters)",
        section=_RULE_PERIODS,
    ),
    "first_period_counts_issue_month": FormField(
        "first_period_counts_issue_month",
        "Month of issue counts",
        "choice",
        choices=((None, "Not stated"), ("true", "Yes"), ("false", "No")),
        section=_RULE_PERIODS,
    ),
    "first_period_ethics": FormField(
        "first_period_ethics",
        "First-period ethics",
        "decimal",
        help="ethics hours asked in a reduced first period; empty = the full ethics",
        section=_RULE_PERIODS,
    ),
    "first_period_table": FormField(
        "first_period_table",
        "Table of hours",
        help="table or ramp: hours separated by commas, e.g. 40, 30, 20, 10",
        section=_RULE_PERIODS,
    ),
    "carryover_scope": FormField(
        "carryover_scope",
        "Carryover goes",
        "choice",
        choices=(
            (None, "Not stated (into the next period)"),
            ("period", "Into the next period"),
            ("next_year", "Into the next year's minimum"),
        ),
        section=_RULE_PERIODS,
    ),
    "reciprocity": FormField(
        "reciprocity",
        "Home-state CPE",
        "choice",
        choices=(
            (None, "Not stated (not accepted)"),
            ("none", "Not accepted"),
            ("home_state", "Accepted"),
            ("home_state_plus_ethics", "Accepted, plus this state's ethics"),
        ),
        section=_RULE_PERIODS,
    ),
    "source": FormField("source", "Source", "multiline", help="Where this rule comes from"),
    "verified_on": FormField(
        "verified_on",
        "Checked against source on",
        "optional_date",
        help="the day someone compared this rule with its source",
    ),
    "notes": FormField("notes", "Notes", "multiline"),
}
# Every interchange key, in the interchange order: the form edits the whole rule.
REQUIREMENT = FormSpec(
    "requirement",
    "Requirement rule",
    tuple(_REQUIREMENT_FIELDS[key] for key in requirements.ALL_KEYS),
)

REMINDER = FormSpec(
    "reminder",
    "Reminder",
    (
        FormField("user_id", "For", "user", required=True, admin_only=True),
        FormField("message", "Message", "multiline", required=True, help="At most 1000 characters"),
        FormField(
            "frequency",
            "Repeats",
            "choice",
            choices=_choices(reminders.FREQUENCIES),
            default="once",
        ),
        FormField(
            "interval_days",
            "Every N days",
            "integer",
            help="Days between reminders (1-3650)",
            enabled_when=("frequency", (reminders.EVERY_N_DAYS,)),
        ),
        FormField("next_reminder", "Next reminder", "datetime", required=True),
        FormField("license_id", "License", "license", help="Optional: what the reminder is about"),
        FormField("active", "Active", "bool", default=True),
    ),
)

CUSTOM_FIELD = FormSpec(
    "custom_field",
    "Custom field",
    (
        FormField(
            "entity",
            "Applies to",
            "choice",
            choices=tuple((name, words[0]) for name, words in custom_fields.ENTITY_WORDS.items()),
            default="record",
        ),
        FormField("field_name", "Name", required=True),
        FormField(
            "field_type",
            "Type",
            "choice",
            choices=tuple(custom_fields.FIELD_TYPE_LABELS.items()),
            default="text",
        ),
        FormField(
            "options",
            "Choices",
            "lines",
            help="One choice per line (choice fields only)",
            enabled_when=("field_type", ("choice",)),
        ),
        FormField("required", "Required", "bool", default=False),
    ),
)

# --- a plain table's form (db/plain.py), from its declaration ------------------------------------

_PLAIN_KINDS = {"text": "text", "multiline": "multiline", "integer": "integer", "bool": "bool"}
_PLAIN_KINDS |= {"decimal": "decimal", "choice": "choice", "license": "license"}


def plain_form(table: PlainTable) -> FormSpec:
    """The add/edit form of a plain table: who it is for (administrators choose), then each
    field in its declared order (a day not required may be left empty)."""
    fields = [FormField("user_id", "For", "user", required=True, admin_only=True)]
    for item in table.fields:
        kind = _PLAIN_KINDS.get(item.kind) or ("date" if item.required else "optional_date")
        choices: tuple[Choice, ...] = ()
        if item.kind == "choice":
            blank = () if item.required else ((None, ""),)
            choices = blank + tuple((value, value) for value in item.choices)
        default = bool(item.default) if item.kind == "bool" else item.default
        fields.append(
            FormField(
                item.column,
                item.label,
                kind,
                required=item.required,
                choices=choices,
                help=item.help,
                default=default,
            )
        )
    return FormSpec(table.one, table.one_words.capitalize(), tuple(fields))


_CUSTOM_KINDS = {
    "text": "text",
    "integer": "integer",
    "decimal": "decimal",
    "date": "optional_date",
    "boolean": "choice",  # yes / no / not set: an untouched box must not store "no"
    "choice": "choice",
}


def custom_form_fields(entity: str) -> tuple[FormField, ...]:
    """The administrator-defined fields of ``entity`` items, as form fields (``custom:<id>``)."""
    # (imported here: the entity registry, which saving derives from, names these forms)
    from cpe_desktop.services.editing.saving import CUSTOMIZABLE, custom_key

    if entity not in CUSTOMIZABLE:
        return ()
    out = []
    for item in custom_fields.list_fields(entity):
        choices: tuple[Choice, ...] = ()
        if item.field_type == "choice":
            options = json.loads(item.options or "[]")
            choices = ((None, ""),) + tuple((option, option) for option in options)
        elif item.field_type == "boolean":
            choices = ((None, ""), ("true", "Yes"), ("false", "No"))
        out.append(
            FormField(
                custom_key(item.custom_field_id),
                item.field_name,
                _CUSTOM_KINDS.get(item.field_type, "text"),
                required=bool(item.required),
                choices=choices,
            )
        )
    return tuple(out)


def with_custom_fields(spec: FormSpec) -> FormSpec:
    """``spec`` with the custom fields defined for its kind of item appended."""
    extra = custom_form_fields(spec.entity)
    return replace(spec, fields=spec.fields + extra) if extra else spec
