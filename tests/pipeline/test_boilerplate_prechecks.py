"""The boilerplate patterns' cheap pre-checks (`needs`, `needs_ending`, issue 18) change no
match: matching with them gives exactly the first pattern whose regex alone matches (also
checked on all 6,954 shared-data texts: scripts/check_prepared_same.py, none differs)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.pipeline import boilerplate
from api.pipeline.article import prepare_article
from api.pipeline.boilerplate import BoilerplatePattern, match, match_line, patterns
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS, TEXTS

# The patterns' keywords and endings, their case variants, and the characters that
# re.IGNORECASE matches to an ASCII letter that str.lower() does not give back.
PRECHECK_PIECES = st.sampled_from(
    [
        "©", "(c)", "(C)", "Copyright", "COPYRIGHT", "copyrıght", "copyrİght",
        "All rights reserved", "all rıghts reserved", "all rightſ reserved", "ALL RIGHTS RESERVED",
        "/", "|", "via", "VIA", " / Getty Images", "via AP", "| Reuters", "(@", "(@siteintel) ",
        "September 13, 2014",
        "pic.twitter.com/", "pic.twitter.com/abc", "(AP)", "(Reuters)", "(CBS DC)", "WASHINGTON ",
        " — ", " (CEN)", " (Getty Images)", ")", " .", "\u00a0.", "\t.", ".", "@x", "#y", "ı", "İ",
        "ſ", "K", " ", "  ", "\n", "J. PAUL GETTY'S EAR", "Driver Times Led Laps Led",
    ]
)  # fmt: skip
PRECHECK_TEXTS = st.lists(
    st.one_of(PRECHECK_PIECES, PIECES, st.text(ANY_CHAR, max_size=6)), max_size=12
).map("".join)


def _first_by_regex(text: str, candidates: boilerplate.Candidates) -> str | None:
    """The matching as it was: every pattern's regex, in order, no pre-check."""
    stripped = text.strip()
    if not stripped:
        return None
    return next((p.name for p in candidates.patterns if p.regex.search(stripped)), None)


def _name(found: BoilerplatePattern | None) -> str | None:
    return found.name if found else None


@SETTINGS
@given(st.one_of(PRECHECK_TEXTS, TEXTS), st.booleans())
def test_the_prechecks_change_no_match(text: str, in_first_person: bool) -> None:
    active = boilerplate._active(in_first_person)
    assert _name(match(text, in_first_person=in_first_person)) == _first_by_regex(text, active)


@SETTINGS
@given(st.one_of(PRECHECK_TEXTS, TEXTS), st.booleans())
def test_the_prechecks_change_no_whole_line_match(text: str, in_first_person: bool) -> None:
    expected = None
    if len(text.split()) <= boilerplate._SHORT_LINE_WORDS:
        expected = _first_by_regex(text, boilerplate._whole_line(in_first_person))
    assert _name(match_line(text, in_first_person=in_first_person)) == expected


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Photo: x. All rıghts reserved", "copyright"),  # dotless i: IGNORECASE matches it
        ("COPYRİGHT 2014 The Times", "copyright"),
        ("A soldier at the border.  John Moore / Getty Images", "agency-credit-end"),
        ("Nikolai shows off his powers. (CEN)", "agency-credit-parenthesised"),
        ("A mixed blessing\u00a0.", "caption-space-period"),
        ("The mayor said the talks would resume on Monday.", None),
    ],
)
def test_prechecked_patterns_still_match_their_lines(text: str, name: str | None) -> None:
    assert _name(match(text)) == name


def test_every_precheck_admits_its_own_example() -> None:
    for pattern in patterns():
        folded = boilerplate._folded(pattern.example.strip())
        assert pattern.admits(pattern.example.strip(), folded), pattern.name


@SETTINGS
@given(st.one_of(PRECHECK_TEXTS, TEXTS), st.booleans())
def test_a_line_match_line_cleared_needs_only_the_other_patterns(
    text: str, in_first_person: bool
) -> None:
    """prepare_article passes line_checked for a one-sentence line match_line found nothing
    on: the whole-line patterns then run once, not twice, with the same result."""
    if match_line(text, in_first_person=in_first_person) is None and boilerplate.is_short_line(
        text.strip()
    ):
        kept = match(text, in_first_person=in_first_person, line_checked=True)
        assert _name(kept) == _name(match(text, in_first_person=in_first_person))


def test_a_one_sentence_caption_line_is_still_skipped() -> None:
    text = "Iran, militias' involvement in ISIS fight a mixed blessing .\nThe talks resumed."
    article = prepare_article(text)
    assert [s.text for s in article.sentences] == ["The talks resumed."]
    (caption,) = [p for p in patterns() if p.name == "caption-space-period"]
    assert article.skip_reasons == [caption.reason]


def test_keywords_of_ignore_case_patterns_are_lowercase() -> None:
    """They are looked for in the lowercased text: "Copyright" would never be found."""
    for pattern in patterns():
        if pattern.ignorecase:
            assert all(need == need.lower() for need in pattern.needs), pattern.name
