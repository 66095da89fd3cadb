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
_FIRST_PERSON = re.compile(r"\bI\b(?!\.)|\b(?:my|me)\b")


def first_person(text: str) -> bool:
    """The author speaks as "I" outside quotes: an opinion column, not wire copy."""
    return bool(_FIRST_PERSON.search(_QUOTED.sub(" ", text)))


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
    return len(stripped.split()) <= _SHORT_LINE_WORDS


def match_line(line: str, *, in_first_person: bool = False) -> BoilerplatePattern | None:
    """The first whole-line pattern a short line matches: a credit, a copyright notice."""
    stripped = line.strip()
    if not stripped or not is_short_line(stripped):
        return None
    return _first_match(stripped, _whole_line(in_first_person))


def _first_match(
    stripped: str, candidates: tuple[BoilerplatePattern, ...]
) -> BoilerplatePattern | None:
    folded = _folded(stripped)
    for pattern in candidates:
        checked = pattern.needs or pattern.needs_ending is not None
        if checked and not pattern.admits(stripped, folded):
            continue
        if pattern.regex.search(stripped):
            return pattern
    return None


@cache  # asked for every line and every sentence of every article
def _active(in_first_person: bool) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in patterns() if not (in_first_person and p.kept_in_first_person))


@cache
def _whole_line(in_first_person: bool) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in _active(in_first_person) if p.whole_line)


@cache
def _not_whole_line(in_first_person: bool) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in _active(in_first_person) if not p.whole_line)
