"""`normalise` strips combining marks run by run over the non-ASCII text (issue 18): the
same result as looking at every character of the decomposed text, as it did before."""

from __future__ import annotations

import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from api.pipeline.contract import _POSSESSIVE, normalise

# Letters, marks (combining and not), punctuation, ASCII and beyond: what names and news
# text are made of.
_TEXT = st.text(
    st.characters(categories=("L", "M", "N", "P", "Z", "S")) | st.sampled_from("aé’'s Ç\u0301"),
    max_size=80,
)


def _every_character(text: str) -> str:
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _POSSESSIVE.sub("", text.lower().replace("’", "'"))


@settings(max_examples=500, deadline=None)
@given(_TEXT)
def test_normalise_is_the_character_by_character_rule(text: str) -> None:
    assert normalise(text) == _every_character(text)


def test_accents_and_possessives_go() -> None:
    assert normalise("Zelenskyy’s Ça Café\u0301") == "zelenskyy ca cafe"
