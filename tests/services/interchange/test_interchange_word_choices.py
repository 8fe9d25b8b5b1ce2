"""The import's word step: the file's own words with proposals, choices and row counts; a
person's answers remembered per user (one audited change) and in force for that user's next
preview only; remembered words checked by field before anything is stored."""

from __future__ import annotations

import pytest

from cpe_desktop.db.models import AuditLog, CpeRecord, Preference
from cpe_desktop.rules import fields as f
from cpe_desktop.services import preferences
from cpe_desktop.services.errors import PermissionDenied, ValidationError
from cpe_desktop.services.interchange import vocabulary
from cpe_desktop.services.interchange.cells import field_cell
from cpe_desktop.services.interchange.mapped_import import import_mapped, preview
from cpe_desktop.services.interchange.mapping import guess_mapping
from cpe_desktop.services.interchange.tabular import csv_table
from cpe_desktop.services.interchange.word_choices import (
    WordProposal,
    answer_of,
    file_words,
    remember_words,
    user_words,
)

LOG = (
    "Date,Course,Sponsor,Subject,Format,Hours\n"
    "2025-01-10,Audit update,ACME,AA,Conference,2\n"
    "2025-02-11,Tax update,ACME,TX,Online,3\n"
    "2025-03-12,Ethics for CPAs,Board,Ethics,Online,4\n"
    "2025-04-13,More tax,ACME,Taxes (1),Group Live,1\n"
    "2025-05-14,Ethics again,Board,ethics,Conference,2\n"
    '2025-06-15,Mixed day,ACME,"TX (2), Ethics (1)",Conference,3\n'
)


def _table(text: str = LOG):
    table = csv_table(text, "log.csv")
    return table, dict(guess_mapping(list(table.headers)))


def _by_word(proposals: list[WordProposal]) -> dict[tuple[str, str], WordProposal]:
    return {(p.kind, p.word): p for p in proposals}


def test_the_files_own_words_with_proposals_choices_and_rows():
    table, mapping = _table()
    assert {"field_of_study", "delivery_method"} <= set(mapping)
    words = _by_word(file_words(table, mapping))
    # NASBA names ("Taxes" with its hours, "Group Live") are not asked about
    assert set(words) == {
        ("field_of_study", "AA"),
        ("field_of_study", "TX"),
        ("field_of_study", "Ethics"),
        ("delivery_method", "Conference"),
        ("delivery_method", "Online"),
    }
    aa, tx, ethics = (words["field_of_study", w] for w in ("AA", "TX", "Ethics"))
    assert (aa.proposal, aa.rows, aa.choices) == (f.ACCOUNTING, 1, f.FIELDS_OF_STUDY)
    assert (tx.proposal, tx.rows) == (f.TAXES, 2)  # its own row and the combined cell
    assert (ethics.proposal, ethics.rows) == (f.REGULATORY_ETHICS, 3)  # "ethics" is the same word
    conference = words["delivery_method", "Conference"]
    assert (conference.proposal, conference.rows, conference.vague) == (f.GROUP_LIVE, 3, False)
    assert conference.choices == f.DELIVERY_METHODS
    online = words["delivery_method", "Online"]
    assert online.proposal is None and online.vague and online.rows == 2
    assert online.choices == (f.GROUP_INTERNET_BASED, f.QAS_SELF_STUDY)
    assert not any(p.remembered for p in words.values())
    # fields first, each kind in the order the file first uses its words
    assert [p.word for p in file_words(table, mapping)] == [
        "AA",
        "TX",
        "Ethics",
        "Conference",
        "Online",
    ]


def test_an_unknown_word_has_no_proposal_and_every_name_to_choose_from():
    table, mapping = _table(
        "Date,Course,Subject,Format,Hours\n2025-01-10,X,Basket weaving,Zoom,1\n"
    )
    words = _by_word(file_words(table, mapping))
    weaving = words["field_of_study", "Basket weaving"]
    assert weaving.proposal is None and not weaving.vague
    assert weaving.choices == f.FIELDS_OF_STUDY
    assert words["delivery_method", "Zoom"].proposal == f.GROUP_INTERNET_BASED


