"""Per-user settings, each declared once with type, default and check (table ``preferences``),
and the firm's settings, the same way (table ``firm_settings``: the outgoing mail server, which an
administrator sets once for everyone).

Window geometry and other view state belong in QSettings, not here. The SMTP password is never a
setting: it lives in the operating system's credential store.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from cpe_desktop.db.models import FirmSetting, Preference, User, database
from cpe_desktop.rules import fields
from cpe_desktop.services.changes import AUDIT, PREFERENCES, Changes, Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.editing import rows
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.frozen import Frozen


class Setting(Frozen):
    """One setting's declaration (immutable, equal by its fields: services/frozen.py)."""

    __match_args__ = ("name", "label", "default", "parse", "dump")
    name: str
    label: str
    default: Any
    parse: Callable[[Any], Any]  # raises ValueError with a plain message
    dump: Callable[[Any], str]

    def __init__(
        self,
        name: str,
        label: str,
        default: Any,
        parse: Callable[[Any], Any],
        dump: Callable[[Any], str] = str,
    ) -> None:
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "label", label)
        object.__setattr__(self, "default", default)
        object.__setattr__(self, "parse", parse)
        object.__setattr__(self, "dump", dump)


def _choice(*options: str) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = str(value).strip().lower()
        if text not in options:
            raise ValueError(f"must be one of {', '.join(options)}")
        return text

    return parse


def _lead_days(value: Any) -> tuple[int, ...]:
    items = value if isinstance(value, (list, tuple)) else str(value).replace(";", ",").split(",")
    days: list[int] = []
    for item in items:
        text = str(item).strip()
        if not text:
            continue
        if not text.isdigit() or not 1 <= int(text) <= 730:
            raise ValueError("must be whole numbers of days between 1 and 730, e.g. 90, 30, 7")
        days.append(int(text))
    if not days:
        raise ValueError("needs at least one number of days, e.g. 90, 30, 7")
    return tuple(sorted(set(days), reverse=True))


MAX_ZONE_NAME = 64  # the longest IANA name is 32 characters


def _timezone(value: Any) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if text == "local":
        return text
    wrong = f"{value!r:.80} is not a time zone name like America/Chicago"
    if not text or len(text) > MAX_ZONE_NAME:
        raise ValueError(wrong)
    import zoneinfo  # here: a few milliseconds of every start, where the zone is mostly "local"

    try:
        zoneinfo.ZoneInfo(text)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):
        # OSError: the name reached the file system (tzdata) and was refused there
        raise ValueError(wrong) from None
    return text


def _port(value: Any) -> int:
    text = str(value).strip()
    if not text.isdigit() or not 1 <= int(text) <= 65535:
        raise ValueError("must be a port number between 1 and 65535")
    return int(text)


def _text(limit: int) -> Callable[[Any], str]:
    def parse(value: Any) -> str:
        text = "" if value is None else str(value).strip()
        if len(text) > limit or any(ord(ch) < 32 for ch in text):
            raise ValueError(f"must be one line of at most {limit} characters")
        return text

    return parse


def _email_or_empty(value: Any) -> str:
    text = _text(254)(value)
    if text and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", text):
        raise ValueError(f"{text!r} is not an email address")
    return text


MAX_WORD = 100  # a spreadsheet's word for a field or a method, as remembered
MAX_WORDS = 500  # remembered words of each kind
_WORD_KINDS: Mapping[str, tuple[str, Callable[[str], str | None]]] = {
    "field_of_study": ("field of study", fields.normalize_field),
    "delivery_method": ("delivery method", fields.normalize_delivery_method),
}


