"""What each table tab shows: one declarative ``TableSpec`` per database table.

The generic Qt table model (``ui/table_model.py``) and the paging queries
(``services/tables/paging.py``) know nothing about any particular table; everything table-specific
-- the joins, the columns and how to show them, who may see which rows, which kinds of change
refresh the tab, and what to say when it is empty -- is declared here (daily-work tables) and in
``admin_specs`` (the Administration area), so adding a column is a one-line change. No Qt
here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import peewee
from peewee import JOIN, Case, fn

from cpe_desktop.db.models import (
    PLAIN_MODELS,
    Attachment,
    CpeRecord,
    Credential,
    License,
    Notification,
    RecordCredit,
    Reminder,
    Report,
    User,
    database,
)
from cpe_desktop.db.plain_tables import TABLES as PLAIN_TABLES
from cpe_desktop.rules.fields import ETHICS_FIELDS
from cpe_desktop.services import changes as k
from cpe_desktop.services.tables import words as table_words

if TYPE_CHECKING:
    from cpe_desktop.db.plain import PlainTable

COLUMN_KINDS = ("text", "date", "datetime", "number", "credits", "bool", "badge")
_RIGHT_ALIGNED = frozenset({"number", "credits"})


@dataclass(frozen=True, eq=False)
class Column:
    """One column of a table view.

    ``expr`` is the peewee field or expression selected, or a zero-argument callable returning one
    (for expressions that depend on the database engine, resolved at query time). ``kind`` decides
    formatting and alignment; ``searchable`` columns take part in the filter box's search;
    ``admin_only`` columns (the holder's name, say) are shown to administrators only.
    ``sort_expr`` sorts by something other than ``expr`` (numbers stored as text, say).
    ``show`` gives a stored value's words where the stored form is not for people (a custom
    field's type ``boolean`` as "Yes/No", its choices' JSON list as "Basic, Advanced").
    """

    key: str
    title: str
    expr: Any
    kind: str = "text"
    sortable: bool = True
    searchable: bool = True
    admin_only: bool = False
    sort_expr: Any = None
    show: Callable[[Any], str] | None = None

    def __post_init__(self) -> None:
        if self.kind not in COLUMN_KINDS:
            raise ValueError(f"column {self.key!r}: unknown kind {self.kind!r}")

    @property
    def align_right(self) -> bool:
        return self.kind in _RIGHT_ALIGNED

    def expression(self) -> Any:
        """The peewee node to select, sort and search by (built now if ``expr`` is a callable)."""
        if callable(self.expr) and not isinstance(self.expr, peewee.Node):
            return self.expr()
        return self.expr


@dataclass(frozen=True, eq=False)
class TableSpec:
    """Everything a table tab needs to know about one table.

    ``owner`` is the field holding the owning user's id (members see only their own rows), or None
    for shared catalogue tables everyone may read. ``admin_only`` tables are refused to members
    (``PermissionDenied``). ``read_only`` tables get no add/edit/delete actions. ``kinds`` are the
    ``Changes`` kinds that must refresh the tab. ``default_sort`` is ``(column key, descending)``.
    ``query`` builds the base select with its joins; columns are chosen when paging.
    """

    name: str
    title: str
    model: type[peewee.Model]
    columns: tuple[Column, ...]
    kinds: frozenset[str]
    owner: Any
    query: Callable[[], peewee.ModelSelect[Any]]
    default_sort: tuple[str, bool]
    empty_text: str
    admin_only: bool = False
    read_only: bool = False
    custom_field_entity: str | None = None

    def __post_init__(self) -> None:
        keys = [c.key for c in self.columns]
        if len(set(keys)) != len(keys):
            raise ValueError(f"spec {self.name!r}: duplicate column keys")
        if self.default_sort[0] not in keys:
            raise ValueError(f"spec {self.name!r}: default sort {self.default_sort[0]!r} unknown")

    @property
    def table(self) -> str:
        return self.model._meta.table_name

    def column(self, key: str) -> Column:
        for column in self.columns:
            if column.key == key:
                return column
        raise KeyError(key)


# --- expressions shared by several specs ----------------------------------------------------------


def is_postgres() -> bool:
    return isinstance(database.obj, peewee.PostgresqlDatabase)


def _credits_sum(where: Any = None) -> Any:
    """Credits of the outer query's record, summed in a correlated subquery (0 when none)."""
    rc = RecordCredit.alias()
    condition = rc.record == CpeRecord.record_id
    if where is not None:
        condition &= where(rc)
    return fn.COALESCE(rc.select(fn.SUM(rc.credits)).where(condition), 0)


def _fields_of_study() -> Any:
    """The record's fields of study as one "A, B" string (the aggregate differs per engine)."""
    rc = RecordCredit.alias()
    if is_postgres():
        aggregate = fn.STRING_AGG(rc.field_of_study, ", ").order_by(rc.field_of_study)
    else:
        # The unique (record_id, field_of_study) index makes SQLite visit them in name order.
        aggregate = fn.GROUP_CONCAT(rc.field_of_study, ", ")
    return rc.select(aggregate).where(rc.record == CpeRecord.record_id)