def test_a_remembered_word_wins_for_that_user_only(system, people):
    table, mapping = _table()
    ann, bob = people.ann, people.bob
    before = AuditLog.select().count()
    outcome = remember_words(
        people.as_ann,
        ann.user_id,
        {
            "field_of_study": {"Ethics": "Behavioral Ethics"},
            "delivery_method": {"Online": "QAS Self Study"},
        },
    )
    assert outcome.value == {
        "field_of_study": {"Ethics": f.BEHAVIORAL_ETHICS},
        "delivery_method": {"Online": f.QAS_SELF_STUDY},
    }
    assert "preferences" in outcome.changes and "audit" in outcome.changes
    assert AuditLog.select().count() == before + 1
    assert Preference.select().where(Preference.setting_name == "import_words").count() == 1

    # Ann's next preview reads "Ethics" (any spelling, combined cells too) as she answered,
    # and the vague "Online" she answered is accepted
    with vocabulary.use_words(user_words(people.as_ann, ann.user_id)):
        mine = preview(people.as_ann, table, mapping, ann)
        proposals = _by_word(file_words(table, mapping))
    assert mine.ok, mine.error_dict()
    methods = {r.values["delivery_method"] for r in mine.records}
    assert f.QAS_SELF_STUDY in methods and "Online" not in methods
    stored = repr([r.values for r in mine.records])
    assert f.BEHAVIORAL_ETHICS in stored and f.REGULATORY_ETHICS not in stored
    ethics = proposals["field_of_study", "Ethics"]
    assert (ethics.proposal, ethics.remembered) == (f.BEHAVIORAL_ETHICS, True)

    # Bob is unaffected: the vocabulary's reading, and "Online" still asks
    with vocabulary.use_words(user_words(people.as_bob, bob.user_id)):
        his = preview(people.as_bob, table, mapping, bob)
    assert not his.ok
    assert any("could mean" in e.message for e in his.errors)
    assert f.BEHAVIORAL_ETHICS not in repr([r.values for r in his.importable])
    assert f.REGULATORY_ETHICS in repr([r.values for r in his.importable])

    # outside the block nothing is remembered
    assert vocabulary.field_of("Ethics") == f.REGULATORY_ETHICS
    assert field_cell("delivery_method", "Online")[1] is not None


def test_remembered_words_are_given_explicitly_to_file_words(system, people):
    table, mapping = _table()
    words = {"field_of_study": {"AA": f.AUDITING}, "delivery_method": {}}
    aa = _by_word(file_words(table, mapping, words))["field_of_study", "AA"]
    assert (aa.proposal, aa.remembered) == (f.AUDITING, True)
    assert vocabulary.field_of("AA") == f.ACCOUNTING


def test_a_nasba_name_cannot_be_redefined_even_inside_use_words():
    with vocabulary.use_words({"field_of_study": {"Taxes": f.AUDITING, "TX": "nonsense"}}):
        assert vocabulary.field_of("Taxes") == f.TAXES
        assert vocabulary.field_of("TX") == f.TAXES


def test_answers_replace_and_forget(system, people):
    ann, as_ann = people.ann, people.as_ann
    remember_words(as_ann, ann.user_id, {"field_of_study": {"Ethics": f.BEHAVIORAL_ETHICS}})
    # another spelling of the same word replaces it
    words = remember_words(
        as_ann, ann.user_id, {"field_of_study": {"ETHICS": "behavioral ethics"}}
    ).value
    assert words["field_of_study"] == {"ETHICS": f.BEHAVIORAL_ETHICS}
    # answering what the vocabulary says anyway, or nothing, forgets the word
    words = remember_words(
        as_ann, ann.user_id, {"field_of_study": {"ethics": f.REGULATORY_ETHICS}}
    ).value
    assert words["field_of_study"] == {}
    remember_words(as_ann, ann.user_id, {"delivery_method": {"Online": f.GROUP_INTERNET_BASED}})
    words = remember_words(as_ann, ann.user_id, {"delivery_method": {"online": None}}).value
    assert words == {"field_of_study": {}, "delivery_method": {}}


def test_a_member_cannot_remember_words_for_another(system, people):
    with pytest.raises(PermissionDenied):
        remember_words(
            people.as_ann, people.bob.user_id, {"field_of_study": {"Ethics": "Behavioral Ethics"}}
        )


