"""Regression: one snowballstemmer shared by threads returned other words' stems or raised
IndexError (the built-in engine runs in threads; a golden case's confidence changed under
`eval run --concurrency`)."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import snowballstemmer

from api.builtin.claimmodel.text import stem
from api.stemming import snowball_stem

WORDS = [
    f"{word}{i}"
    for i in range(400)
    for word in "denied reporting troops generously nationalization happiness relational".split()
]


def test_stems_from_many_threads_match_one_thread() -> None:
    alone = snowballstemmer.stemmer("english")
    expected = [alone.stemWord(w) for w in WORDS]
    chunks = [WORDS[i::8] for i in range(8)]
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda chunk: [snowball_stem(w) for w in chunk], chunks))
    got = {
        w: s
        for chunk, stems in zip(chunks, results, strict=True)
        for w, s in zip(chunk, stems, strict=True)
    }
    assert [got[w] for w in WORDS] == expected


def test_the_claim_model_stems_through_it() -> None:
    stem.cache_clear()
    assert stem("denied") == snowball_stem("denied") == "deni"
