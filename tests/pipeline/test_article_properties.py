"""Property tests for article preparation (issue 14): for any Unicode text a caller can send,
every sentence and every skipped range points into the text exactly as submitted, and every
evidence quote is text[start:end]."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.pipeline.article import PreparedArticle, prepare_article
from api.pipeline.grounding import coverage_of, resolve_evidence

# Any code point a request can carry (lone surrogates are rejected with a 422 on entry).
ANY_CHAR = st.characters(exclude_categories=["Cs"])
# Pieces that stress the splitter: every line break Python's splitlines knows, quotes,
# abbreviations, combining marks, wide and right-to-left scripts, emoji, control chars.
PIECES = st.sampled_from(
    [
        ". ", "! ", "? ", "…", "\n", "\r\n", "\r", "\u2028", "\u2029", "\x0b", "\x0c", "\x1c",
        "\x85", "U.S. ", "Mr. ", '"', "“", "”", "‘", "’", "(", ")", "[", "]", "e\u0301",
        "北京说。", "قال الوزير. ", "👩‍👩‍👧 ", "\u200b", "\t", "Contributing: Reuters\n",
        "Reporting by A. Writer\n", "© 2024 AP\n", "The mayor said ", "officials denied it",
    ]
)  # fmt: skip
TEXTS = st.lists(st.one_of(st.text(ANY_CHAR, max_size=12), PIECES), max_size=40).map("".join)
SETTINGS = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check_offsets(text: str, article: PreparedArticle) -> None:
    previous_end = 0
    for number, sentence in enumerate(article.sentences, start=1):
        assert sentence.number == number
        assert previous_end <= sentence.start < sentence.end <= len(text)
        assert text[sentence.start : sentence.end] == sentence.text
        assert sentence.text == sentence.text.strip() != ""
        previous_end = sentence.end
    for start, end in article.skipped:
        assert 0 <= start < end <= len(text) and text[start:end].strip() == text[start:end]


@SETTINGS
@given(TEXTS)
def test_sentence_offsets_resolve_in_any_text(text: str) -> None:
    _check_offsets(text, prepare_article(text))


@SETTINGS
@given(st.text(ANY_CHAR, max_size=400))
def test_sentence_offsets_resolve_in_arbitrary_code_points(text: str) -> None:
    _check_offsets(text, prepare_article(text))


@SETTINGS
@given(TEXTS, st.data())
def test_every_quote_is_the_text_between_its_offsets(text: str, data: st.DataObject) -> None:
    article = prepare_article(text)
    if not article.sentences:
        return
    cited = data.draw(st.lists(st.integers(1, len(article)), min_size=1, max_size=8))
    for span in resolve_evidence(article, cited):
        assert text[span.start : span.end] == span.quote
    coverage = coverage_of(article, article)
    for covered in [*coverage.analysed, *coverage.skipped]:
        assert 0 <= covered.start < covered.end <= len(text)
