"""Article preparation's second pass (issue 18): the title check looks only at a sentence's
tail, and a line without a space before a dot skips the lost-break search. Each gives
exactly what the full search gives (also: all 6,954 shared-data texts prepared identically,
scripts/check_prepared_same.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.pipeline.article import (
    _LOST_BREAK,
    _SPACE_DOT,
    _TITLE_END,
    _at_lost_breaks,
    _ends_on_title,
    _sentence_spans,
    prepare_article,
)
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS, TEXTS

TITLE_PIECES = st.sampled_from(
    [
        "Rep.", "Messrs.", "Mr.", "Mmr.", "St.", "Jr.", "(Gov.", "“Dr.", '"Sen.', " ", "\t", "\n",
        ".", "x", "Hon", "said", " . ", "\u00a0. ", "word . The", "A . “B", "x .  (y", "..",
        "\u3000",
    ]
)  # fmt: skip
TITLE_TEXTS = st.lists(st.one_of(TITLE_PIECES, PIECES, st.text(ANY_CHAR, max_size=4)), max_size=10)


@SETTINGS
@given(st.one_of(TITLE_TEXTS.map("".join), TEXTS))
def test_the_title_check_on_the_tail_finds_what_the_full_search_finds(text: str) -> None:
    assert _ends_on_title(text) == (_TITLE_END.search(text) is not None)


@SETTINGS
@given(st.one_of(TITLE_TEXTS.map("".join), TEXTS), st.data())
def test_a_line_without_a_space_before_a_dot_has_no_lost_break(
    text: str, data: st.DataObject
) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    if _SPACE_DOT.search(text) is None:
        assert list(_LOST_BREAK.finditer(text, start, end)) == []
        assert _at_lost_breaks(text, start, end) == [(start, end)]


def test_titles_and_lost_breaks_still_apply() -> None:
    line = "The bill was backed by Rep. Peter King and Sen. Ann Lee. The vote is set"
    assert [line[a:b] for a, b in _sentence_spans(line)] == [
        "The bill was backed by Rep. Peter King and Sen. Ann Lee.",
        "The vote is set",
    ]
    text = "Vaccines for hepatitis A . State Immunization officials said so."
    assert [text[a:b] for a, b in _sentence_spans(text)] == [
        "Vaccines for hepatitis A .",  # then skipped as a caption
        "State Immunization officials said so.",
    ]
    assert [s.text for s in prepare_article(text).sentences] == [
        "State Immunization officials said so."
    ]
    assert _ends_on_title("Mr.") and _ends_on_title("led by Messrs.")
    assert not _ends_on_title("Mmr.") and not _ends_on_title("the Hon.x")