def who_name(user_field: Any) -> Any:
    return fn.COALESCE(user_field, "system")


def holder_column(title: str = "Holder") -> Column:
    return Column("holder", title, User.name, admin_only=True)


def created_column(model: Any, title: str = "Created") -> Column:  # any model with created_at
    return Column("created_at", title, model.created_at, "datetime", searchable=False)


# --- the daily-work specs -------------------------------------------------------------------------
RECORDS = TableSpec(
    name="records",
    title="CPE Records",
    model=CpeRecord,
    query=lambda: CpeRecord.select().join(User),
    columns=(
        Column("completed_on", "Completed", CpeRecord.completed_on, "date"),
        Column("title", "Title", CpeRecord.title),
        Column("sponsor", "Sponsor", CpeRecord.sponsor),
        Column("sponsor_id", "Sponsor ID", CpeRecord.sponsor_id),
        Column("delivery_method", "Delivery", CpeRecord.delivery_method),
        Column("credits", "Credits", _credits_sum, "credits", searchable=False),
        Column(
            "ethics",
            "Ethics",
            lambda: _credits_sum(lambda rc: rc.field_of_study.in_(ETHICS_FIELDS)),
            "credits",
            searchable=False,
        ),
        Column("fields", "Fields of study", _fields_of_study),
        Column(
            "certificate",
            "Certificate",
            CpeRecord.attachment.is_null(False),
            "bool",
            searchable=False,
        ),
        holder_column(),
    ),
    kinds=frozenset({k.RECORDS, k.ATTACHMENTS, k.CUSTOM_FIELDS, k.USERS}),
    owner=CpeRecord.user,
    default_sort=("completed_on", True),
    empty_text=("No CPE records yet — choose Edit › New record (Ctrl+N) to add your first course."),
    custom_field_entity="record",
)

LICENSES = TableSpec(
    name="licenses",
    title="Licenses",
    model=License,
    query=lambda: License.select().join(Credential).switch(License).join(User),
    columns=(
        Column("credential", "Credential", Credential.code),
        Column("jurisdiction", "Jurisdiction", License.jurisdiction),
        Column("license_number", "Number", License.license_number),
        Column("issued_on", "Issued", License.issued_on, "date"),
        Column("expires_on", "Expires", License.expires_on, "date"),
        Column("period_end_override", "Own deadline", License.period_end_override, "date"),
        Column("tracked_from", "Tracked from", License.tracked_from, "date"),
        Column("home_jurisdiction", "Home jurisdiction", License.home_jurisdiction),
        Column("status", "Status", License.status, "badge"),
        holder_column(),
    ),
    kinds=frozenset({k.LICENSES, k.CREDENTIALS, k.USERS, k.CUSTOM_FIELDS}),
    owner=License.user,
    default_sort=("credential", False),
    empty_text="No licenses yet — press New… above to add each credential you hold.",
    custom_field_entity="license",
)


def _repeats_words(value: Any) -> str:
    text = str(value)
    if text.isdigit():
        return "Every day" if text == "1" else f"Every {text} days"
    return {"once": "Once"}.get(text, text.replace("_", " ").capitalize())


REMINDERS = TableSpec(
    name="reminders",
    title="Reminders",
    model=Reminder,
    query=lambda: (
        Reminder.select()
        .join(User)
        .switch(Reminder)
        .join(License, JOIN.LEFT_OUTER)
        .join(Credential, JOIN.LEFT_OUTER)
    ),
    columns=(
        Column("next_reminder", "Next", Reminder.next_reminder, "datetime", searchable=False),
        Column("message", "Message", Reminder.message),
        # "Every 10 days" for its own interval; otherwise the frequency ("Monthly").
        Column(
            "frequency",
            "Repeats",
            Case(
                None,
                ((Reminder.interval_days.is_null(False), Reminder.interval_days.cast("TEXT")),),
                Reminder.frequency,
            ),
            "badge",
            show=_repeats_words,
        ),
        Column("license", "License", Credential.code.concat(" ").concat(License.jurisdiction)),
        Column("active", "Active", Reminder.active, "bool", searchable=False),
        holder_column("For"),
    ),
    kinds=frozenset({k.REMINDERS, k.LICENSES, k.USERS}),
    owner=Reminder.user,
    default_sort=("next_reminder", False),
    empty_text="No reminders — press New… above to be reminded of a deadline or course.",
)