@pytest.mark.parametrize(
    ("choices", "says"),
    [
        ({"field_of_study": {"Ethics": "Ethicz"}}, "is not a field of study"),
        ({"delivery_method": {"Online": "Taxes"}}, "is not a delivery method"),
        ({"field_of_study": {"Taxes": f.AUDITING}}, "already a field of study name"),
        ({"delivery_method": {"Group Live": f.QAS_SELF_STUDY}}, "already a delivery method name"),
        ({"field_of_study": {"two\nlines": f.TAXES}}, "not a word of one line"),
        ({"field_of_study": {"x" * 101: f.TAXES}}, "not a word of one line"),
        ({"topics": {"Ethics": f.TAXES}}, "not a kind of word"),
    ],
)
def test_wrong_answers_are_refused_by_field_and_nothing_is_stored(system, people, choices, says):
    before = AuditLog.select().count()
    with pytest.raises(ValidationError) as refused:
        remember_words(people.as_ann, people.ann.user_id, choices)
    assert says in refused.value.errors["import_words"]
    assert AuditLog.select().count() == before
    assert user_words(people.as_ann, people.ann.user_id) == {
        "field_of_study": {},
        "delivery_method": {},
    }


@pytest.mark.parametrize(
    "value",
    [
        "not json",
        "[1, 2]",
        42,
        {"field_of_study": ["Ethics"]},
        {"field_of_study": {"Ethics": 3}},
        {"field_of_study": {"": f.TAXES}},
    ],
)
def test_the_setting_refuses_values_that_are_not_remembered_words(value):
    with pytest.raises(ValueError):
        preferences.SETTINGS["import_words"].parse(value)


def test_the_setting_reads_back_what_it_stores_and_canonical_names():
    setting = preferences.SETTINGS["import_words"]
    parsed = setting.parse({"field_of_study": {" Ethics ": "behavioral ethics"}})
    assert parsed == {"field_of_study": {"Ethics": f.BEHAVIORAL_ETHICS}, "delivery_method": {}}
    assert setting.parse(setting.dump(parsed)) == parsed
    assert setting.parse("") == setting.default


def test_a_damaged_stored_value_falls_back_to_nothing_remembered(system, people):
    ann = people.ann
    remember_words(people.as_ann, ann.user_id, {"field_of_study": {"Ethics": "Behavioral Ethics"}})
    Preference.update(setting_value="{broken").where(
        Preference.setting_name == "import_words"
    ).execute()
    assert user_words(people.as_ann, ann.user_id) == {"field_of_study": {}, "delivery_method": {}}


def test_the_import_itself_uses_the_persons_remembered_words(system, people):
    """No context to set by hand: the preview (and so every import, window or command line)
    reads a person's remembered words for that person only."""
    table, mapping = _table()
    remember_words(
        people.as_ann,
        people.ann.user_id,
        {
            "field_of_study": {"Ethics": "Behavioral Ethics"},
            "delivery_method": {"Online": "QAS Self Study"},
        },
    )
    mine = preview(people.as_ann, table, mapping, people.ann)
    assert mine.ok, mine.error_dict()
    assert f.BEHAVIORAL_ETHICS in repr([r.values for r in mine.records])
    his = preview(people.as_bob, table, mapping, people.bob)
    assert not his.ok
    assert f.REGULATORY_ETHICS in repr([r.values for r in his.importable])


def test_words_given_for_one_import_win_and_are_kept_only_when_asked(system, people):
    """The window's word step and ``--word``: an answer given for this import reads the vague
    "Online" (and overrides the remembered "Ethics" answer) without being kept; with
    ``remember_words`` it is kept in the import's own transaction, with its audit entry."""
    table, mapping = _table()
    ann = people.ann
    remember_words(people.as_ann, ann.user_id, {"field_of_study": {"Ethics": "Behavioral Ethics"}})
    given = {
        "delivery_method": {"online": f.GROUP_INTERNET_BASED},
        "field_of_study": {"ETHICS": f.REGULATORY_ETHICS},
    }
    checked = preview(people.as_ann, table, mapping, ann, words=given)
    assert checked.ok, checked.error_dict()
    values = [r.values for r in checked.records]
    assert {v["delivery_method"] for v in values} == {f.GROUP_LIVE, f.GROUP_INTERNET_BASED}
    assert f.BEHAVIORAL_ETHICS not in repr(values)
    assert user_words(people.as_ann, ann.user_id)["delivery_method"] == {}  # not kept by a preview

    audits = AuditLog.select().count()
    summary = import_mapped(people.as_ann, table, mapping, ann, words=given, remember_words=True)
    assert summary.records_added == len(values)
    kept = user_words(people.as_ann, ann.user_id)
    assert kept["delivery_method"] == {"online": f.GROUP_INTERNET_BASED}
    # "ETHICS" is what the vocabulary reads anyway: the earlier answer is forgotten, not kept
    assert kept["field_of_study"] == {}
    assert AuditLog.select().count() > audits


