"""syntok's state machine over a list (api/pipeline/syntok_segment.py, issue 18) must give
exactly the sentences syntok's own segmenter gives for the same tokens. Checked on text built
from the words each of its rules looks at, on the golden articles, and rule by rule;
scripts/check_prepared_same.py checks every shared-data text (67,050 paragraphs: 0 differ)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from syntok import segmenter
from syntok._segmentation_states import State
from syntok.tokenizer import Token, Tokenizer

from api.pipeline import syntok_segment
from evals.case_model import load_cases
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES

TOKENIZER = Tokenizer(replace_not_contraction=False)

# The words syntok's decisions read: terminals and what may follow them, brackets of every
# kind (short and past its 70-character skip), quotes, its abbreviations, months, starters,
# roman numerals, single letters and consonants, numbers large and small, "no" before a
# number, lowercase words and inner punctuation.
RULE_WORDS = st.sampled_from(
    [
        ".", "!", "?", ";", "...", "。", "‼", ".)", '."', ".”", "?’", "!)", ".]", "'", '"', "´",
        "(", ")", "[", "]", "{", "}", "（", "）", "〚", "〛", "(AP)", "(Reuters)", "(a)",
        "(The talks ended.)", "(" + "long bracketed words " * 4 + "It ended.)",
        "(" + "x " * 40 + ")", "Mr", "Dr", "St", "etc", "Inc", "Gen", "Fig", "no", "No", "NO",
        "Jan", "Sept", "Dec", "Mar", "The", "However", "It", "This", "In", "A", "I", "II",
        "IV", "X", "b", "c", "e", "B", "U.S", "e.g", "3.5", "5", "25", "2014", "100,000",
        "5pm", "No5", "said", "officials", "he", "The mayor", "Smith", "WASHINGTON", "CNN",
        ",", ":", "-", "—", "“", "”", "‘", "’", "a", "x1",
    ]
)  # fmt: skip
SPACING = st.sampled_from([" ", " ", " ", "", "\n", "  ", "\u00a0"])
TEXTS = st.lists(
    st.one_of(
        st.tuples(RULE_WORDS, SPACING).map("".join),
        PIECES,
        st.text(ANY_CHAR, max_size=4),
    ),
    max_size=60,
).map("".join)


def _sentences(sentences: object) -> list[list[tuple[str, str, int]]]:
    return [[(t.spacing, t.value, t.offset) for t in s] for s in sentences]  # type: ignore[attr-defined]


def _syntoks(tokens: list[Token]) -> list[list[tuple[str, str, int]]]:
    return _sentences(segmenter.segment(iter(tokens)))


def _ours(tokens: list[Token]) -> list[list[tuple[str, str, int]]]:
    return _sentences(syntok_segment.segment(tokens))


@settings(max_examples=1500, deadline=None)
@given(TEXTS, st.sampled_from([0, 3]))
def test_the_sentences_are_syntoks_sentences(text: str, offset: int) -> None:
    tokens = list(TOKENIZER.tokenize(text, offset))
    assert _ours(tokens) == _syntoks(tokens)


def test_the_golden_articles_give_syntoks_sentences() -> None:
    for case in load_cases():
        article = case.article_text()
        for text in (article, *article.splitlines()):
            for offset, paragraph in segmenter.preprocess_with_offsets(text):
                tokens = list(TOKENIZER.tokenize(paragraph, offset))
                assert _ours(tokens) == _syntoks(tokens)


@pytest.mark.parametrize(
    ("text", "count"),
    [
        ("He left. She stayed.", 2),  # a plain end
        ("Mr. Smith left.", 1),  # an abbreviation
        ("He met Dr. (the surgeon) Jones.", 1),
        ("It is No. 5 on the list.", 1),  # "No" before a number
        ("It grew 3.5 percent. Then it fell.", 2),  # a number with no spacing
        ("The vote is on Sept. 25 in the hall.", 1),  # a month before a number
        ("It was 25. Jan was there.", 1),  # a number before a month
        ("The U.S. Army left.", 1),  # a dot inside the word before
        ("It ended. however, it went on.", 1),  # lowercase after the terminal
        ("Plan B. The team voted.", 2),  # a sentence starter after a single letter
        ("See section b. Talks went on.", 1),  # a single consonant
        ("WASHINGTON (AP) — Talks resumed.", 2),  # a dateline bracket
        ("He left. (Talks went on.) She stayed.", 3),  # a bracketed sentence
        ("He left. (see below) she stayed.", 1),
        ("He left. (see below), then more.", 1),  # inner punctuation after the bracket
        ("He left.” (see) more.", 1),  # a bracket after the closing quote decides
        ("(" + "word " * 20 + "Ends here.) Next one.", 2),  # past the skip length
        ("“He left.” She stayed.", 2),  # a closing quote
        ("He said “no.”Then he left.", 1),  # a quote with no spacing
        ("Wait... It worked!", 2),
        ("I. Introduction. It begins.", 2),  # a roman numeral opening the sentence
        ("(Big news) The talks ended.", 2),  # a bracket of 4 tokens opens its own sentence
        ("(AP) The talks ended.", 1),  # of 3, it does not
        ("(Big news) the talks ended.", 1),  # nor before a lowercase word
    ],
)
def test_each_rule_as_syntok_decides_it(text: str, count: int) -> None:
    tokens = list(TOKENIZER.tokenize(text))
    assert _ours(tokens) == _syntoks(tokens)
    assert len(_ours(tokens)) == count


def test_the_bracket_skip_length_is_syntoks_setting_at_call_time() -> None:
    text = "He said (The talks ended. They went home.) and left. More came."
    tokens = list(TOKENIZER.tokenize(text))
    default = State.max_bracket_skipping_length
    try:
        State.max_bracket_skipping_length = 5
        short = _ours(tokens)
        assert short == _syntoks(tokens)
    finally:
        State.max_bracket_skipping_length = default
    assert _ours(tokens) == _syntoks(tokens)


def test_no_tokens_no_sentences() -> None:
    assert syntok_segment.segment([]) == [] == list(segmenter.segment(iter([])))
