"""The import's word step: a spreadsheet's own words for fields of study and delivery methods.

``file_words`` lists every word in the mapped columns that is not already a NASBA name, with what
the vocabulary proposes (None when the word is too vague or unknown), the names to choose from and
how many rows use it. The person's answers are kept per user in the ``import_words`` preference
(``remember_words``, one audited transaction) and put in force around an import with
``vocabulary.use_words(user_words(ctx, user_id))``: a remembered word then wins over the built-in
vocabulary for that user only, and a vague word the user has answered is read instead of refused.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cpe_desktop.db.models import database
from cpe_desktop.rules import fields as f
from cpe_desktop.services import preferences
from cpe_desktop.services.changes import Outcome
from cpe_desktop.services.context import ServiceContext
from cpe_desktop.services.errors import ValidationError
from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.cells import text_cell
from cpe_desktop.services.interchange.mapping import hour_columns
from cpe_desktop.services.interchange.tabular import Table
from cpe_desktop.services.interchange.vocabulary import DELIVERY_METHOD, FIELD_OF_STUDY, WORD_KINDS

SETTING = "import_words"
Words = Mapping[str, Mapping[str, str]]

_ALL_NAMES = {FIELD_OF_STUDY: f.FIELDS_OF_STUDY, DELIVERY_METHOD: f.DELIVERY_METHODS}
_NAMED_BY = {FIELD_OF_STUDY: f.normalize_field, DELIVERY_METHOD: f.normalize_delivery_method}
_VAGUE = {FIELD_OF_STUDY: vocabulary.field_choices, DELIVERY_METHOD: vocabulary.delivery_choices}


@dataclass(frozen=True)
class WordProposal:
    """One of the file's own words and what it could be read as.

    ``kind``: "field_of_study" or "delivery_method". ``word``: as the file first writes it (for a
    field, without hours repeated after it). ``proposal``: the NASBA name it would be read as now
    (the user's remembered answer, else the vocabulary's), None when vague or unknown.
    ``choices``: the names to choose from (the few a vague word could mean, else every name).
    ``rows``: how many of the table's rows use it. ``remembered``: the proposal is the user's own
    earlier answer. ``vague``: the vocabulary knows the word but it could mean several names.
    """

    kind: str
    word: str
    proposal: str | None
    choices: tuple[str, ...]
    rows: int
    remembered: bool = False
    vague: bool = False


def _words_in(kind: str, value: Any) -> list[str]:
    text = text_cell(value).strip()
    if not text:
        return []
    if kind == DELIVERY_METHOD:
        return [text]
    parts = vocabulary.combined_parts(text)
    names = [name for name, _ in parts] if parts is not None else [text]
    return [word for word in (vocabulary.field_word(name) for name in names) if word]


def file_words(
    table: Table, mapping: Mapping[str, int], words: Words | None = None
) -> list[WordProposal]:
    """Every distinct field-of-study and delivery-method word in ``table``'s mapped columns that
    is not already a NASBA name (words of a combined cell "Taxes (4), Ethics (2)" one by one;
    hours after a field's name left off), in the order the file first uses them, fields first.
    Words differing only in case, spaces or punctuation are one word. ``words``: the user's
    remembered answers (see ``user_words``); None reads those already in force (``use_words``)."""
    if words is not None:
        with vocabulary.use_words(words):
            return file_words(table, mapping)
    found: list[WordProposal] = []
    for kind in WORD_KINDS:
        if kind not in mapping and not (kind == FIELD_OF_STUDY and hour_columns(table, mapping)):
            continue
        counts: dict[str, int] = {}
        spelled: dict[str, str] = {}
        for row in table.rows:
            seen = set()
            cell = table.cell(row, mapping[kind]) if kind in mapping else None
            for word in _words_in(kind, cell):
                key = vocabulary.word_key(word)
                if not key or key in seen or _NAMED_BY[kind](word) is not None:
                    continue
                seen.add(key)
                spelled.setdefault(key, word)
                counts[key] = counts.get(key, 0) + 1
        if kind == FIELD_OF_STUDY:
            _add_heading_words(table, mapping, counts, spelled)
        for key, word in spelled.items():
            own = vocabulary.remembered(kind, word)
            # An hour column's heading ("Non-technical") is proposed as its kind's catch-all field.
            heading = kind == FIELD_OF_STUDY and kind not in mapping
            could_be = () if heading else _VAGUE[kind](word)
            built_in = vocabulary.built_in(kind, word)
            if heading and built_in is None:
                built_in = vocabulary.field_in_heading(word)
            found.append(
                WordProposal(
                    kind=kind,
                    word=word,
                    proposal=own or built_in,
                    choices=could_be or _ALL_NAMES[kind],
                    rows=counts[key],
                    remembered=own is not None,
                    vague=bool(could_be),
                )
            )
    return found


def _add_heading_words(
    table: Table, mapping: Mapping[str, int], counts: dict[str, int], spelled: dict[str, str]
) -> None:
    """The field words of hour columns' headings ("CPE hours claimed Non-technical": the
    form's "Non-technical" column, read as Personal Development unless the person says), with
    how many rows fill each column."""
    for index in hour_columns(table, mapping):
        found = vocabulary.heading_word(table.headers[index])
        if found is None or f.normalize_field(found[0]) is not None:
            continue
        key = vocabulary.word_key(found[0])
        filled = sum(1 for row in table.rows if text_cell(table.cell(row, index)).strip())
        spelled.setdefault(key, found[0])
        counts[key] = counts.get(key, 0) + filled


def _reads_anyway(kind: str, word: object, answer: object) -> bool:
    """True when the built-in vocabulary already reads ``word`` as ``answer`` (nothing to keep)."""
    if kind not in WORD_KINDS or not isinstance(word, str) or not isinstance(answer, str):
        return False
    if _NAMED_BY[kind](word) is not None:
        return False  # a NASBA name itself: stored, so the setting's check refuses it
    named = _NAMED_BY[kind](answer)
    return named is not None and named == vocabulary.built_in(kind, word)


def user_words(ctx: ServiceContext, user_id: int) -> dict[str, dict[str, str]]:
    """``user_id``'s remembered answers, {"field_of_study": {word: NASBA name}, "delivery_method":
    {...}}, for ``vocabulary.use_words``."""
    return preferences.get_preferences(ctx, user_id)[SETTING]


def words_in_force(
    ctx: ServiceContext, user_id: int, given: Words | None = None
) -> dict[str, dict[str, str]]:
    """``user_id``'s remembered answers with ``given`` (answers for this import only) over them:
    a word answered now wins over the same word remembered, however either is spelled."""
    merged = {kind: dict(answers) for kind, answers in user_words(ctx, user_id).items()}
    for kind, answers in (given or {}).items():
        kept = merged.setdefault(kind, {})
        for word, answer in answers.items():
            _forget(kept, word)
            if isinstance(answer, str) and answer.strip():
                kept[word] = answer
    return merged


def _forget(kept: dict[str, str], word: object) -> None:
    """Remove ``word``'s answer from ``kept``, however it was spelled there ("ethics", "ETHICS")."""
    key = vocabulary.word_key(word) if isinstance(word, str) else None
    for earlier in [w for w in kept if vocabulary.word_key(w) == key]:
        del kept[earlier]


