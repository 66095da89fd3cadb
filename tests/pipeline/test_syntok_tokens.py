"""stancewire's tokens for syntok (api/pipeline/syntok_tokens.py, issue 18) must be exactly
the tokens syntok's own tokenizer makes — value, spacing and offset — so syntok's
segmentation of them is its segmentation of the text. Checked here on generated text and the
golden articles; scripts/check_prepared_same.py checks every shared-data text."""

from __future__ import annotations

import sys

from hypothesis import given
from hypothesis import strategies as st
from syntok import segmenter
from syntok.tokenizer import Token, Tokenizer

from api.pipeline import syntok_tokens
from evals.case_model import load_cases
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS

SYNTOK = Tokenizer(replace_not_contraction=False)  # as syntok's segmenter.analyze makes it

# Every kind of chunk the fast path tells apart, and the words syntok splits inside.
WORDS = st.sampled_from(
    [
        "said", "Said", "SAID", "2014", "iPhone", "McDonald", "eBay", "abcDEF", "A1b2C3",
        "don't", "can't", "McDonald’s", "rock'n'roll", "e-mail", "well—known", "U.S", "3.5",
        "a,b", "a;b", "snake_case", "x_1", "co-op-", "(word)", "[W]e", "{x}", "...", "a...b",
        "wait...", "?!", "—", "--", "«non»", "café", "naïve", "Straße", "ǅemal", "ⅷ", "²",
        "٣", "北京", "—said", "\u00ad", "x\u00ady", "\u200b", "a\u200bb", "1st.", "5pm,",
        "http://x.com/a_b", "'quoted'", '"Yes,"', "“No.”", "’90s", "#tag", "@user", "$10,000",
    ]
)  # fmt: skip
SPACES = st.sampled_from([" ", "  ", "\n", "\t", "\u00a0", "\u3000", "\x1c", "\x85", "\u2028"])
TEXTS = st.lists(st.one_of(WORDS, SPACES, PIECES, st.text(ANY_CHAR, max_size=6)), max_size=40)


def _fields(tokens: list[Token]) -> list[tuple[str, str, int]]:
    return [(t.spacing, t.value, t.offset) for t in tokens]


def _sentences(paragraphs: object) -> list[list[tuple[str, str, int]]]:
    return [_fields(sentence) for paragraph in paragraphs for sentence in paragraph]  # type: ignore[attr-defined]


@SETTINGS
@given(TEXTS.map("".join), st.sampled_from([0, 1, 7]))
def test_the_tokens_are_syntoks_tokens(text: str, base_offset: int) -> None:
    expected = _fields(list(SYNTOK.tokenize(text, base_offset)))
    assert _fields(syntok_tokens.tokenize(text, base_offset)) == expected


@SETTINGS
@given(TEXTS.map("".join))
def test_the_sentences_are_syntoks_sentences(text: str) -> None:
    assert _sentences(syntok_tokens.analyze(text)) == _sentences(segmenter.analyze(text))


def test_the_golden_articles_give_syntoks_tokens_and_sentences() -> None:
    for case in load_cases():
        article = case.article_text()
        for text in (article, *article.splitlines()):
            assert _fields(syntok_tokens.tokenize(text)) == _fields(list(SYNTOK.tokenize(text)))
            assert _sentences(syntok_tokens.analyze(text)) == _sentences(segmenter.analyze(text))


def test_words_syntok_splits_inside_are_still_split() -> None:
    """The fast path takes only plain ASCII words; these go through syntok's own rules."""
    values = [t.value for t in syntok_tokens.tokenize("The iPhone, McDonald’s (U.S.) e-mail.")]
    assert values == [
        "The", "i", "Phone", ",", "Mc", "Donald", "’s", "(", "U.S", ".", ")", "e", "mail", ".",
    ]  # fmt: skip


def test_chunks_split_on_the_same_characters_as_syntoks_pattern() -> None:
    """Every code point (bar surrogates, refused on entry) is a chunk character to the stdlib
    pattern exactly when it is one to syntok's `regex` pattern."""
    chars = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    ours = {m.start() for m in syntok_tokens._CHUNKS.finditer("\n".join(chars))}
    theirs = {m.start() for m in Tokenizer._spaces.finditer("\n".join(chars))}
    assert ours == theirs
