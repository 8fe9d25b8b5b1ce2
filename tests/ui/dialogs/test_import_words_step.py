"""The import dialog's word step: the file's own words listed with what they will be read as;
a vague word waits for the person's choice, which reads its rows in the preview, goes into the
import, and is kept for the next import only when "Remember my answers" is ticked."""

from __future__ import annotations

from cpe_desktop.db.models import CpeRecord
from cpe_desktop.rules import fields as f
from cpe_desktop.services.interchange.tabular import read_table
from cpe_desktop.services.interchange.word_choices import remember_words, user_words
from cpe_desktop.ui.dialogs.import_wizard import ImportWizard

LOG = (
    "Date,Course,Sponsor,Subject,Format,Hours\n"
    "2025-01-10,Audit update,ACME,AA,Conference,2\n"
    "2025-02-11,Tax update,ACME,TX,Online,3\n"
    "2025-03-12,Ethics for CPAs,Board,Ethics,Online,4\n"
)


def _wizard(qtbot, ctx, tmp_path, text=LOG) -> ImportWizard:
    path = tmp_path / "log.csv"
    path.write_text(text, encoding="utf-8")
    dialog = ImportWizard(ctx, path, read_table(path))
    qtbot.addWidget(dialog)
    return dialog


def _combo(dialog, kind, word):
    return dialog.words_box.combos[(kind, word)]


def test_the_files_words_are_listed_with_proposals_and_a_vague_one_waits(qtbot, people, tmp_path):
    """'AA' and 'TX' are proposed as Accounting and Taxes, 'Conference' as Group Live; 'Online'
    (a webinar or self-study?) has no proposal, so its two rows are problems until chosen."""
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    box = dialog.words_box
    assert not box.isHidden()
    assert set(box.combos) == {
        ("field_of_study", "AA"),
        ("field_of_study", "TX"),
        ("field_of_study", "Ethics"),
        ("delivery_method", "Conference"),
        ("delivery_method", "Online"),
    }
    assert _combo(dialog, "field_of_study", "AA").currentText() == f.ACCOUNTING
    assert _combo(dialog, "delivery_method", "Conference").currentText() == f.GROUP_LIVE
    online = _combo(dialog, "delivery_method", "Online")
    assert online.currentData() is None
    assert [online.itemText(i) for i in range(1, online.count())] == [
        f.GROUP_INTERNET_BASED,
        f.QAS_SELF_STUDY,
    ]
    assert box.waiting() == ["Online"]
    assert "'Online'" in box._intro.text()
    assert len(dialog.result_preview.bad_rows) == 2
    assert not dialog.import_button.isEnabled()


def test_a_choice_reads_the_rows_and_is_remembered_with_the_import(qtbot, people, tmp_path):
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    _combo(dialog, "delivery_method", "Online").setCurrentText(f.QAS_SELF_STUDY)
    _combo(dialog, "field_of_study", "Ethics").setCurrentText(f.BEHAVIORAL_ETHICS)
    assert dialog.result_preview.ok, dialog.result_preview.error_dict()
    assert dialog.import_button.isEnabled()
    assert dialog.words_box.waiting() == []
    methods = [r.values["delivery_method"] for r in dialog.result_preview.records]
    assert methods == [f.GROUP_LIVE, f.QAS_SELF_STUDY, f.QAS_SELF_STUDY]
    choice = dialog.choice()
    assert choice.words == {
        "delivery_method": {"Online": f.QAS_SELF_STUDY},
        "field_of_study": {"Ethics": f.BEHAVIORAL_ETHICS},
    }
    assert choice.remember_words
    summary = choice.run(people.as_ann)
    assert summary.records_added == 3
    stored = {r.title: r.delivery_method for r in CpeRecord.select()}
    assert stored["Tax update"] == f.QAS_SELF_STUDY
    kept = user_words(people.as_ann, people.ann.user_id)
    assert kept["delivery_method"] == {"Online": f.QAS_SELF_STUDY}
    assert kept["field_of_study"] == {"Ethics": f.BEHAVIORAL_ETHICS}

    # The next file with the same words: the answers are chosen already, marked as the person's.
    again = _wizard(qtbot, people.as_ann, tmp_path, LOG.replace("2025", "2024"))
    assert _combo(again, "delivery_method", "Online").currentText() == f.QAS_SELF_STUDY
    assert again.result_preview.ok
    assert again.words_box.waiting() == []


def test_unticked_answers_hold_for_this_import_only(qtbot, people, tmp_path):
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    _combo(dialog, "delivery_method", "Online").setCurrentText(f.GROUP_INTERNET_BASED)
    dialog.words_box.remember_box.setChecked(False)
    summary = dialog.choice().run(people.as_ann)
    assert summary.records_added == 3
    assert user_words(people.as_ann, people.ann.user_id)["delivery_method"] == {}


