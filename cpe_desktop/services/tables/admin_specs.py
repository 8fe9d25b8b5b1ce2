"""The Administration area's table views: people, credential types, requirement rules, mail,
logs, tasks, custom fields and settings.

Apart from ``specs`` (the daily-work tables, and the ``Column``/``TableSpec`` types);
``ADMIN_SPECS`` is the Administration area's tab list, and ``services.tables.paging.SPECS`` joins
both. No Qt here.
"""

from __future__ import annotations

import datetime as dt

from peewee import JOIN, Case, fn

from cpe_desktop.db.models import (
    ActivityLog,
    AuditLog,
    CpeRecord,
    Credential,
    CustomField,
    CustomFieldValue,
    DeskSession,
    Email,
    License,
    Preference,
    RequirementComponent,
    StateRequirement,
    TaskQueue,
    User,
)
from cpe_desktop.services import changes as k
from cpe_desktop.services import custom_fields, preferences
from cpe_desktop.services.desks import presence
from cpe_desktop.services.tables import words as table_words
from cpe_desktop.services.tables.specs import (
    ATTACHMENTS,
    RECORD_CREDITS,
    Column,
    TableSpec,
    created_column,
    holder_column,
    who_name,
)


def _attribute_label(code: str) -> str:
    # (imported here: the window's start does not need the rules' component module before its
    # first paint, issue 18)
    from cpe_desktop.rules.component_facts import ATTRIBUTE_LABELS

    return ATTRIBUTE_LABELS.get(code, str(code).replace("_", " "))


USERS = TableSpec(
    name="users",
    title="Users",
    model=User,
    query=lambda: User.select(),
    columns=(
        Column("name", "Name", User.name),
        Column("email", "Email", User.email),
        Column("role", "Role", User.role, "badge"),
        Column("birth_date", "Birth date", User.birth_date, "date"),
        Column("active", "Active", User.active, "bool", searchable=False),
        Column(
            "has_password", "Password", User.password_hash.is_null(False), "bool", searchable=False
        ),
        created_column(User),
    ),
    kinds=frozenset({k.USERS, k.CUSTOM_FIELDS}),
    owner=User.user_id,
    default_sort=("name", False),
    empty_text="No people yet — press New… above to add the first account.",
    custom_field_entity="user",
)

CREDENTIALS = TableSpec(
    name="credentials",
    title="Credentials",
    model=Credential,
    query=lambda: Credential.select(),
    columns=(
        Column("code", "Code", Credential.code),
        Column("name", "Name", Credential.name),
        Column("issuing_body", "Issued by", Credential.issuing_body),
        created_column(Credential, "Added"),
    ),
    kinds=frozenset({k.CREDENTIALS, k.CUSTOM_FIELDS}),
    owner=None,
    default_sort=("code", False),
    empty_text="No credential types yet — press New… above to add one (CPA, EA, CIA, …).",
    custom_field_entity="credential",
)

REQUIREMENTS = TableSpec(
    name="requirements",
    title="Requirements",
    model=StateRequirement,
    query=lambda: StateRequirement.select().join(Credential),
    columns=(
        Column("credential", "Credential", Credential.code),
        Column("jurisdiction", "Jurisdiction", StateRequirement.state_name),
        Column(
            "total",
            "Total hours",
            StateRequirement.total_credits_required,
            "credits",
            searchable=False,
        ),
        Column(
            "years", "Years", StateRequirement.reporting_period_years, "number", searchable=False
        ),
        Column(
            "ethics",
            "Ethics",
            StateRequirement.ethics_credits_required,
            "credits",
            searchable=False,
        ),
        Column(
            "annual_min",
            "Annual min.",
            StateRequirement.annual_min_hours,
            "credits",
            searchable=False,
        ),
        Column("basis", "Period basis", StateRequirement.period_basis, "badge"),
        Column("effective_from", "Effective", StateRequirement.effective_from, "date"),
        # The date someone checked the row against its source (not when it was transcribed),
        # and how sure the research is; before the long source text, so both are in view.
        Column("verified_on", "Checked against source", StateRequirement.verified_on, "date"),
        Column("confidence", "Confidence", StateRequirement.confidence, "badge"),
        Column("source", "Source", StateRequirement.source),
        Column("edited", "Edited", StateRequirement.user_edited, "bool", searchable=False),
    ),
    kinds=frozenset({k.REQUIREMENTS, k.CREDENTIALS}),
    owner=None,
    default_sort=("jurisdiction", False),
    empty_text=(
        "No requirement rules — press New… above to add the rule your board sets for a "
        "credential in a jurisdiction."
    ),
)


