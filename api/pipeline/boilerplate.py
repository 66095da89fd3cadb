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


@cache
def patterns() -> tuple[BoilerplatePattern, ...]:
    data = yaml.safe_load(PATTERNS_PATH.read_text(encoding="utf-8"))
    return tuple(
        BoilerplatePattern(
            name=entry["name"],
            reason=entry["reason"],
            regex=re.compile(entry["regex"], re.IGNORECASE if entry.get("ignorecase") else 0),
            example=entry["example"],
            source=entry["source"],
            whole_line=entry.get("whole_line", True),
            kept_in_first_person=entry.get("kept_in_first_person", False),
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


def match(text: str, *, in_first_person: bool = False) -> BoilerplatePattern | None:
    """The first pattern a sentence matches (stripped), or None."""
    stripped = text.strip()
    if not stripped:
        return None
    return next((p for p in _active(in_first_person) if p.regex.search(stripped)), None)


def match_line(line: str, *, in_first_person: bool = False) -> BoilerplatePattern | None:
    """The first whole-line pattern a short line matches: a credit, a copyright notice."""
    stripped = line.strip()
    if not stripped or len(stripped.split()) > _SHORT_LINE_WORDS:
        return None
    return next((p for p in _whole_line(in_first_person) if p.regex.search(stripped)), None)


@cache  # asked for every line and every sentence of every article
def _active(in_first_person: bool) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in patterns() if not (in_first_person and p.kept_in_first_person))


@cache
def _whole_line(in_first_person: bool) -> tuple[BoilerplatePattern, ...]:
    return tuple(p for p in _active(in_first_person) if p.whole_line)
