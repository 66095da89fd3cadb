"""Shortcuts in article preparation (issue 18): lines syntok would not split skip syntok (it
was ~60 % of the preparation time), printable sentences skip the per-character cleaning, a
boilerplate pattern checks its cheap part first. Each must give exactly what the long way
gives."""

from __future__ import annotations

import re
import unicodedata

from hypothesis import example, given
from hypothesis import strategies as st

from api.pipeline.article import (
    _EDITORIAL_LETTER,
    _SPACES,
    _collapsed,
    _drop_unbalanced_brackets,
    _one_sentence,
    _pieces,
    _raw_spans,
    _syntok_spans,
    clean_sentence,
    prepare_article,
)
from api.pipeline.boilerplate import _SHORT_LINE_WORDS, is_short_line, patterns
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS, TEXTS

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


CUT_PIECES = st.sampled_from(
    [
        "said. The", "said.” He", 'said." “It', "in 2015. Wall", "12. Jan", "12. March",
        "etc. The", "Gov. Smith", "Mr. Jones", "(he said. The", "(it rained) all. Then",
        ") late. We", "no. 5", "min. Later", "U.S. Army", "I left. I", "p.m. Friday",
        "said. ‘No", "sept. Oct", "left! Then", "why? Because", "said.\u200bThe",
    ]
)  # fmt: skip
CUT_LINES = st.lists(st.one_of(LINE_PIECES, CUT_PIECES, PIECES), max_size=30).map(
    lambda parts: "".join(parts).splitlines()[0] if "".join(parts).splitlines() else ""
)


@SETTINGS
@given(st.one_of(LINES, CUT_LINES))
def test_cutting_a_line_where_syntok_surely_ends_a_sentence_changes_no_sentence(
    line: str,
) -> None:
    """The pieces' sentences are syntok's sentences of the whole line (also checked on
    every text of the shared data: 6,876 texts, no sentence differs)."""
    assert _raw_spans(line) == _syntok_spans(line)


def test_a_line_is_cut_only_where_syntok_surely_ends_a_sentence() -> None:
    def cuts(line: str) -> list[str]:
        return [line[a:b] for a, b in _pieces(line)]

    assert cuts("He said. “The talks failed,” she said. In 2015. Wall St.") == [
        "He said.",
        "“The talks failed,” she said.",
        "In 2015.",
        "Wall St.",
    ]
    assert len(cuts("Prices fell (as expected. Then rose. No")) == 1  # a bracket still open
    assert cuts("Prices fell (as expected. Then) rose. No") == [
        "Prices fell (as expected. Then) rose.",
        "No",
    ]
    assert len(cuts("It was 12. Jan and talks etc. Then")) == 1  # a month, an abbreviation


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


def _clean_every_character(text: str) -> str:
    """clean_sentence as it was: every character's category looked up."""
    chars = "".join(" " if unicodedata.category(c)[0] == "C" else c for c in text)
    collapsed = _SPACES.sub(" ", _EDITORIAL_LETTER.sub(r"\1", chars)).strip()
    return _drop_unbalanced_brackets(collapsed)


@SETTINGS
@given(st.one_of(LINES, TEXTS))
def test_cleaning_printable_text_skips_the_per_character_pass_with_the_same_result(
    text: str,
) -> None:
    assert clean_sentence(text) == _clean_every_character(text)


def test_collapsing_whitespace_is_the_regex_for_every_code_point() -> None:
    """str.split's whitespace is re's \\s, code point for code point; each such character,
    alone, doubled and between words, collapses as `_SPACES.sub(" ", text).strip()` does."""
    chars = [chr(code) for code in range(0x110000)]
    spaces = [c for c in chars if c.isspace()]
    assert spaces == [c for c in chars if _SPACES.match(c)]
    for char in [*spaces, "a", "\x00", "\u200b"]:
        for text in (char, f"a{char}{char}b", f" {char}a {char}", f"a {char} b"):
            assert _collapsed(text) == _SPACES.sub(" ", text).strip(), hex(ord(char))


