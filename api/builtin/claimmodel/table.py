"""Feature tables: every training pair read once and turned into one feature row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from api.builtin.claimmodel.data import Corpus, Pair
from api.builtin.claimmodel.features import (
    ARTICLE_NAMES,
    FEATURES_VERSION,
    Idf,
    pair_features_and_text,
)
from api.builtin.claimmodel.text import Tokens, proper_stems, read


@dataclass
class Table:
    pairs: list[Pair]
    X: np.ndarray
    texts: np.ndarray  # evidence text (stems) per pair, for the bag-of-words stance model
    claim_groups: np.ndarray
    article_groups: np.ndarray

    def select(self, mask: np.ndarray) -> Table:
        return Table(
            [p for p, keep in zip(self.pairs, mask, strict=True) if keep],
            self.X[mask],
            self.texts[mask],
            self.claim_groups[mask],
            self.article_groups[mask],
        )

    def labels(self) -> np.ndarray:
        return np.array([p.label for p in self.pairs])

    def sources(self) -> np.ndarray:
        return np.array([p.source for p in self.pairs])


def fit_idf(corpus: Corpus, keep_groups: set[str]) -> Idf:
    """IDF over the bodies and distinct claims of the kept groups, and the names among
    their stems (how the bodies capitalise them; headlines are title case): text only,
    no labels."""
    kept = sorted(key for key in corpus.bodies if corpus.groups[key] in keep_groups)
    docs = [read(corpus.bodies[key]).content_set for key in kept]
    claims = {p.claim for p in corpus.pairs if corpus.claim_group(p) in keep_groups}
    idf = Idf.fit(docs + [read(c).content_set for c in sorted(claims)])
    body_sentences = (s for key in kept if key.startswith("fnc:") for s in corpus.articles[key])
    return Idf(idf.weights, idf.unseen, proper_stems(body_sentences))


def build_table(
    corpus: Corpus, pairs: Sequence[Pair], idf: Idf, cache: Path | None = None
) -> Table:
    key = _cache_key(pairs, idf)
    path = cache / f"features-{key}.npz" if cache else None
    if path is not None and path.exists():
        with np.load(path, allow_pickle=False) as stored:
            X, texts = stored["X"], stored["texts"]
    else:
        X, texts = _featurize(corpus, pairs, idf)
        if path is not None:
            path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(path, X=X, texts=texts)
    claim_groups = np.array([corpus.claim_group(p) for p in pairs])
    article_groups = np.array([corpus.article_group(p) for p in pairs])
    return Table(list(pairs), X, texts, claim_groups, article_groups)


def _featurize(corpus: Corpus, pairs: Sequence[Pair], idf: Idf) -> tuple[np.ndarray, np.ndarray]:
    tokens: dict[str, list[Tokens]] = {}
    X = np.zeros((len(pairs), len(ARTICLE_NAMES)))
    evidence = []
    for i, pair in enumerate(pairs):
        texts = corpus.articles[pair.article]
        if pair.article not in tokens:
            tokens[pair.article] = [read.__wrapped__(s) for s in texts]
        X[i], text = pair_features_and_text(pair.claim, tokens[pair.article], texts, idf)
        evidence.append(text)
    return X, np.array(evidence, dtype=str)


def _cache_key(pairs: Sequence[Pair], idf: Idf) -> str:
    digest = hashlib.sha256(FEATURES_VERSION.encode())
    for p in pairs:
        digest.update(f"{p.claim}\x00{p.article}\x00".encode())
    digest.update(json.dumps(sorted(idf.weights.items())).encode())
    digest.update(json.dumps([sorted(idf.proper), ARTICLE_NAMES]).encode())
    return digest.hexdigest()[:16]


__all__ = ["FEATURES_VERSION", "Table", "build_table", "fit_idf"]