def _import_words(value: Any) -> dict[str, dict[str, str]]:
    """A person's answers for a spreadsheet's own words, {"field_of_study": {word: NASBA name},
    "delivery_method": {...}} (or that as JSON text): each word one line, not itself a NASBA name,
    each answer a NASBA name (stored as the canonical one)."""
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip() else {}
        except (ValueError, RecursionError):
            raise ValueError("must be a JSON object of remembered words") from None
    if not isinstance(value, Mapping):
        raise ValueError('must be {"field_of_study": {word: name}, "delivery_method": {...}}')
    unknown = [str(kind) for kind in value if kind not in _WORD_KINDS]
    if unknown:
        raise ValueError(
            f"{unknown[0]!r:.60} is not a kind of word; use field_of_study or delivery_method"
        )
    parsed: dict[str, dict[str, str]] = {}
    for kind, (what, named_by) in _WORD_KINDS.items():
        answers = value.get(kind) or {}
        if not isinstance(answers, Mapping):
            raise ValueError(f"{kind} must map each word to a {what}")
        if len(answers) > MAX_WORDS:
            raise ValueError(f"{kind} remembers at most {MAX_WORDS} words")
        words: dict[str, str] = {}
        for word, answer in answers.items():
            text = word.strip() if isinstance(word, str) else ""
            if not text or len(text) > MAX_WORD or any(ord(ch) < 32 for ch in text):
                raise ValueError(f"{kind}: {word!r:.60} is not a word of one line")
            if named_by(text) is not None:
                raise ValueError(f"{kind}: {text!r:.60} is already a {what} name")
            name = named_by(answer) if isinstance(answer, str) else None
            if name is None:
                raise ValueError(f"{kind}: {answer!r:.60} (for {text!r:.60}) is not a {what}")
            words[text] = name
        parsed[kind] = words
    return parsed


_KEEP_WORDS = ("daily", "weekly", "monthly")
MAX_KEEP = 1000


def _backup_keep(value: Any) -> tuple[int, int, int]:
    """How many automatic backups to keep: (daily, weekly, monthly), written "7 daily, 4 weekly,
    12 monthly" or "7, 4, 12"; at least one daily (the newest backup is always kept)."""
    wrong = "must be three numbers: daily, weekly, monthly (e.g. 7 daily, 4 weekly, 12 monthly)"
    if isinstance(value, (list, tuple)):
        items = [str(item) for item in value]
    else:
        items = str(value).replace(";", ",").split(",")
    numbers: list[int] = []
    for item, word in zip(items, _KEEP_WORDS, strict=False):
        parts = item.strip().lower().split()
        if not parts or len(parts) > 2 or (len(parts) == 2 and parts[1] != word):
            raise ValueError(wrong)
        if not parts[0].isdigit() or int(parts[0]) > MAX_KEEP:
            raise ValueError(f"{wrong}; each at most {MAX_KEEP}")
        numbers.append(int(parts[0]))
    if len(items) != 3:
        raise ValueError(wrong)
    if numbers[0] < 1:
        raise ValueError("must keep at least 1 daily backup")
    return (numbers[0], numbers[1], numbers[2])


def _dump_keep(value: tuple[int, int, int]) -> str:
    return ", ".join(f"{n} {word}" for n, word in zip(value, _KEEP_WORDS, strict=True))


def _dump_words(value: Mapping[str, Mapping[str, str]]) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("timezone", "Time zone", "local", _timezone),
        Setting(
            "reminder_lead_days",
            "Warn this many days before a deadline",
            (90, 30, 7),
            _lead_days,
            lambda days: ", ".join(str(d) for d in days),
        ),
        Setting(
            "notification_method",
            "Notify me by",
            "tray",
            _choice("tray", "email", "tray_and_email"),
        ),
        Setting("theme", "Theme", "system", _choice("system", "light", "dark")),
        # Never in the Preferences dialog: written by the import's word step (word_choices).
        Setting(
            "import_words",
            "Words remembered from imported spreadsheets",
            {"field_of_study": {}, "delivery_method": {}},
            _import_words,
            _dump_words,
        ),
        # Shown in the Backups dialog (administrators); the most any administrator asks for
        # applies (services/backups.keep_policy).
        Setting(
            "backup_keep",
            "Automatic backups to keep",
            (7, 4, 12),
            _backup_keep,
            _dump_keep,
        ),
        # Never in the Preferences dialog: the data folder the sync-folder warning was shown for.
        Setting("sync_warning_shown_for", "Sync-folder warning shown for", "", _text(4096)),
    )
}
CHANGED = Changes.of(PREFERENCES, AUDIT)

