"""English Snowball stems, safe to take from any thread.

A snowballstemmer stemmer keeps the word it is stemming in the instance, so one stemmer
shared by threads (the engine's thread runner, `eval run --concurrency`) returns other
words' stems or raises IndexError. Each thread gets a stemmer of its own.
"""

from __future__ import annotations

import threading

import snowballstemmer

_per_thread = threading.local()


def snowball_stem(word: str) -> str:
    stemmer = getattr(_per_thread, "stemmer", None)
    if stemmer is None:
        stemmer = _per_thread.stemmer = snowballstemmer.stemmer("english")
    return str(stemmer.stemWord(word))
