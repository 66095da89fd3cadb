"""A cheap language check: is this text English enough for the English rules?

The share of very common English function words is high in any English prose (~30 %)
and near zero in other languages, so no model is needed to tell them apart.
"""

from __future__ import annotations

from api.pipeline.contract import words

_ENGLISH_FUNCTION_WORDS = frozenset(
    "the of and to in a is that for on was with as by at from it he she they his her "
    "their its be are were has have had not but or this which who will would said an "
    "been after also than".split()
)
_MIN_WORDS = 8  # below this the ratio is noise: assume English rather than refuse
_MIN_RATIO = 0.12
# Headlines are telegraphic ("Islamic State training pilots to fly MiG fighter planes, says
# monitoring group": 1 function word in 12), so short texts need only a trace of English.
_SHORT_TEXT_WORDS = 25
_SHORT_TEXT_RATIO = 0.05


def english_ratio(text: str) -> float:
    tokens = words(text)
    if not tokens:
        return 0.0
    return sum(token in _ENGLISH_FUNCTION_WORDS for token in tokens) / len(tokens)


def looks_english(text: str) -> bool:
    count = len(words(text))
    if count < _MIN_WORDS:
        return True
    threshold = _SHORT_TEXT_RATIO if count < _SHORT_TEXT_WORDS else _MIN_RATIO
    return english_ratio(text) >= threshold


def is_english_code(code: str | None) -> bool:
    """True for None (default: the article's language) and any English tag (en, en-GB)."""
    return code is None or code.lower().split("-")[0].split("_")[0] in {"en", "eng", "english"}
