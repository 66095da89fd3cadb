"""The FNC-1 organisers' baseline features, re-implemented from their public description.

Word overlap (Jaccard of the headline's and body's word sets), 15 refuting-word
indicators in the headline, refuting-word polarity of headline and body, and "hand"
features: how many headline tokens, word n-grams (2–6) and character n-grams (2, 4, 8,
16 characters) occur in the body, in its first 255 and 100 characters. Two deliberate
differences from the organisers' code: words are Snowball stems, not WordNet lemmas (no
corpus download at run time), and character n-grams are matched as written (their code
joined each gram's characters with spaces, which made most of those counts zero).
"""

from __future__ import annotations

import re

from api.builtin.claimmodel.text import FNC_REFUTING, STOP_WORDS, stem

_WORD = re.compile(r"\w+", re.UNICODE)
CHAR_SIZES = (2, 8, 4, 16)
WORD_SIZES = (2, 3, 4, 5, 6)
FEATURE_NAMES: tuple[str, ...] = (
    "fnc_overlap",
    *(f"fnc_refute_{w}" for w in FNC_REFUTING),
    "fnc_polarity_head",
    "fnc_polarity_body",
    "fnc_tok_hits",
    "fnc_tok_hits_early",
    "fnc_content_hits",
    "fnc_content_hits_early",
    *(f"fnc_char{n}_{where}" for n in CHAR_SIZES for where in ("all", "255", "100")),
    *(f"fnc_word{n}_{where}" for n in WORD_SIZES for where in ("all", "255")),
)


def clean(text: str) -> str:
    return " ".join(_WORD.findall(text)).lower()


def _stems(cleaned: str) -> list[str]:
    return [stem(w) for w in cleaned.split()]


def _polarity(stems: list[str], refuting: frozenset[str]) -> float:  # odd count -> 1
    return float(sum(s in refuting for s in stems) % 2)


def fnc_features(headline: str, body: str) -> list[float]:
    """The 44 baseline features of one headline–body pair, in FEATURE_NAMES order."""
    head, text = clean(headline), clean(body)
    head_stems, body_stems = _stems(head), _stems(text)
    overlap = len(set(head_stems) & set(body_stems)) / max(
        1, len(set(head_stems) | set(body_stems))
    )
    refuting_stems = frozenset(stem(w) for w in FNC_REFUTING)
    head_set = set(head_stems)
    features = [overlap]
    features += [float(stem(w) in head_set) for w in FNC_REFUTING]
    features += [_polarity(head_stems, refuting_stems), _polarity(body_stems, refuting_stems)]
    features += _token_hits(head, text)
    features += _gram_hits(head, text)
    return features


def _token_hits(head: str, text: str) -> list[float]:
    early = text[:255]
    tokens = head.split()
    content = [t for t in tokens if t not in STOP_WORDS]
    return [
        float(sum(t in text for t in tokens)),
        float(sum(t in early for t in tokens)),
        float(sum(t in text for t in content)),
        float(sum(t in early for t in content)),
    ]


def _gram_hits(head: str, text: str) -> list[float]:
    content = " ".join(t for t in head.split() if t not in STOP_WORDS)
    parts = (text, text[:255], text[:100])
    features: list[float] = []
    for n in CHAR_SIZES:
        grams = [content[i : i + n] for i in range(len(content) - n + 1)]
        features += _hits(grams, parts)
    words = head.split()
    for n in WORD_SIZES:
        grams = [" ".join(words[i : i + n]) for i in range(len(words) - n + 1)]
        features += _hits(grams, parts[:2])
    return features


def _hits(grams: list[str], prefixes: tuple[str, ...]) -> list[float]:
    """How many grams occur in each of the text's ever shorter prefixes: a gram missing
    from a prefix is missing from the shorter ones too, so only the hits are searched on."""
    counts = []
    for part in prefixes:
        grams = [g for g in grams if g in part]
        counts.append(float(len(grams)))
    return counts


__all__ = ["FEATURE_NAMES", "clean", "fnc_features"]
