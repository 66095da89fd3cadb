"""Is this text English enough for the English rules? Language identification by py3langid.

py3langid (a maintained fork of langid.py: naive Bayes over byte n-grams, 140 languages,
numpy only) gives P(English). A text is taken as non-English only when that probability is
below 1 % and few English function words back it up: headlines are telegraphic and full of
names ("Kanye Banned", "Secret Service Lied About White House Fence Jumper"), and calling
English non-English costs the caller every assessment, while the reverse costs only an
empty answer. Measured (scripts/measure_reading.py): 2 of 2,071 Emergent headlines flagged,
both really French; 462 of 484 non-English example sentences that spaCy ships for 66
languages detected (the misses are 1-5 words long: "Wo bist du?", "Kde si?").
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

from api.pipeline.contract import words

_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on was with as by at from it he she they his her "
    "their its be are were has have had not but or this which who will would said an "
    "been after also than".split()
)
_MIN_WORDS = 3  # "Ghost Ship", "Crabzilla": too short for anyone to tell ...
_MIN_CHARS = 20  # ... unless written without spaces (Japanese, Chinese)
_MAX_P_ENGLISH = 0.01  # below this the model is sure it is not English
_ENGLISH_RATIO = 0.25  # English prose has ~30 % function words; "Was ist die ..." 17 %
_load_lock = threading.Lock()


def english_ratio(text: str) -> float:
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(token in _ENGLISH_FUNCTION_WORDS for token in tokens) / len(tokens)


@cache
def _identifier() -> Any:
    """The model (~2 s to load on a busy core): once per process, on first use."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    with _load_lock:
        return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect(text: str) -> tuple[str, float]:
    """The most likely language code and P(English)."""
    ranked: list[tuple[str, float]] = _identifier().rank(text)
    return ranked[0][0], dict(ranked).get("en", 0.0)


def looks_english(text: str) -> bool:
    if len(words(text)) < _MIN_WORDS and len(text.strip()) < _MIN_CHARS:
        return True
    if english_ratio(text) >= _ENGLISH_RATIO:
        return True  # decided without the model: loading it costs ~0.3 s of a CLI run
    _, p_english = detect(text)
    return p_english >= _MAX_P_ENGLISH


def warm_up() -> None:
    _identifier()


def is_english_code(code: str | None) -> bool:
    """True for None (default: the article's language) and any English tag (en, en-GB)."""
    return code is None or code.lower().split("-")[0].split("_")[0] in {"en", "eng", "english"}