def test_words_that_cannot_be_used_refuse_the_import_before_anything_is_stored(system, people):
    table, mapping = _table()
    with pytest.raises(ValidationError) as refused:
        import_mapped(
            people.as_ann,
            table,
            mapping,
            people.ann,
            words={"delivery_method": {"Online": "Zoom"}},
            remember_words=True,
        )
    assert "'Zoom' (for 'Online') is not a delivery method" in str(refused.value)
    assert CpeRecord.select().count() == 0


@pytest.mark.parametrize(
    ("typed", "read"),
    [
        ("Online=QAS Self Study", ("delivery_method", "Online", f.QAS_SELF_STUDY)),
        ("Ethics='Behavioral Ethics'", ("field_of_study", "Ethics", f.BEHAVIORAL_ETHICS)),
        ("A=B=Taxes", ("field_of_study", "A=B", f.TAXES)),
    ],
)
def test_a_typed_answer_names_its_own_kind(typed, read):
    assert answer_of(typed) == read


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("Online", "is not WORD=NAME"),
        ("Online=Zoom", "neither a field of study nor a delivery method"),
        ("Taxes=Accounting", "'Taxes' is already a field of study"),
    ],
)
def test_a_typed_answer_that_cannot_be_read_is_refused_in_words(typed, says):
    with pytest.raises(ValidationError) as refused:
        answer_of(typed)
    assert says in str(refused.value) and "--word" in str(refused.value)


FORM = (
    "Program,Date,A&A,Tax,Non-technical\n"
    "Audit day,2025-01-10,4,,\n"
    "Tax day,2025-02-11,,6,\n"
    "Leading teams,2025-03-12,,,3\n"
    "Mixed,2025-04-13,1,,2\n"
)


def test_an_hour_columns_heading_is_a_word_to_confirm_and_its_answer_is_read(system, people):
    """A board form's 'Non-technical' hours column is read as Personal Development (the
    non-technical catch-all) only as a proposal: the person can say the hours were, e.g.,
    Communications and Marketing, and the import stores what they said."""
    table = csv_table(FORM, "form.csv")
    mapping = dict(guess_mapping(list(table.headers)))
    mapping.pop("field_of_study", None)
    mapping.pop("credits", None)
    words = _by_word(file_words(table, mapping))
    assert set(words) == {("field_of_study", "A&A"), ("field_of_study", "Non-technical")}
    assert (words["field_of_study", "A&A"].proposal, words["field_of_study", "A&A"].rows) == (
        f.ACCOUNTING,
        2,
    )
    non_technical = words["field_of_study", "Non-technical"]
    assert (non_technical.proposal, non_technical.rows) == (f.PERSONAL_DEVELOPMENT, 2)
    assert non_technical.choices == f.FIELDS_OF_STUDY and not non_technical.vague

    constants = {"delivery_method": "Not stated"}
    plain = preview(people.as_ann, table, mapping, people.ann, constants=constants)
    assert plain.ok, plain.error_dict()
    assert f.PERSONAL_DEVELOPMENT in repr([r.values for r in plain.records])
    said = {"field_of_study": {"Non-technical": f.COMMUNICATIONS_MARKETING}}
    answered = preview(people.as_ann, table, mapping, people.ann, constants=constants, words=said)
    assert answered.ok, answered.error_dict()
    lines = repr([r.values for r in answered.records])
    assert f.COMMUNICATIONS_MARKETING in lines and f.PERSONAL_DEVELOPMENT not in lines