def _names(field):
    """A JSON text list of names ('["Taxes", "live"]') as plain words ("Taxes, live")."""
    return fn.REPLACE(fn.REPLACE(fn.REPLACE(field, '["', ""), '"]', ""), '", "', ", ")


# Read-only here: a rule's components are edited with the rule (Requirements view, Components…).
REQUIREMENT_COMPONENTS = TableSpec(
    name="requirement_components",
    title="Requirement Components",
    model=RequirementComponent,
    query=lambda: RequirementComponent.select().join(StateRequirement).join(Credential),
    columns=(
        Column("rule", "Rule", Credential.code.concat(" ").concat(StateRequirement.state_name)),
        Column(
            "effective_from", "Effective", StateRequirement.effective_from, "date", searchable=False
        ),
        # Stored from 0; people count from 1, as the rule editor lists them.
        Column("position", "#", RequirementComponent.position + 1, "number", searchable=False),
        Column(
            "kind",
            "Kind",
            RequirementComponent.kind,
            "badge",
            show=lambda kind: table_words.COMPONENT_KIND_WORDS.get(kind, str(kind)),
        ),
        Column("label", "Label", RequirementComponent.label),
        Column("hours", "Hours", RequirementComponent.hours, "credits", searchable=False),
        Column("pct", "% of total", RequirementComponent.pct, "credits", searchable=False),
        Column(
            "fields", "Fields", _names(RequirementComponent.fields), show=table_words.group_words
        ),
        Column(
            "delivery",
            "Delivery",
            _names(RequirementComponent.delivery),
            show=table_words.group_words,
        ),
        Column(
            "scope",
            "Counted over",
            RequirementComponent.scope,
            "badge",
            show=lambda scope: table_words.COMPONENT_SCOPE_WORDS.get(scope, str(scope)),
        ),
        Column(
            "cycle_years",
            "Cycle years",
            RequirementComponent.cycle_years,
            "number",
            searchable=False,
        ),
        Column("topic", "Topic", RequirementComponent.topic),
        Column("factor", "Factor", RequirementComponent.factor, "number", searchable=False),
        Column(
            "applies_if",
            "Applies if",
            RequirementComponent.applies_if,
            "badge",
            show=_attribute_label,
        ),
        Column("alternative", "Alternative", RequirementComponent.alternative),
        Column("source", "Source", RequirementComponent.source),
    ),
    kinds=frozenset({k.REQUIREMENTS, k.CREDENTIALS}),
    owner=None,
    default_sort=("rule", False),
    empty_text=(
        "No requirement components — a rule's subject minimums, caps and courses are added "
        "with Components… in the Requirements view."
    ),
    read_only=True,
)

EMAILS = TableSpec(
    name="emails",
    title="Emails",
    model=Email,
    query=lambda: Email.select().join(User),
    columns=(
        created_column(Email, "Queued"),
        Column("recipient", "To", Email.recipient),
        Column("subject", "Subject", Email.subject),
        Column("status", "Status", Email.status, "badge"),
        Column("attempts", "Attempts", Email.attempts, "number", searchable=False),
        Column("sent_at", "Sent", Email.sent_at, "datetime", searchable=False),
        Column("error", "Error", Email.error),
        holder_column("For"),
    ),
    kinds=frozenset({k.EMAILS, k.USERS}),
    owner=Email.user,
    default_sort=("created_at", True),
    empty_text="No emails — set up a mail server in Preferences to get notifications by email.",
    read_only=True,
)

