"""Boilerplate: credits, bylines, captions and link lines, recognised by patterns kept as data.

The patterns live in boilerplate.yaml (one entry per kind of line, each with the real line
it was written for), so adding one is a data change plus its test. A match is skipped by
article preparation: never analysed, never summarised, reported in coverage with its reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from api.pipeline import regex_join

PATTERNS_PATH = Path(__file__).with_name("boilerplate.yaml")


@dataclass(frozen=True)
class BoilerplatePattern:
    name: str
    reason: str
    regex: re.Pattern[str]
    example: str
    source: str
    whole_line: bool = True
    kept_in_first_person: bool = False
    # Cheap pre-checks that hold wherever the regex matches a stripped text: one of `needs`
    # occurs in it (lowercased if the regex ignores case), `needs_ending` matches in its
    # last characters. Most sentences fail them, and the regex is not run (issue 18).
    needs: tuple[str, ...] = ()
    needs_ending: re.Pattern[str] | None = None
    ignorecase: bool = False  # how `regex` was compiled (its flags are slow to ask)

    def admits(self, text: str, folded: str | None) -> bool:
        """False only where the regex cannot match `text` (stripped; `folded`: _folded)."""
        if self.needs:
            haystack = folded if self.ignorecase else text
            if haystack is not None and not _contains_any(haystack, self.needs):
                return False
        ending = self.needs_ending
        return ending is None or ending.search(text, max(0, len(text) - _ENDING_CHARS)) is not None


def _contains_any(text: str, needs: tuple[str, ...]) -> bool:
    for need in needs:  # noqa: SIM110  # a loop: any() over a generator costs more
        if need in text:
            return True
    return False


# How far from the end a pattern's `needs_ending` is looked for.
_ENDING_CHARS = 8
# The characters re.IGNORECASE matches to an ASCII letter that str.lower() does not turn
# into that letter (found over every code point): with one of them in a text, the
# lowercased keywords of `needs` would not be a safe pre-check, so the regex decides.
_FOLDS_ODDLY = ("İ", "ı", "ſ")


def _folded(text: str) -> str | None:
    """`text` lowercased for the `needs` of ignore-case patterns, None where unsafe."""
    return None if _contains_any(text, _FOLDS_ODDLY) else text.lower()


@cache
def patterns() -> tuple[BoilerplatePattern, ...]:
    data = yaml.safe_load(PATTERNS_PATH.read_text(encoding="utf-8"))
    return tuple(
        BoilerplatePattern(
            name=entry["name"],
            reason=entry["reason"],
            regex=re.compile(entry["regex"], re.IGNORECASE if entry.get("ignorecase") else 0),
            ignorecase=entry.get("ignorecase", False),
            example=entry["example"],
            source=entry["source"],
            whole_line=entry.get("whole_line", True),
            kept_in_first_person=entry.get("kept_in_first_person", False),
            needs=tuple(entry.get("needs", ())),
            needs_ending=re.compile(entry["needs_ending"]) if "needs_ending" in entry else None,
        )
        for entry in data["patterns"]
    )


_QUOTED = re.compile(r"“[^”]*”|\"[^\"]*\"")
# "I" (not "I." as in "World War I.") or "my"/"me", as words: `\bI\b(?!\.)|\b(?:my|me)\b`
# written to start with a letter, so that re looks for that letter in C instead of trying
# the pattern at every position (~12x faster on an article); the lookbehind is the leading
# `\b` (no word character before the word).
_FIRST_PERSON = (re.compile(r"I(?<!\wI)(?![\w.])"), re.compile(r"m[ye](?<!\wm[ye])(?!\w)"))


def first_person(text: str) -> bool:
    """The author speaks as "I" outside quotes: an opinion column, not wire copy."""
    # Removing the quotes cannot make a match: a match in the stripped text is one in
    # `text` too, since the quote marks and the space put in their place are all non-word
    # characters and none is "." (all the regexes look at around a word). So `text` is
    # searched first, and the quotes are stripped only where it has a match (issue 18).
    return _says_i(text) and _says_i(_QUOTED.sub(" ", text))


def _says_i(text: str) -> bool:
    i, me = _FIRST_PERSON
    return i.search(text) is not None or me.search(text) is not None


# A longer line is prose: it is split into sentences and each one is checked on its own.
_SHORT_LINE_WORDS = 60


def match(
    text: str, *, in_first_person: bool = False, line_checked: bool = False
) -> BoilerplatePattern | None:
    """The first pattern a sentence matches (stripped), or None. `line_checked`: the
    sentence is a whole line match_line found nothing on, so only the patterns that are not
    whole-line ones can match (they run once, not twice, on a one-sentence line)."""
    stripped = text.strip()
    if not stripped:
        return None
    if line_checked:
        return _first_match(stripped, _not_whole_line(in_first_person))
    return _first_match(stripped, _active(in_first_person))


def is_short_line(stripped: str) -> bool:
    """Short enough for the whole-line patterns (match_line)."""
    # n characters hold at most (n + 1) // 2 words; past that, splitting stops at the first
    # word too many (a paragraph is not split whole, issue 18)
    if len(stripped) <= 2 * _SHORT_LINE_WORDS:
        return True
    return len(stripped.split(maxsplit=_SHORT_LINE_WORDS)) <= _SHORT_LINE_WORDS


def match_line(line: str, *, in_first_person: bool = False) -> BoilerplatePattern | None:
    """The first whole-line pattern a short line matches: a credit, a copyright notice."""
    stripped = line.strip()
    if not stripped or not is_short_line(stripped):
        return None
    return match_short_line(stripped, in_first_person=in_first_person)


def match_short_line(stripped: str, *, in_first_person: bool = False) -> BoilerplatePattern | None:
    """match_line for a line already stripped, not empty and short (is_short_line)."""
    return _first_match(stripped, _whole_line(in_first_person))


def _first_match(stripped: str, candidates: Candidates) -> BoilerplatePattern | None:
    if not candidates.may_match(stripped):
        return None
    folded = _folded(stripped)
    for pattern in candidates.patterns:
        checked = pattern.needs or pattern.needs_ending is not None
        if checked and not pattern.admits(stripped, folded):
            continue
        if pattern.regex.search(stripped):
            return pattern
    return None


@dataclass(frozen=True)
class Candidates:
    """Patterns tried in file order, behind a screen that answers "none of them" for most
    sentences in a few C calls instead of a Python step per pattern (issue 18).

    The screen (may_match) is False only where no pattern's regex matches: the
    start-anchored patterns as one `^(?:...|...)` alternation, the pre-checked patterns'
    `needs` and `needs_ending` gathered into one check of each kind, the rest run on their
    own. Where it passes, the ordered loop decides: an alternation would give the leftmost
    match, not the first pattern in file order."""

    patterns: tuple[BoilerplatePattern, ...]
    start: re.Pattern[str] | None  # the start-anchored ones without a pre-check
    alone: tuple[BoilerplatePattern, ...]  # the others without one (groups would renumber)
    needs_folded: tuple[str, ...]  # the `needs` of ignore-case patterns
    needs: tuple[str, ...]  # the `needs` of case-sensitive ones
    ending: re.Pattern[str] | None  # the `needs_ending` of patterns without `needs`

    @classmethod
    def of(cls, patterns: tuple[BoilerplatePattern, ...]) -> Candidates:
        by_needs = [p for p in patterns if p.needs]
        by_ending = [p for p in patterns if not p.needs and _joinable_ending(p)]
        ungated = [p for p in patterns if p not in by_needs and p not in by_ending]
        joined = _joined(ungated)
        return cls(
            patterns=patterns,
            start=regex_join.alternation([regex_join.scoped(p.regex) for p in joined], "^"),
            alone=tuple(p for p in ungated if p not in joined),
            needs_folded=tuple(n for p in by_needs if p.ignorecase for n in p.needs),
            needs=tuple(n for p in by_needs if not p.ignorecase for n in p.needs),
            ending=regex_join.alternation(
                [regex_join.scoped(p.needs_ending) for p in by_ending if p.needs_ending]
            ),
        )

    def may_match(self, stripped: str) -> bool:
        """False only where no pattern's regex matches `stripped`."""
        if self.start is not None and self.start.search(stripped):
            return True
        ending = self.ending
        if ending is not None and ending.search(stripped, max(0, len(stripped) - _ENDING_CHARS)):
            return True
        if self.needs_folded:
            folded = _folded(stripped)
            if folded is None or _contains_any(folded, self.needs_folded):
                return True
        if self.needs and _contains_any(stripped, self.needs):
            return True
        for pattern in self.alone:  # noqa: SIM110  # a loop: any() over a generator costs more
            if pattern.regex.search(stripped):
                return True
        return False


def _joinable_ending(pattern: BoilerplatePattern) -> bool:
    return pattern.needs_ending is not None and regex_join.joinable(pattern.needs_ending)


def _joined(ungated: list[BoilerplatePattern]) -> list[BoilerplatePattern]:
    """The patterns that keep their meaning inside one `^(?:...|...)`: start-anchored, and
    at most one with groups, put first so that its `\\1` still means its own first group
    (table-header's repeated word); another one with groups runs alone."""
    joinable = [p for p in ungated if regex_join.start_anchored(p.regex)]
    grouped = [p for p in joinable if p.regex.groups]
    return grouped[:1] + [p for p in joinable if not p.regex.groups]


@cache  # asked for every line and every sentence of every article
def _active(in_first_person: bool) -> Candidates:
    return Candidates.of(
        tuple(p for p in patterns() if not (in_first_person and p.kept_in_first_person))
    )


@cache
def _whole_line(in_first_person: bool) -> Candidates:
    return Candidates.of(tuple(p for p in _active(in_first_person).patterns if p.whole_line))


@cache
def _not_whole_line(in_first_person: bool) -> Candidates:
    return Candidates.of(tuple(p for p in _active(in_first_person).patterns if not p.whole_line))
