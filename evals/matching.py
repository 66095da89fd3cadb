"""Tolerant matching of names and phrases: what "the same actor" and "mentions" mean in evals.

Names are compared after normalisation (case, accents, possessives, punctuation and a
leading article dropped), as word sequences: "South Korea's spy agency" contains
"South Korea", but "Koreans" does not contain "Korea".

Keywords (claims, stance targets, summary facts) match whole words compared by their
Snowball stem, so "troops" matches "troop" and "denies" matches "denied", but "lead" never
matches "misleading". A trailing `*` makes the last word a prefix: "falsif*" matches
"falsified" and "falsification".
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from functools import lru_cache

from api.stemming import snowball_stem
from evals.case_model import ExpectedActor
from schemas.analysis import Actor

_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_POSSESSIVE = re.compile(r"(?<=\w)['’]s?\b", re.UNICODE)
_LEADING_ARTICLES = {"the", "a", "an"}
PREFIX_MARK = "*"


def fold(text: str) -> str:
    """Lower-case, accents stripped, curly quotes straightened, possessive endings dropped."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return _POSSESSIVE.sub("", plain.replace("’", "'"))


def name_words(name: str) -> tuple[str, ...]:
    """A name as normalised words, without a leading "the"/"a"/"an"."""
    found = _WORD.findall(fold(name))
    while found and found[0] in _LEADING_ARTICLES:
        found = found[1:]
    return tuple(found)


def contains_words(haystack: Sequence[str], needle: Sequence[str]) -> bool:
    """True when `needle` occurs in `haystack` as a contiguous run of whole words."""
    n = len(needle)
    if n == 0:
        return False
    return any(tuple(haystack[i : i + n]) == tuple(needle) for i in range(len(haystack) - n + 1))


@lru_cache(maxsize=16384)
def stem(word: str) -> str:
    """The Snowball (English) stem of a folded word: "troops" -> "troop"."""
    return snowball_stem(word)


@lru_cache(maxsize=4096)
def _stems(text: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    found = tuple(_WORD.findall(fold(text)))
    return found, tuple(stem(w) for w in found)


def phrase_in(text: str, phrase: str) -> bool:
    """Whether `phrase` occurs in `text` as whole words, compared by stem (see module doc)."""
    prefix = phrase.rstrip().endswith(PREFIX_MARK)
    wanted = _WORD.findall(fold(phrase))
    if not wanted:
        return False
    words, stems = _stems(text)
    head = [stem(w) for w in (wanted[:-1] if prefix else wanted)]
    n = len(wanted)
    for i in range(len(words) - n + 1):
        if list(stems[i : i + len(head)]) != head:
            continue
        if not prefix or words[i + n - 1].startswith(wanted[-1]):
            return True
    return False


def output_names(actor: Actor) -> list[str]:
    return [actor.name, *actor.aliases]


def names_match(output: Iterable[str], expected: Iterable[str]) -> bool:
    """An output name matches when it equals or contains, as words, any expected name."""
    wanted = [w for w in (name_words(e) for e in expected) if w]
    return any(
        contains_words(have, want) for have in (name_words(o) for o in output) for want in wanted
    )


def actor_matches(actor: Actor, expected: ExpectedActor) -> bool:
    return names_match(output_names(actor), expected.names())


def max_matching(n_left: int, n_right: int, edge: Callable[[int, int], bool]) -> dict[int, int]:
    """Maximum one-to-one matching (left index -> right index) by augmenting paths.

    Sizes are tens of actors, so the simple O(V·E) algorithm is plenty.
    """
    owner: dict[int, int] = {}  # right -> left
    adjacency = [[r for r in range(n_right) if edge(left, r)] for left in range(n_left)]

    def augment(left: int, seen: set[int]) -> bool:
        for right in adjacency[left]:
            if right in seen:
                continue
            seen.add(right)
            if right not in owner or augment(owner[right], seen):
                owner[right] = left
                return True
        return False

    for left in range(n_left):
        augment(left, set())
    return {left: right for right, left in owner.items()}


def find_expected_actor(name: str, expected: Sequence[ExpectedActor]) -> ExpectedActor | None:
    """The expected actor that `name` (a name or alias from the case file) refers to."""
    key = name.casefold()
    return next((a for a in expected if key in {n.casefold() for n in a.names()}), None)


def ids_matching(actors: Sequence[Actor], expected: ExpectedActor) -> set[str]:
    """Ids of every output actor that could be `expected` (duplicates included)."""
    return {a.id for a in actors if actor_matches(a, expected)}
