"""The NASBA vocabulary and the mapping of what people write onto it."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpe_desktop.rules.fields import (
    DELIVERY_METHODS,
    ETHICS_FIELDS,
    FIELDS_OF_STUDY,
    NON_PROGRAM_METHODS,
    NON_TECHNICAL_FIELDS,
    SELF_STUDY_METHODS,
    TECHNICAL_FIELDS,
    is_ethics,
    is_non_technical,
    is_self_study,
    is_technical,
    normalize_delivery_method,
    normalize_field,
)

# --- The lists themselves, written out by hand from ARCHITECTURE.md §2
# ------------------------------


def test_technical_fields_are_the_nasba_2016_list():
    assert TECHNICAL_FIELDS == (
        "Accounting",
        "Accounting (Governmental)",
        "Auditing",
        "Auditing (Governmental)",
        "Business Law",
        "Economics",
        "Finance",
        "Information Technology",
        "Management Services",
        "Regulatory Ethics",
        "Specialized Knowledge",
        "Statistics",
        "Taxes",
    )


def test_non_technical_fields_are_the_nasba_2016_list():
    assert NON_TECHNICAL_FIELDS == (
        "Behavioral Ethics",
        "Business Management & Organization",
        "Communications and Marketing",
        "Computer Software & Applications",
        "Personal Development",
        "Personnel/Human Resources",
        "Production",
    )


def test_all_fields_are_technical_then_non_technical():
    assert FIELDS_OF_STUDY == TECHNICAL_FIELDS + NON_TECHNICAL_FIELDS
    assert len(set(FIELDS_OF_STUDY)) == 20


def test_ethics_fields():
    assert ETHICS_FIELDS == ("Regulatory Ethics", "Behavioral Ethics")


def test_delivery_methods():
    assert DELIVERY_METHODS == (
        "Group Live",
        "Group Internet Based",
        "QAS Self Study",
        "Nano Learning",
        "Blended Learning",
        "Independent Study",
        "Instructor",
        "Author",
        "College Course",
    )
    assert SELF_STUDY_METHODS == ("QAS Self Study", "Nano Learning")
    assert NON_PROGRAM_METHODS == ("Instructor", "Author", "College Course")


# --- Classification -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "technical", "non_technical", "ethics"),
    [
        ("Accounting", True, False, False),
        ("Auditing (Governmental)", True, False, False),
        ("Taxes", True, False, False),
        ("tax", True, False, False),
        ("Regulatory Ethics", True, False, True),
        ("Ethics (Regulatory)", True, False, True),
        ("Behavioral Ethics", False, True, True),
        ("Personal Development", False, True, False),
        ("Computer Software and Applications", False, True, False),
        ("Ethics", False, False, False),  # ambiguous: neither
        ("Underwater Basket Weaving", False, False, False),
        ("", False, False, False),
    ],
)
def test_classification(field, technical, non_technical, ethics):
    assert is_technical(field) is technical
    assert is_non_technical(field) is non_technical
    assert is_ethics(field) is ethics


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("QAS Self Study", True),
        ("Nano Learning", True),
        ("self-study", True),
        ("nano", True),
        ("Independent Study", False),  # not self-study, says NASBA
        ("Group Live", False),
        ("Group Internet Based", False),
        ("Blended Learning", False),
        ("nonsense", False),
    ],
)
def test_is_self_study(method, expected):
    assert is_self_study(method) is expected


# --- Normalization, table-driven ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Taxes", "Taxes"),
        ("tax", "Taxes"),
        ("Taxation", "Taxes"),
        ("  TAXES  ", "Taxes"),
        ("Ethics (Regulatory)", "Regulatory Ethics"),
        ("regulatory-ethics", "Regulatory Ethics"),
        ("Ethics (Behavioural)", "Behavioral Ethics"),
        ("Business Management and Organization", "Business Management & Organization"),
        ("business management & organisation", "Business Management & Organization"),
        ("Communications & Marketing", "Communications and Marketing"),
        ("Personnel/HR", "Personnel/Human Resources"),
        ("Personnel / Human Resources", "Personnel/Human Resources"),
        ("Computer Software and Applications", "Computer Software & Applications"),
        ("accounting - governmental", "Accounting (Governmental)"),
        ("Governmental Auditing", "Auditing (Governmental)"),
        ("Specialized Knowledge and Applications", "Specialized Knowledge"),
        ("Management Advisory Services", "Management Services"),
        ("IT", "Information Technology"),
        # Ambiguous or unknown: the user must choose.
        ("Ethics", None),
        ("A&A", None),
        ("Computer Science", None),
        ("Management", None),
        ("Governmental", None),
        ("Accounting (Taxes)", None),
        ("Taxes 2", None),
        ("", None),
        ("   ", None),
    ],
)
def test_normalize_field(text, expected):
    assert normalize_field(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Group Live", "Group Live"),
        ("live", "Group Live"),
        ("In Person", "Group Live"),
        ("in-person", "Group Live"),
        ("Seminar", "Group Live"),
        ("Group Live (in person)", "Group Live"),
        ("webinar", "Group Internet Based"),
        ("Group Internet-Based", "Group Internet Based"),
        ("GIB", "Group Internet Based"),
        ("Group Internet Based (GIB)", "Group Internet Based"),
        ("self-study", "QAS Self Study"),
        ("QAS", "QAS Self Study"),
        ("Self Study", "QAS Self Study"),
        ("Self-Study (QAS)", "QAS Self Study"),
        ("QAS Self-Study", "QAS Self Study"),
        ("nano", "Nano Learning"),
        ("NanoLearning", "Nano Learning"),
        ("nano-learning", "Nano Learning"),
        ("blended", "Blended Learning"),
        ("INDEPENDENT STUDY", "Independent Study"),
        ("teaching", "Instructor"),
        ("author", "Author"),
        ("college", "College Course"),
        # Ambiguous or unknown.
        ("Self Study (Nano)", None),
        ("Group Live (webinar)", None),
        ("online", None),
        ("study", None),
        ("Group", None),
        ("", None),
    ],
)
def test_normalize_delivery_method(text, expected):
    assert normalize_delivery_method(text) == expected


def test_field_and_method_names_do_not_cross():
    assert normalize_field("Group Live") is None
    assert normalize_delivery_method("Taxes") is None


@pytest.mark.parametrize("value", [None, 3, 1.5, b"Taxes", ["Taxes"]])
def test_normalize_rejects_non_text(value):
    assert normalize_field(value) is None
    assert normalize_delivery_method(value) is None


# --- Properties -----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", FIELDS_OF_STUDY)
def test_normalize_field_is_identity_on_canonical_names(name):
    assert normalize_field(name) == name


@pytest.mark.parametrize("name", DELIVERY_METHODS)
def test_normalize_method_is_identity_on_canonical_names(name):
    assert normalize_delivery_method(name) == name


def _variant(name: str, draw) -> str:
    """The same name with random case and stray separators, as spreadsheets spell it."""
    out = []
    for ch in name:
        if ch in "()":
            ch = " "
        out.append(draw(st.sampled_from([ch.lower(), ch.upper()])))
        out.append(draw(st.sampled_from(["", "", "", " ", "  ", "-", "_", ".", "/"])))
    return draw(st.sampled_from(["", " ", "\t"])) + "".join(out)


@st.composite
def field_variants(draw):
    name = draw(st.sampled_from(FIELDS_OF_STUDY))
    return name, _variant(name, draw)


@st.composite
def method_variants(draw):
    name = draw(st.sampled_from(DELIVERY_METHODS))
    return name, _variant(name, draw)


@given(field_variants())
def test_case_spacing_and_punctuation_variants_of_fields(pair):
    name, text = pair
    assert normalize_field(text) == name
    assert normalize_field(normalize_field(text)) == name


@given(method_variants())
def test_case_spacing_and_punctuation_variants_of_methods(pair):
    name, text = pair
    assert normalize_delivery_method(text) == name
    assert normalize_delivery_method(normalize_delivery_method(text)) == name


@given(st.text())
def test_normalize_never_raises_and_returns_canonical_or_none(text):
    assert normalize_field(text) in (*FIELDS_OF_STUDY, None)
    assert normalize_delivery_method(text) in (*DELIVERY_METHODS, None)


# No field or method name is spelled only with these letters, digits and punctuation.
_JUNK = st.text(alphabet="jkqvwxyz0123456789 .-_/#@!?*", max_size=30)


@given(_JUNK)
def test_junk_matches_nothing(text):
    assert normalize_field(text) is None
    assert normalize_delivery_method(text) is None


@given(
    st.sampled_from(FIELDS_OF_STUDY + DELIVERY_METHODS),
    _JUNK.filter(lambda s: any(ch.isalnum() for ch in s)),
)
def test_a_name_with_junk_attached_matches_nothing(name, junk):
    # No prefix or fuzzy matching: "Taxes 2" is not Taxes.
    assert normalize_field(name + junk) is None
    assert normalize_delivery_method(name + junk) is None
    assert normalize_field(junk + name) is None
    assert normalize_delivery_method(junk + name) is None