# table-header as it was: the repeated-word search first, on every sentence (~12 us each).
_TABLE_HEADER_BEFORE = re.compile(r"^(?=.*\b(\w+)\b.*\b\1\b)(?:[A-Z][\w.]*\s+){3,5}[A-Z][\w.]*$")
HEADER_WORDS = st.sampled_from(["Driver", "Times", "Led", "Laps", "led", "A.", "Pts", "1", "Mr."])
HEADERS = st.lists(st.one_of(HEADER_WORDS, st.sampled_from([" ", "  ", "\t", ", "])), max_size=14)


@SETTINGS
@given(st.one_of(HEADERS.map("".join), LINES))
def test_the_table_header_pattern_checks_the_shape_first_with_the_same_matches(
    text: str,
) -> None:
    (table_header,) = [p for p in patterns() if p.name == "table-header"]
    assert bool(table_header.regex.search(text)) == bool(_TABLE_HEADER_BEFORE.search(text))


# caption-space-period as it was: searched at every position (~8 us a sentence, now ~3).
_CAPTION_BEFORE = re.compile(r"(?:^|\s)(?![@#])[^\s/]*[^\s./]\s+\.$")
CAPTION_PIECES = st.sampled_from(
    [" .", "  .", "\t.", "\u00a0.", ".", "@x", "#y", "a/b", "x.", "word", " ", "\n", "ok ."]
)


@SETTINGS
@given(st.one_of(LINES, st.lists(st.one_of(CAPTION_PIECES, PIECES), max_size=12).map("".join)))
def test_the_caption_pattern_anchored_has_the_same_matches(text: str) -> None:
    (caption,) = [p for p in patterns() if p.name == "caption-space-period"]
    assert bool(caption.regex.search(text)) == bool(_CAPTION_BEFORE.search(text))


# section-heading as it was: the word count first (~0.8 us a sentence, now ~0.2).
_SECTION_BEFORE = re.compile(
    r"^(?=(?:\S+\s+){1,3}\S+$)(?![–—-])(?=.*[A-Z]{2})[^a-z!?:;]{3,80}(?<![.!?:;])$"
)
HEADING_WORDS = st.one_of(
    st.sampled_from(["J.", "PAUL", "GETTY'S", "EAR", "AB", "1"]),
    st.sampled_from(
        ["Ear", "A", "É", "ı", "İ", "–", "—X", "-", "X!", "X?", "X:", "X;", "X.", "AB\nCD", ""]
    ),
)
HEADINGS = st.lists(
    st.tuples(HEADING_WORDS, st.sampled_from([" ", "  ", "\t", "", "\u00a0"])).map("".join),
    max_size=6,
).map("".join)


@SETTINGS
@given(st.one_of(HEADINGS, LINES))
@example("AB 1")  # the shortest headings: 2 words, 2 capitals in a row
@example("J. AB")
@example("AB a")
@example("–AB CD")
def test_the_section_heading_pattern_checks_its_first_characters_first_with_the_same_matches(
    text: str,
) -> None:
    (heading,) = [p for p in patterns() if p.name == "section-heading"]
    assert bool(heading.regex.search(text)) == bool(_SECTION_BEFORE.search(text))


WORDS = st.lists(
    st.tuples(
        st.sampled_from(["a", "bb", "x.", "é", "—", "ccc"]),
        st.sampled_from([" ", "  ", "\t", "\u3000", "\u00a0", "\n", ""]),
    ).map("".join),
    min_size=50,
    max_size=70,
).map(lambda words: "".join(words).strip())


@SETTINGS
@given(st.one_of(WORDS, LINES))
@example(" ".join("a" * 60))  # 119 characters, 60 words: short
@example(" ".join("a" * 61))  # 121 characters, 61 words: long
@example(" ".join(["a"] * 59 + ["bb"]))  # 120 characters, 60 words
def test_a_short_line_is_told_by_its_length_or_its_first_words_with_the_same_answer(
    text: str,
) -> None:
    assert is_short_line(text) == (len(text.split()) <= _SHORT_LINE_WORDS)
