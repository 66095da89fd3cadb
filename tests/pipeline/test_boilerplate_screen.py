"""The screen in front of the boilerplate patterns (issue 18) changes no answer: matching
through it gives the first pattern, in file order, whose regex alone matches (also checked
on every call prepare_article makes over the 6,954 shared-data texts: none differs)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from api.pipeline import boilerplate, regex_join
from api.pipeline.boilerplate import BoilerplatePattern, Candidates, patterns
from tests.pipeline.test_article_properties import ANY_CHAR, PIECES, SETTINGS
from tests.pipeline.test_boilerplate_prechecks import PRECHECK_PIECES

EVERY_CANDIDATES = [
    build(in_first_person)
    for build in (boilerplate._active, boilerplate._whole_line, boilerplate._not_whole_line)
    for in_first_person in (False, True)
]
EXAMPLES = st.sampled_from([p.example for p in patterns()])
NOISE = st.one_of(PRECHECK_PIECES, PIECES, st.text(ANY_CHAR, max_size=6))
# A pattern's real line, alone, cut, or with noise around it, in any case.
LINES = st.one_of(
    EXAMPLES,
    st.tuples(NOISE, EXAMPLES, NOISE).map("".join),
    st.tuples(EXAMPLES, st.integers(0, 40), st.integers(0, 40)).map(lambda t: t[0][t[1] : t[2]]),
    EXAMPLES.map(str.upper),
    EXAMPLES.map(str.lower),
    st.lists(st.one_of(EXAMPLES, NOISE), max_size=5).map(" ".join),
)


def _in_order(stripped: str, candidates: Candidates) -> BoilerplatePattern | None:
    """The plain ordered loop: every pattern's regex, no screen, no pre-check."""
    return next((p for p in candidates.patterns if p.regex.search(stripped)), None)


@SETTINGS
@given(LINES, st.sampled_from(EVERY_CANDIDATES))
def test_the_screen_changes_no_match(line: str, candidates: Candidates) -> None:
    stripped = line.strip()
    if stripped:
        assert boilerplate._first_match(stripped, candidates) == _in_order(stripped, candidates)


@pytest.mark.parametrize("pattern", patterns(), ids=lambda p: p.name)
def test_every_example_matches_through_the_screen(pattern: BoilerplatePattern) -> None:
    alone = Candidates.of((pattern,))
    assert boilerplate._first_match(pattern.example.strip(), alone) is pattern
    for candidates in EVERY_CANDIDATES:
        if pattern in candidates.patterns:
            assert candidates.may_match(pattern.example.strip()), pattern.name


def test_every_pattern_of_the_file_is_joined_or_pre_checked() -> None:
    """One that ran alone would cost a regex call on every sentence: give it `needs`."""
    active = boilerplate._active(False)
    assert active.alone == ()
    assert active.start is not None
    assert active.start.pattern.startswith("^(?:(?:^(?=(?:[A-Z]")  # table-header: its \1 holds
    gathered = set(active.needs_folded) | set(active.needs)
    assert all(set(p.needs) <= gathered for p in active.patterns)


def _pattern(
    name: str, regex: str, flags: int = 0, needs_ending: str | None = None
) -> BoilerplatePattern:
    ending = re.compile(needs_ending) if needs_ending else None
    return BoilerplatePattern(name, name, re.compile(regex, flags), "", "test", needs_ending=ending)


def test_a_second_pattern_with_groups_and_an_unanchored_one_run_alone() -> None:
    first = _pattern("first", r"^(\w)\1")
    second = _pattern("second", r"^(\w)-\1")
    unanchored = _pattern("unanchored", r"^x|y$")
    candidates = Candidates.of((first, second, unanchored))
    assert candidates.alone == (second, unanchored)
    assert boilerplate._first_match("a-a", candidates) is second
    assert boilerplate._first_match("ends in y", candidates) is unanchored
    assert boilerplate._first_match("aa", candidates) is first
    assert boilerplate._first_match("ab", candidates) is None