# The firm's settings (table ``firm_settings``, schema 7): one value for everyone, changed by
# administrators only. The outgoing mail server is the firm's; where mail goes (the person's
# email) and whether they want it ("Notify me by") stay each person's own.
FIRM_SETTINGS: dict[str, Setting] = {
    s.name: s
    for s in (
        Setting("smtp_host", "Mail server", "", _text(255)),
        Setting("smtp_port", "Mail server port", 587, _port),
        Setting(
            "smtp_security", "Connection security", "starttls", _choice("starttls", "tls", "none")
        ),
        Setting("smtp_user", "Mail user name", "", _text(255)),
        Setting("smtp_sender", "Send mail as", "", _email_or_empty),
    )
}
# Settings that were each person's before schema 7 and are the firm's now: a file exported by an
# older version may still carry them per person, and its import skips them.
FORMERLY_PERSONAL = frozenset(FIRM_SETTINGS)

# How each choice is said to people (the Preferences dialog's lists, the Preferences table).
CHOICE_WORDS: dict[str, tuple[tuple[str, str], ...]] = {
    "notification_method": (
        ("tray", "Desktop notification"),
        ("email", "Email"),
        ("tray_and_email", "Desktop notification and email"),
    ),
    "theme": (("system", "Follow the system"), ("light", "Light"), ("dark", "Dark")),
    "smtp_security": (("starttls", "STARTTLS"), ("tls", "TLS"), ("none", "None (not encrypted)")),
}


def label_of(name: str) -> str:
    """A setting's name as the Preferences dialog says it ("Notify me by")."""
    setting = SETTINGS.get(name) or FIRM_SETTINGS.get(name)
    return setting.label if setting is not None else name.replace("_", " ").capitalize()


def value_words(name: str, stored: Any) -> str:
    """A stored setting value in words: ``tray_and_email`` as "Desktop notification and email",
    lead days "90, 30, 7" as "90, 30 and 7 days", remembered import words as a count."""
    text = "" if stored is None else str(stored)
    choices = dict(CHOICE_WORDS.get(name, ()))
    if text in choices:
        return choices[text]
    setting = SETTINGS.get(name) or FIRM_SETTINGS.get(name)
    try:
        value: Any = setting.parse(text) if setting is not None else text
    except ValueError:
        return text  # damaged outside the program: shown as stored
    if name == "reminder_lead_days":
        days = [str(day) for day in value]
        return (", ".join(days[:-1]) + " and " + days[-1] if len(days) > 1 else days[0]) + " days"
    if name == "timezone" and value == "local":
        return "This computer's time zone"
    if name == "import_words":
        count = sum(len(words) for words in value.values())
        return "None" if not count else f"{count} word{'s' if count != 1 else ''}"
    return setting.dump(value) if setting is not None else text


def get_preferences(ctx: ServiceContext, user_id: int) -> dict[str, Any]:
    """Every setting for ``user_id``: the stored value, or its default."""
    ctx.require_owner(user_id, "see the settings")
    values = {name: setting.default for name, setting in SETTINGS.items()}
    for pref in Preference.select().where(Preference.user == user_id):
        setting = SETTINGS.get(pref.setting_name)
        if setting is None:
            continue
        # a value damaged outside the program falls back to the default
        with contextlib.suppress(ValueError):
            values[pref.setting_name] = setting.parse(pref.setting_value)
    return values


