"""Hypothesis settings and strategies shared by the property tests of validators and services."""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st

# Service tests run @given inside the test (fixtures are set up once, each example rolls back its
# writes), so no function-scoped fixture is shared between examples.
SETTINGS = settings(max_examples=150, deadline=None, database=None)
SERVICE_SETTINGS = settings(SETTINGS, max_examples=120)

# Anything at all a caller might pass for one field.
ANY = st.one_of(
    st.none(),
    st.text(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(st.text()),
    st.dictionaries(st.text(), st.integers()),
    st.decimals(),
)