def check_words(words: Words | None, option: str = SETTING) -> None:
    """Refuse (ValidationError on ``option``, naming the word) answers the import could not use:
    an unknown kind, a word that is already a NASBA name, an answer that is not one."""
    problems: list[str] = []
    for kind, answers in (words or {}).items():
        if kind not in WORD_KINDS:
            problems.append(f"{kind!r} is not a field of study or a delivery method")
            continue
        for word, answer in answers.items():
            if not isinstance(word, str) or not word.strip():
                problems.append("an empty word")
            elif _NAMED_BY[kind](word) is not None:
                problems.append(f"{word!r} is already a {kind.replace('_', ' ')} name")
            elif answer and _NAMED_BY[kind](str(answer)) is None:
                problems.append(f"{answer!r} (for {word!r}) is not a {kind.replace('_', ' ')}")
    if problems:
        raise ValidationError(option, "; ".join(problems))


def answer_of(text: str, option: str = "--word") -> tuple[str, str, str]:
    """(kind, word, NASBA name) from ``WORD=NAME`` as a person types it on the command line
    ("Online=QAS Self Study", "Ethics=Behavioral Ethics"): the kind is the one NAME names (the
    field-of-study and delivery-method names never overlap). ValidationError naming ``option``
    otherwise."""
    word, sep, name = text.rpartition("=")
    word, name = word.strip().strip("'\""), name.strip().strip("'\"")
    if not sep or not word or not name:
        raise ValidationError(option, f"{text!r} is not WORD=NAME (e.g. Online='QAS Self Study')")
    for kind in WORD_KINDS:
        named = _NAMED_BY[kind](name)
        if named is not None:
            if _NAMED_BY[kind](word) is not None:
                raise ValidationError(option, f"{word!r} is already a {kind.replace('_', ' ')}")
            return kind, word, named
    raise ValidationError(
        option,
        f"{name!r} (for {word!r}) is neither a field of study nor a delivery method; the names "
        f"are: {', '.join(f.FIELDS_OF_STUDY)}; {', '.join(f.DELIVERY_METHODS)}",
    )


def remember_words(
    ctx: ServiceContext, user_id: int, choices: Mapping[str, Mapping[str, str | None]]
) -> Outcome[dict[str, dict[str, str]]]:
    """Keep ``user_id``'s answers ({kind: {word: NASBA name}}) for the next import, in one
    transaction audited like any preference change; returns every remembered word.

    An answer replaces any earlier one for the same word (however spelled); an answer that is
    what the vocabulary reads anyway, or None / "", forgets the word (the vocabulary applies
    again). A word that is a NASBA name, or an answer that is not one, is refused
    (ValidationError on ``import_words`` naming the word), and nothing is stored then.
    """
    ctx.require_owner(user_id, "change the settings")
    with database.atomic():
        merged = {kind: dict(answers) for kind, answers in user_words(ctx, user_id).items()}
        for kind, answers in choices.items():
            kept = merged.setdefault(kind, {}) if kind in WORD_KINDS else {}
            for word, answer in answers.items():
                _forget(kept, word)
                if answer is None or (isinstance(answer, str) and not answer.strip()):
                    continue
                if _reads_anyway(kind, word, answer):
                    continue
                kept[word] = answer
            if kind not in WORD_KINDS:
                merged[kind] = kept  # refused by the setting's check, naming the kind
        outcome = preferences.set_preferences(ctx, user_id, {SETTING: merged})
    return Outcome(outcome.value[SETTING], outcome.changes)
