"""Lines syntok would not split skip syntok (issue 18: it was ~60 % of the preparation time).
The shortcut must give exactly syntok's span wherever it applies."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from api.pipeline.article import _one_sentence, _syntok_spans, prepare_article
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS

LINE_PIECES = st.sampled_from(
    [
        " ", "\u00a0", "\u3000", "\t", "...", ".", ";", "!", "?", "。", "‼", '."', ".”", ".)",
        "’", "´", "(", "[", "{", ")", "]", "—", "-", "U.S", "Mr", "No. 5", "3.5", "e.g",
        "The mayor said", "officials denied it", "'", '"', "“", "”",
    ]
)  # fmt: skip
LINES = st.lists(st.one_of(st.text(ANY_CHAR, max_size=8), LINE_PIECES, PIECES), max_size=30).map(
    lambda parts: "".join(parts).splitlines()[0] if "".join(parts).splitlines() else ""
)


@SETTINGS
@given(LINES)
def test_the_shortcut_agrees_with_syntok_wherever_it_applies(line: str) -> None:
    whole = _one_sentence(line)
    if whole is not None:
        assert [whole] == _syntok_spans(line)


def test_lines_that_may_split_still_go_through_syntok() -> None:
    for line in ["He left. She stayed.", "It rained (as forecast) all day", "A; B", "Why? No"]:
        assert _one_sentence(line) is None
    assert _one_sentence("  The talks resumed on Monday.”  \n") == (2, 31)
    assert _one_sentence("A headline without a full stop\n") == (0, 30)


def test_a_one_sentence_line_is_prepared_as_before() -> None:
    text = "Talks resume in Geneva\n\nThe minister said the talks would resume.\nHe left. She won."
    sentences = [s.text for s in prepare_article(text).sentences]
    assert sentences == [
        "Talks resume in Geneva",
        "The minister said the talks would resume.",
        "He left.",
        "She won.",
    ]