NOTIFICATIONS = TableSpec(
    name="notifications",
    title="Notifications",
    model=Notification,
    query=lambda: Notification.select().join(User),
    columns=(
        created_column(Notification, "When"),
        Column("kind", "Kind", Notification.kind, "badge"),
        Column("message", "Message", Notification.message),
        Column("status", "Status", Notification.status, "badge"),
        Column("read", "Read", Notification.read_at.is_null(False), "bool", searchable=False),
        Column("sent_at", "Sent", Notification.sent_at, "datetime", searchable=False),
        holder_column("For"),
    ),
    kinds=frozenset({k.NOTIFICATIONS, k.USERS}),
    owner=Notification.user,
    default_sort=("created_at", True),
    empty_text="No notifications — deadline warnings and reminders will appear here.",
)

REPORTS = TableSpec(
    name="reports",
    title="Reports",
    model=Report,
    query=lambda: Report.select().join(User),
    columns=(
        created_column(Report),
        Column("report_type", "Type", Report.report_type, "badge"),
        Column("title", "Title", Report.title),
        Column("as_of", "As of", Report.as_of, "date"),
        holder_column("For"),
    ),
    kinds=frozenset({k.REPORTS, k.USERS}),
    owner=Report.user,
    default_sort=("created_at", True),
    empty_text="No reports yet — use Progress report… or Audit pack… above to make one.",
)


def _certified_course() -> Any:
    """The title of the record a certificate proves (the first, should several share it)."""
    record = CpeRecord.alias()
    return record.select(fn.MIN(record.title)).where(record.attachment == Attachment.attachment_id)


ATTACHMENTS = TableSpec(
    name="attachments",
    title="Certificates",
    model=Attachment,
    query=lambda: Attachment.select().join(User),
    columns=(
        Column("original_name", "File", Attachment.original_name),
        Column("record", "For the course", _certified_course),
        Column("media_type", "Type", Attachment.media_type, show=table_words.media_words),
        Column(
            "size", "Size", Attachment.size, "number", searchable=False, show=table_words.size_words
        ),
        created_column(Attachment, "Added"),
        holder_column(),
        # Last: what an auditor compares with the file's own fingerprint, not daily reading.
        Column("sha256", "Fingerprint (SHA-256)", Attachment.sha256),
    ),
    kinds=frozenset({k.ATTACHMENTS, k.RECORDS, k.USERS}),
    owner=Attachment.user,
    default_sort=("created_at", True),
    empty_text="No certificates yet — open a CPE record and attach its PDF or image certificate.",
)

RECORD_CREDITS = TableSpec(
    name="record_credits",
    title="Record Credits",
    model=RecordCredit,
    query=lambda: RecordCredit.select().join(CpeRecord).join(User),
    columns=(
        Column("completed_on", "Completed", CpeRecord.completed_on, "date"),
        Column("record", "Record", CpeRecord.title),
        Column("field_of_study", "Field of study", RecordCredit.field_of_study),
        Column("credits", "Credits", RecordCredit.credits, "credits", searchable=False),
        holder_column(),
    ),
    kinds=frozenset({k.RECORDS, k.USERS}),
    owner=CpeRecord.user,
    default_sort=("completed_on", True),
    empty_text="No credits yet — credits are entered with each CPE record (Edit › New record).",
    read_only=True,
)

# --- the plain tables' specs (db/plain.py): one each, from its declaration ------------------------

_PLAIN_COLUMN_KINDS = {"date": "date", "integer": "number", "decimal": "credits", "bool": "bool"}


def plain_spec(table: PlainTable) -> TableSpec:
    """A plain table's tab: a column per field shown in the table, the holder's name for an
    administrator, a license as its credential and jurisdiction."""
    model: Any = PLAIN_MODELS[table.name]
    columns = []
    for item in table.fields:
        if not item.in_table:
            continue
        if item.kind == "license":
            shown = Credential.code.concat(" ").concat(License.jurisdiction)
            columns.append(Column(item.key, item.label, shown))
            continue
        kind = _PLAIN_COLUMN_KINDS.get(item.kind, "text")
        searchable = kind == "text"
        columns.append(
            Column(item.key, item.label, getattr(model, item.key), kind, searchable=searchable)
        )
    columns.append(holder_column())

    def query() -> peewee.ModelSelect[Any]:
        select = model.select().join(User)
        if table.has_license:
            select = (
                select.switch(model)
                .join(License, JOIN.LEFT_OUTER)
                .join(Credential, JOIN.LEFT_OUTER)
            )
        return select

    kinds = {table.name, k.USERS} | ({k.LICENSES, k.CREDENTIALS} if table.has_license else set())
    return TableSpec(
        name=table.name,
        title=table.title,
        model=model,
        query=query,
        columns=tuple(columns),
        kinds=frozenset(kinds),
        owner=model.user,
        default_sort=table.sort,
        empty_text=table.empty_text,
    )


PLAIN_SPECS: tuple[TableSpec, ...] = tuple(plain_spec(table) for table in PLAIN_TABLES)

PRIMARY_SPECS: tuple[TableSpec, ...] = (
    RECORDS,
    LICENSES,
    REMINDERS,
    NOTIFICATIONS,
    REPORTS,
    *PLAIN_SPECS,
)
"""The daily-work tabs, in their order (the main window's tabs are these)."""