def set_preferences(
    ctx: ServiceContext, user_id: int, changes: Mapping[str, Any]
) -> Outcome[dict[str, Any]]:
    """Validate and store several settings in one transaction; errors name each setting."""
    ctx.require_owner(user_id, "change the settings")
    parsed = _parsed(SETTINGS, changes)
    with database.atomic():
        rows.get_or_missing(User, user_id, "person")
        for name, value in parsed.items():
            text = SETTINGS[name].dump(value)
            pref = Preference.get_or_none(
                (Preference.user == user_id) & (Preference.setting_name == name)
            )
            if pref is None:
                rows.create(
                    ctx,
                    Preference,
                    {"user": user_id, "setting_name": name, "setting_value": text},
                    "preference",
                )
            elif pref.setting_value != text:
                rows.update(ctx, pref, {"setting_value": text}, "preference")
    return Outcome(get_preferences(ctx, user_id), CHANGED)


def reset_preference(ctx: ServiceContext, user_id: int, name: str) -> Outcome[None]:
    """Forget a stored value so the default applies again."""
    ctx.require_owner(user_id, "change the settings")
    with database.atomic():
        pref = Preference.get_or_none(
            (Preference.user == user_id) & (Preference.setting_name == name)
        )
        if pref is not None:
            rows.delete(ctx, pref, "preference")
    return Outcome(None, CHANGED)


def _parsed(declared: Mapping[str, Setting], changes: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` checked against ``declared``; one ValidationError naming every bad setting."""
    if "smtp_password" in changes:
        raise ValidationError(
            "smtp_password", "is kept in the system's credential store, never in the database"
        )
    parsed: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for name, value in changes.items():
        setting = declared.get(name)
        if setting is None:
            errors[name] = "is not a known setting"
            continue
        try:
            parsed[name] = setting.parse(value)
        except ValueError as exc:
            errors[name] = str(exc)
    if errors:
        raise ValidationError(errors)
    return parsed


def get_firm_settings(ctx: ServiceContext) -> dict[str, Any]:
    """Every firm setting: the stored value, or its default. Anyone signed in may read them
    (members see which server their mail goes through); there is no secret among them."""
    values = {name: setting.default for name, setting in FIRM_SETTINGS.items()}
    for row in FirmSetting.select():
        setting = FIRM_SETTINGS.get(row.setting_name)
        if setting is None:
            continue
        with contextlib.suppress(ValueError):  # damaged outside the program: the default
            values[row.setting_name] = setting.parse(row.setting_value)
    return values


def set_firm_settings(ctx: ServiceContext, changes: Mapping[str, Any]) -> Outcome[dict[str, Any]]:
    """Validate and store firm settings (administrators) in one transaction, each change with
    its audit entry; errors name each setting."""
    ctx.require_admin("change the firm's mail server")
    parsed = _parsed(FIRM_SETTINGS, changes)
    with database.atomic():
        for name, value in parsed.items():
            text = FIRM_SETTINGS[name].dump(value)
            row = FirmSetting.get_or_none(FirmSetting.setting_name == name)
            if row is None:
                values = {"setting_name": name, "setting_value": text}
                rows.create(ctx, FirmSetting, values, "firm_setting")
            elif row.setting_value != text:
                rows.update(ctx, row, {"setting_value": text}, "firm_setting")
    return Outcome(get_firm_settings(ctx), CHANGED)


def save_settings(
    ctx: ServiceContext,
    user_id: int,
    personal: Mapping[str, Any],
    firm: Mapping[str, Any] | None = None,
) -> Outcome[dict[str, Any]]:
    """The Preferences dialog's Save: a person's settings and (administrators) the firm's, all or
    nothing. Every problem of both is named at once. The value is the person's settings."""
    ctx.require_owner(user_id, "change the settings")
    if firm:
        ctx.require_admin("change the firm's mail server")
    errors: dict[str, str] = {}
    for declared, changes in ((SETTINGS, personal), (FIRM_SETTINGS, firm or {})):
        try:
            _parsed(declared, changes)
        except ValidationError as exc:
            errors.update(exc.errors)
    if errors:
        raise ValidationError(errors)
    with database.atomic():
        outcome = set_preferences(ctx, user_id, personal)
        if firm:
            set_firm_settings(ctx, firm)
    return outcome
