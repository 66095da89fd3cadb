"""Which of an article's actor names a sentence may hold, found without trying each name.

Later mentions of actors are searched by name in every sentence; trying every name of every
actor on every sentence made long articles quadratic (sentences x names).
"""

from __future__ import annotations

import re
from typing import Generic, TypeVar

Holder = TypeVar("Holder")  # whatever a name belongs to (an actor record)

_WORD = re.compile(r"\w+")


class NameIndex(Generic[Holder]):
    """The names a sentence may contain, in table order, without trying every name on every
    sentence (sentences x names: 32 s of 58 for 11,000 one-word paragraphs). A name that
    matches starts with its first word, so a sentence without that word cannot hold it.
    Names outside ASCII, and sentences with a word outside ASCII (case folding differs there:
    the Kelvin sign matches "k"), are always tried."""

    def __init__(self, names: list[tuple[Holder, str]]) -> None:
        self.names = names
        self.patterns: dict[str, re.Pattern[str]] = {}
        self.by_first_word: dict[str, list[int]] = {}
        self.always: list[int] = []
        for i, (_, name) in enumerate(names):
            first = _WORD.match(name.lower())
            if name.isascii() and first is not None:
                self.by_first_word.setdefault(first.group(), []).append(i)
            else:
                self.always.append(i)

    def pattern(self, name: str) -> re.Pattern[str]:
        """Compiled once per article (more names than re's own cache holds thrashed it)."""
        if name not in self.patterns:
            self.patterns[name] = name_pattern(name)
        return self.patterns[name]

    def candidates(self, text: str) -> list[tuple[Holder, str]]:
        words = _WORD.findall(text)
        if not all(word.isascii() for word in words):
            return self.names  # curly quotes and dashes are no words: they do not count
        found = set(self.always)
        for word in {word.lower() for word in words}:
            found.update(self.by_first_word.get(word, ()))
        return [self.names[i] for i in sorted(found)]


def name_pattern(name: str) -> re.Pattern[str]:
    escaped = re.sub("['’]", "['’]", re.escape(name))
    return re.compile(rf"(?<!\w){escaped}(?!\w)", re.IGNORECASE)