AUDIT_LOGS = TableSpec(
    name="audit_logs",
    title="Audit Log",
    model=AuditLog,
    query=lambda: AuditLog.select().join(User, JOIN.LEFT_OUTER),
    columns=(
        Column("timestamp", "When", AuditLog.timestamp, "datetime", searchable=False),
        Column("who", "Who", who_name(User.name)),
        Column("action", "Action", AuditLog.action, "badge", show=table_words.action_words),
        Column("entity", "Item", AuditLog.entity, show=table_words.item_words),
        Column("entity_id", "Item no.", AuditLog.entity_id),
        # The entry's own details, or else what the item was (a record's title, a license).
        Column(
            "details",
            "Details",
            fn.COALESCE(fn.NULLIF(AuditLog.details, ""), AuditLog.after_json, AuditLog.before_json),
            show=table_words.audit_details,
        ),
    ),
    kinds=frozenset({k.AUDIT, k.USERS}),
    owner=AuditLog.user,
    default_sort=("timestamp", True),
    empty_text="The audit log is empty — every change you save is recorded here automatically.",
    admin_only=True,
    read_only=True,
)

ACTIVITY_LOGS = TableSpec(
    name="activity_logs",
    title="Activity Log",
    model=ActivityLog,
    query=lambda: ActivityLog.select().join(User, JOIN.LEFT_OUTER),
    columns=(
        Column("timestamp", "When", ActivityLog.timestamp, "datetime", searchable=False),
        Column("who", "Who", who_name(User.name)),
        Column("action", "Action", ActivityLog.action, "badge"),
        Column("details", "Details", ActivityLog.details),
    ),
    kinds=frozenset({k.ACTIVITY, k.USERS}),
    owner=ActivityLog.user,
    default_sort=("timestamp", True),
    empty_text="No activity yet — sign-ins, exports and settings changes are listed here.",
    read_only=True,
)

TASK_QUEUE = TableSpec(
    name="task_queue",
    title="Task Queue",
    model=TaskQueue,
    query=lambda: TaskQueue.select().join(User, JOIN.LEFT_OUTER),
    columns=(
        Column("scheduled_at", "Scheduled", TaskQueue.scheduled_at, "datetime", searchable=False),
        Column("task_name", "Task", TaskQueue.task_name),
        Column("status", "Status", TaskQueue.status, "badge"),
        Column("progress", "Progress %", TaskQueue.progress, "number", searchable=False),
        Column("started_at", "Started", TaskQueue.started_at, "datetime", searchable=False),
        Column("completed_at", "Finished", TaskQueue.completed_at, "datetime", searchable=False),
        Column("message", "Message", TaskQueue.message),
        Column("who", "For", who_name(User.name), admin_only=True),
    ),
    kinds=frozenset({k.TASKS, k.USERS}),
    owner=TaskQueue.user,
    default_sort=("scheduled_at", True),
    empty_text="No tasks — imports, reports, backups and emails run here in the background.",
    read_only=True,
)


def _entity_words(value: object) -> str:
    """``user`` as "Person", ``record`` as "CPE record"."""
    return custom_fields.ENTITY_WORDS.get(str(value), (str(value),))[0]


CUSTOM_FIELDS = TableSpec(
    name="custom_fields",
    title="Custom Fields",
    model=CustomField,
    query=lambda: CustomField.select(),
    columns=(
        Column("entity", "Applies to", CustomField.entity, "badge", show=_entity_words),
        Column("field_name", "Field", CustomField.field_name),
        Column(
            "field_type",
            "Type",
            CustomField.field_type,
            "badge",
            show=lambda value: custom_fields.FIELD_TYPE_LABELS.get(value, str(value)),
        ),
        Column("required", "Required", CustomField.required, "bool", searchable=False),
        Column("options", "Choices", CustomField.options, show=custom_fields.choices_text),
        created_column(CustomField),
    ),
    kinds=frozenset({k.CUSTOM_FIELDS}),
    owner=None,
    default_sort=("entity", False),
    empty_text=(
        "No custom fields — press New… above to track extra details on "
        "records, licenses, credentials or people."
    ),
)

