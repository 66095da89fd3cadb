"""first_person searches the raw text first and strips quotes only where it has a match,
with its regexes written to start on a letter (issue 18): the same answer as stripping the
quotes and searching `\\bI\\b(?!\\.)|\\b(?:my|me)\\b` (also on all 6,954 shared-data texts)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.pipeline.boilerplate import first_person
from tests.pipeline.test_article_properties import ANY_CHAR, SETTINGS

_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
_FIRST_PERSON_BEFORE = re.compile(r"\bI\b(?!\.)|\b(?:my|me)\b")
WORDISH = st.sampled_from(
    ["I", "I.", "I'", "my", "me", "mY", "ME", "Im", "mI", "em", "my_", "é", "_", "1", "ı", "İ",
     "\u0301", '"', "“", "”", ".", " ", "\n", "m", "y", "e", "said", "World War I."]
)  # fmt: skip
TEXTS = st.lists(st.one_of(WORDISH, st.text(ANY_CHAR, max_size=3)), max_size=30).map("".join)


def _first_person_before(text: str) -> bool:
    return bool(_FIRST_PERSON_BEFORE.search(_QUOTED.sub(" ", text)))


@SETTINGS
@given(TEXTS)
def test_first_person_gives_what_it_gave(text: str) -> None:
    assert first_person(text) == _first_person_before(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('The minister said: "I will not resign."', False),  # the only "I" is quoted
        ("The minister said: “Give me time.”", False),
        ('"I will not resign," he said. I doubt it.', True),
        ("I have asked the ministry", True),
        ("It ends with World War I.", False),
        ("They meet on Monday in Miami.", False),
        ("Tell me", True),
        ("my", True),
    ],
)
def test_first_person_outside_quotes_only(text: str, expected: bool) -> None:
    assert first_person(text) is expected