def test_endings_with_groups_are_not_joined_their_patterns_run_alone() -> None:
    """Joined, the second one's \\1 would mean the first one's group."""
    doubled = _pattern("doubled", r"(\w)\1$", needs_ending=r"(\w)\1$")
    repeated = _pattern("repeated", r"(\d)-\1$", needs_ending=r"(\d)-\1$")
    plain = _pattern("plain", r"\s\.$", needs_ending=r"\s\.$")
    candidates = Candidates.of((plain, doubled, repeated))
    assert candidates.alone == (doubled, repeated)
    assert candidates.ending is not None and candidates.ending.pattern == r"(?:(?:\s\.$))"
    assert boilerplate._first_match("a bb", candidates) is doubled
    assert boilerplate._first_match("a 1-1", candidates) is repeated
    assert boilerplate._first_match("a b .", candidates) is plain
    assert boilerplate._first_match("a 1-2", candidates) is None


def test_the_first_pattern_in_file_order_wins_not_the_leftmost_match() -> None:
    unanchored, joined = _pattern("unanchored", r"b$"), _pattern("joined", r"^a", re.IGNORECASE)
    candidates = Candidates.of((unanchored, joined))
    assert candidates.alone == (unanchored,)
    assert boilerplate._first_match("ab", candidates) is unanchored  # the alternation: "a"
    assert boilerplate._first_match("Ac", candidates) is joined


@pytest.mark.parametrize(
    ("regex", "flags", "anchored"),
    [
        (r"^a|^b", 0, True),
        (r"^(?:a|b)", 0, True),
        (r"^a|b", 0, False),  # the second branch matches anywhere
        (r"^[|]a|^b", 0, True),
        (r"^[]|]|b", 0, False),  # "]" first in a class is a literal
        (r"^[^]|]|b", 0, False),
        (r"^\||b", 0, False),
        (r"^a\\|b", 0, False),
        (r"(?:^a)", 0, False),  # unsure: not joined, still correct
        (r"a^", 0, False),
        (r"^a", re.MULTILINE, False),  # "^" also after a newline
        (r"(?m)^a", 0, False),
        (r"^a", re.IGNORECASE, True),
        (r"^a # |b", re.VERBOSE, False),
    ],
)
def test_start_anchored(regex: str, flags: int, anchored: bool) -> None:
    assert regex_join.start_anchored(re.compile(regex, flags)) is anchored


def test_a_scoped_ignorecase_keeps_its_meaning_in_an_alternation() -> None:
    joined = regex_join.alternation(
        [regex_join.scoped(re.compile("^ab", re.IGNORECASE)), regex_join.scoped(re.compile("^c"))],
        "^",
    )
    assert joined is not None
    assert [bool(joined.search(t)) for t in ("AB", "c", "C", "xab")] == [True, True, False, False]


@pytest.mark.parametrize(
    ("regex", "flags", "expected"),
    [
        (r"\s\.$", 0, True),
        (r"(?i:ab)$", 0, True),
        (r"ab$", re.IGNORECASE, True),
        (r"(\w)\1$", 0, False),
        (r"(?P<x>a)$", 0, False),
        (r"(?i)ab$", 0, False),  # "(?i)" inside a group is an error
        (r"ab$", re.MULTILINE, False),
    ],
)
def test_joinable(regex: str, flags: int, expected: bool) -> None:
    assert regex_join.joinable(re.compile(regex, flags)) is expected


def test_an_ending_with_its_own_flags_is_not_joined() -> None:
    flagged = _pattern("flagged", r"X$", re.IGNORECASE, needs_ending=r"(?i)x$")
    candidates = Candidates.of((_pattern("plain", r"\s\.$", needs_ending=r"\s\.$"), flagged))
    assert candidates.alone == (flagged,)
    assert boilerplate._first_match("a x", candidates) is flagged