PREFERENCES = TableSpec(
    name="preferences",
    title="Preferences",
    model=Preference,
    query=lambda: Preference.select().join(User),
    columns=(
        Column("setting_name", "Setting", Preference.setting_name, show=preferences.label_of),
        # Name and value together, so the value can be said in words ("Email", "90, 30 and 7
        # days"); setting names hold no "=".
        Column(
            "setting_value",
            "Value",
            Preference.setting_name.concat("=").concat(Preference.setting_value),
            show=lambda both: preferences.value_words(*str(both).split("=", 1)),
        ),
        Column("updated_at", "Changed", Preference.updated_at, "datetime", searchable=False),
        holder_column("Person"),
    ),
    kinds=frozenset({k.PREFERENCES, k.USERS}),
    owner=Preference.user,
    default_sort=("setting_name", False),
    empty_text="All settings are at their defaults — choose Edit › Preferences to change them.",
)


def _custom_value_item():
    """What a custom value belongs to, by name: the person, the record's title, the license."""
    cred = Credential.alias()
    return Case(
        CustomField.entity,
        (
            ("user", User.select(User.name).where(User.user_id == CustomFieldValue.entity_id)),
            (
                "record",
                CpeRecord.select(CpeRecord.title).where(
                    CpeRecord.record_id == CustomFieldValue.entity_id
                ),
            ),
            (
                "license",
                License.select(cred.code.concat(" ").concat(License.jurisdiction))
                .join(cred, on=License.credential == cred.credential_id)
                .where(License.license_id == CustomFieldValue.entity_id),
            ),
            (
                "credential",
                Credential.select(Credential.code).where(
                    Credential.credential_id == CustomFieldValue.entity_id
                ),
            ),
        ),
        CustomFieldValue.entity_id.cast("TEXT"),  # an item since deleted: its number
    )


CUSTOM_FIELD_VALUES = TableSpec(
    name="custom_field_values",
    title="Custom Field Values",
    model=CustomFieldValue,
    query=lambda: CustomFieldValue.select().join(CustomField),
    columns=(
        Column("entity", "Applies to", CustomField.entity, "badge", show=_entity_words),
        Column("field_name", "Field", CustomField.field_name),
        Column("item", "Item", _custom_value_item),
        Column(
            "value",
            "Value",
            CustomField.field_type.concat("=").concat(CustomFieldValue.value),
            show=table_words.custom_value_words,
        ),
    ),
    kinds=frozenset({k.CUSTOM_FIELDS, k.USERS, k.CREDENTIALS, k.LICENSES, k.RECORDS}),
    owner=None,
    default_sort=("field_name", False),
    empty_text="No custom values yet — fill in custom fields in the record, license or user forms.",
    admin_only=True,
    read_only=True,
)


def _connected_now():
    """The desks seen in the last few minutes (a desk that crashed drops out by itself)."""
    since = dt.datetime.now(dt.UTC).replace(tzinfo=None) - presence.CONNECTED_FOR
    return DeskSession.select().join(User, JOIN.LEFT_OUTER).where(DeskSession.last_seen >= since)


DESK_SESSIONS = TableSpec(
    name="desk_sessions",
    title="Connected",
    model=DeskSession,
    query=_connected_now,
    columns=(
        Column("who", "Person", fn.COALESCE(User.name, "(signing in)")),
        Column("machine", "Computer", DeskSession.machine),
        Column("started_at", "Since", DeskSession.started_at, "datetime", searchable=False),
        Column("last_seen", "Last seen", DeskSession.last_seen, "datetime", searchable=False),
        Column("database_kind", "Database", DeskSession.database_kind, "badge"),
        Column("program_version", "Version", DeskSession.program_version),
    ),
    kinds=frozenset({k.USERS, k.ACTIVITY}),
    owner=None,
    default_sort=("who", False),
    empty_text="Nobody else is connected to this database now.",
    admin_only=True,
    read_only=True,
)

ADMIN_SPECS: tuple[TableSpec, ...] = (
    USERS,
    DESK_SESSIONS,  # who is connected, from which computer
    CREDENTIALS,
    REQUIREMENTS,
    REQUIREMENT_COMPONENTS,
    EMAILS,
    AUDIT_LOGS,
    ACTIVITY_LOGS,
    TASK_QUEUE,
    CUSTOM_FIELDS,
    PREFERENCES,
    ATTACHMENTS,
    RECORD_CREDITS,
    CUSTOM_FIELD_VALUES,
)
"""The Administration area's tabs, in their order (the main window's tabs are these)."""
