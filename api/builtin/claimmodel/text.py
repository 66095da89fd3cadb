"""Plain-text analysis for the claim model: a regex tokenizer, a Snowball stemmer, cue lexicons.

No spaCy here on purpose: the claim model must cost less than the engine's own parse, so
it reads raw sentences with a regular expression and a cached stemmer (DESIGN §8).
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from api.builtin.claimmodel.stopwords import ENGLISH_STOP_WORDS
from api.stemming import snowball_stem

_TOKEN = re.compile(r"[a-z0-9]+(?:'[a-z]+)?|[?]")
_CAPITALISED = re.compile(r"\b[A-Z][A-Za-z0-9&.\-]*[A-Za-z0-9]|\b[A-Z]\b")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_QUOTE = re.compile(r"[\"“”]")

# Negation words stay content: "not" changes what a sentence does with a claim.
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) - {"not", "no", "never", "nobody", "nothing"}

# The organisers' FNC-1 refuting words, kept verbatim for the re-implemented baseline.
FNC_REFUTING = (
    "fake",
    "fraud",
    "hoax",
    "false",
    "deny",
    "denies",
    "not",
    "despite",
    "nope",
    "doubt",
    "doubts",
    "bogus",
    "debunk",
    "pranks",
    "retract",
)

# Cue lexicons, as stems. Each names one thing a sentence can do with a claim.
CUES: dict[str, frozenset[str]] = {
    "negation": frozenset("not no never n't nobodi noth none neither nor without cannot".split()),
    "refute": frozenset(
        "fake fraud hoax fals deni debunk bogus untru myth rumor rumour fabric satir retract "
        "refut dismiss reject prank spoof misl mislead baseless unfound nonsens lie lie "
        "incorrect wrong inaccur erron photoshop doctor parodi joke scam contradict disprov "
        "dispel".split()
    ),
    "hedge": frozenset(
        "may might could possibl reportedly report alleg claim rumor rumour unconfirm "
        "unverifi appar appear suggest seem whether if perhap purport suspect believ "
        "specul tip expect plan consid probe investig ?".split()
    ),
    "confirm": frozenset(
        "confirm offici announc verifi prove proven indeed actual truth true admit "
        "acknowledg".split()
    ),
    "report": frozenset(
        "said say says told tell accord state statement spokesman spokeswoman spokesperson "
        "quot announc wrote tweet post".split()
    ),
}


def normalise(text: str) -> str:
    """Lower-case ASCII: accents stripped, curly quotes straightened."""
    text = text.replace("’", "'").replace("‘", "'")
    if not text.isascii():
        decomposed = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
    return text.lower()


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    if word.endswith("n't"):
        return "n't"
    base = word[:-2] if word.endswith("'s") else word
    return snowball_stem(base)


@dataclass(frozen=True)
class Tokens:
    """One text read once: its stems in order, its content stems, names and numbers."""

    stems: tuple[str, ...]
    content: tuple[str, ...]
    names: frozenset[str]
    numbers: frozenset[str]
    quoted: bool
    cues: frozenset[str]  # names of the CUES lexicons with a word here

    @property
    def content_set(self) -> frozenset[str]:
        return frozenset(self.content)


@lru_cache(maxsize=16384)
def read(text: str) -> Tokens:
    words = _TOKEN.findall(normalise(text))
    stems = tuple(stem(w) for w in words)
    content = tuple(s for w, s in zip(words, stems, strict=True) if _is_content(w))
    numbers = frozenset(_NUMBER.findall(text))
    cues = frozenset(c for c, lexicon in CUES.items() if not lexicon.isdisjoint(stems))
    return Tokens(stems, content, names_in(text), numbers, bool(_QUOTE.search(text)), cues)


def _is_content(word: str) -> bool:
    return word not in STOP_WORDS and (len(word) > 2 or word.isdigit()) and word != "?"


def names_in(text: str) -> frozenset[str]:
    """Stems of capitalised words that are not sentence-initial function words: names."""
    found = set()
    for match in _CAPITALISED.finditer(text):
        word = normalise(match.group()).strip(".")
        if word and word not in STOP_WORDS and len(word) > 1:
            found.add(stem(word))
    return frozenset(found)


_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'\-]*")
PROPER_SHARE = 0.6  # of a word's mid-sentence uses that are capitalised: a name
PROPER_MIN = 2


def proper_stems(sentences: Iterable[str]) -> frozenset[str]:
    """Stems written mostly capitalised when they are not a sentence's first word.

    Title-case headlines capitalise every word, so a capital letter alone does not make a
    name ("Report", "Claims"); how article bodies write the word does (text only, no
    labels, like the IDF)."""
    upper: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for sentence in sentences:
        for word in _WORD.findall(sentence)[1:]:
            key = stem(normalise(word))
            (upper if word[0].isupper() else lower)[key] += 1
    return frozenset(
        s for s, n in upper.items() if n >= PROPER_MIN and n >= PROPER_SHARE * (n + lower[s])
    )


def cue_positions(stems: tuple[str, ...], cue: str) -> list[int]:
    lexicon = CUES[cue]
    return [i for i, s in enumerate(stems) if s in lexicon]


__all__ = [
    "CUES",
    "FNC_REFUTING",
    "STOP_WORDS",
    "Tokens",
    "cue_positions",
    "names_in",
    "normalise",
    "proper_stems",
    "read",
    "stem",
]