def test_another_persons_remembered_answers_show_when_importing_for_them(qtbot, people, tmp_path):
    """An administrator importing Bob's log sees Bob's own earlier answer, not their own."""
    remember_words(
        people.as_bob, people.bob.user_id, {"delivery_method": {"Online": "QAS Self Study"}}
    )
    dialog = _wizard(qtbot, people.as_admin, tmp_path)
    online = _combo(dialog, "delivery_method", "Online")
    assert online.currentData() is None
    dialog.person_combo.setCurrentIndex(dialog.person_combo.findData(people.bob.user_id))
    online = _combo(dialog, "delivery_method", "Online")
    assert online.currentText() == f.QAS_SELF_STUDY
    assert dialog.result_preview.ok


def test_no_words_to_ask_about_hides_the_step(qtbot, people, tmp_path):
    plain = "Date,Course,Sponsor,Subject,Format,Hours\n2025-01-10,Tax,ACME,Taxes,Group Live,2\n"
    dialog = _wizard(qtbot, people.as_ann, tmp_path, plain)
    assert dialog.words_box.isHidden() and dialog.words_box.combos == {}


def test_the_preview_shows_each_row_as_the_answers_read_it(qtbot, people, tmp_path):
    """What the preview table shows is what is stored: a remembered answer ("Ethics" is
    Behavioral Ethics for Ann) and a choice made now ("Online") both show in the cells."""
    remember_words(
        people.as_ann, people.ann.user_id, {"field_of_study": {"Ethics": "Behavioral Ethics"}}
    )
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    _combo(dialog, "delivery_method", "Online").setCurrentText(f.QAS_SELF_STUDY)
    table = dialog.preview_table
    headers = [
        table.horizontalHeaderItem(c).text().split("\n")[0] for c in range(table.columnCount())
    ]
    method, field = headers.index("Delivery method"), headers.index("Field of study")
    shown = [(table.item(r, method).text(), table.item(r, field).text()) for r in range(3)]
    assert shown == [
        (f.GROUP_LIVE, f.ACCOUNTING),
        (f.QAS_SELF_STUDY, f.TAXES),
        (f.QAS_SELF_STUDY, f.BEHAVIORAL_ETHICS),
    ]


def test_problem_reasons_wrap_and_say_where_a_word_is_answered(qtbot, people, tmp_path):
    """A long reason wraps in the problem list (no sideways scroll bar hiding its end), at least
    three problems stay in view, and a word the program does not know points to the word step."""
    from PySide6.QtCore import Qt

    text = (
        "Date,Course,Sponsor,Subject,Format,Hours\n"
        "someday,Bad date,ACME,Taxes,Group Live,1\n"
        "2025-01-05,Bad field,ACME,Knitting,Group Live,1\n"
        "2025-01-06,Online thing,ACME,Taxes,Online,1\n"
    )
    dialog = _wizard(qtbot, people.as_ann, tmp_path, text)
    listed = dialog.error_list
    reasons = [listed.item(i).text() for i in range(listed.count())]
    assert len(reasons) == 3
    assert reasons[1].endswith(
        "'Knitting' is not a NASBA field of study; choose what it means under “The file's own "
        "words”"
    )
    assert reasons[2].endswith("choose under “The file's own words”")
    assert listed.wordWrap()
    assert listed.horizontalScrollBarPolicy() == Qt.ScrollBarPolicy.ScrollBarAlwaysOff
    line = listed.fontMetrics().height()
    assert listed.minimumHeight() >= 3 * line


def test_opening_a_word_problem_brings_the_word_step_into_view(qtbot, people, tmp_path):
    """The dialog opens on the columns (Date, Title in sight), not scrolled away to the words;
    opening a problem that is answered there (double-click or Enter) scrolls to the waiting
    word's drop-down and puts the focus on it."""
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    dialog.show()
    qtbot.waitExposed(dialog)
    assert dialog.left_scroll.verticalScrollBar().value() == 0
    listed = dialog.error_list
    item = next(
        listed.item(i)
        for i in range(listed.count())
        if "The file's own words" in listed.item(i).text()
    )
    listed.itemActivated.emit(item)
    online = _combo(dialog, "delivery_method", "Online")
    assert online.hasFocus() or dialog.focusWidget() is online
    assert online.visibleRegion().boundingRect().height() > 0


def test_the_dialog_fits_a_small_screen(qtbot, people, tmp_path):
    dialog = _wizard(qtbot, people.as_ann, tmp_path)
    room = dialog.screen().availableGeometry()
    assert dialog.height() <= room.height() and dialog.width() <= room.width()
