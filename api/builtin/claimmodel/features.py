"""Features of a claim against an article's sentences: per sentence, then per article.

Per sentence: how much of the claim it covers (IDF-weighted stems, bigrams, names,
numbers), which cues it carries (negation, refutation, hedge, confirmation, reporting)
and whether a cue sits within a few words of a matched claim word (its scope), a
question mark, a quote, its position. Per article: the best and top-3 coverage, what of
the claim the whole article never mentions (a missing name is the strongest sign the
article is about another event), the claim's participants (its names, as article bodies
write them) found in the article, its lead and its best sentence, cue rates weighted by
relevance, and the organisers' FNC-1 features. Everything reads plain text
(api.builtin.claimmodel.text): no parse.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from api.builtin.claimmodel.fnc_features import FEATURE_NAMES as FNC_NAMES
from api.builtin.claimmodel.fnc_features import fnc_features
from api.builtin.claimmodel.text import CUES, Tokens, read

# Bump when features change: cached training tables and the exported model are keyed by it.
FEATURES_VERSION = "f3"
SCOPE = 6  # a cue this many tokens from a matched claim word is about the claim
TOP_K = 3
CUE_NAMES = tuple(CUES)
SENTENCE_NAMES: tuple[str, ...] = (
    "cov",
    "jaccard",
    "bigram_cov",
    "name_cov",
    "number_cov",
    *(f"has_{c}" for c in CUE_NAMES),
    *(f"scoped_{c}" for c in ("negation", "refute", "hedge", "confirm")),
    "question",
    "quote",
    "position",
    "is_first",
    "length",
)
_AGGREGATED = (
    "has_negation",
    "has_refute",
    "has_hedge",
    "has_confirm",
    "has_report",
    "scoped_negation",
    "scoped_refute",
    "scoped_hedge",
    "scoped_confirm",
    "question",
    "quote",
)
PARTICIPANT_NAMES = (
    "participants",
    "missing_participants",
    "missing_participant_share",
    "missing_participant_idf",
    "lead_participant_cov",
    "best_participant_cov",
)
ARTICLE_NAMES: tuple[str, ...] = (
    "claim_len",
    "claim_names",
    "claim_negated",
    "claim_hedged",
    "claim_refutes",
    "n_sentences",
    "max_cov",
    "top3_cov",
    "first_cov",
    "share_cov50",
    "article_cov",
    "article_name_cov",
    "article_number_cov",
    "missing_names",
    "missing_max_idf",
    "missing_mass",
    "max_bigram_cov",
    "article_bigram_cov",
    "tfidf_cosine",
    "best_position",
    *PARTICIPANT_NAMES,
    *(f"top_{a}" for a in _AGGREGATED),
    *(f"all_{a}" for a in _AGGREGATED),
    *(f"best_{a}" for a in _AGGREGATED),
    *FNC_NAMES,
)
_INDEX = {name: i for i, name in enumerate(SENTENCE_NAMES)}


@dataclass(frozen=True)
class Idf:
    """Inverse document frequencies of stems; unseen stems count as rare. `proper`: the
    stems the same documents write mostly capitalised (text.proper_stems), i.e. names."""

    weights: Mapping[str, float]
    unseen: float
    proper: frozenset[str] = frozenset()

    def __call__(self, stem: str) -> float:
        return self.weights.get(stem, self.unseen)

    @classmethod
    def fit(cls, documents: Sequence[frozenset[str]]) -> Idf:
        counts: dict[str, int] = {}
        for doc in documents:
            for s in doc:
                counts[s] = counts.get(s, 0) + 1
        n = len(documents)
        weights = {s: math.log((1 + n) / (1 + c)) + 1.0 for s, c in counts.items() if c > 1}
        return cls(weights, math.log(1 + n) + 1.0)


def _bigrams(content: tuple[str, ...]) -> set[tuple[str, str]]:
    return set(itertools.pairwise(content))


@dataclass(frozen=True)
class ClaimView:
    tokens: Tokens
    weights: dict[str, float]
    mass: float
    bigrams: set[tuple[str, str]]
    participants: tuple[str, ...]  # who or what the claim is about (participants_of)

    @classmethod
    def of(cls, claim: str, idf: Idf) -> ClaimView:
        tokens = read(claim)
        # Sorted: float sums must not follow set order, which changes with the hash seed
        # of each process (a last-bit difference can cross a tree's threshold).
        weights = {s: idf(s) for s in sorted(tokens.content_set)}
        return cls(
            tokens,
            weights,
            sum(weights.values()) or 1.0,
            _bigrams(tokens.content),
            participants_of(tokens, idf),
        )


def participants_of(tokens: Tokens, idf: Idf) -> tuple[str, ...]:
    """The claim's capitalised content words that are names where articles write them
    (Idf.proper) or that no article uses at all (rare names), sorted. An article that
    mentions none of a claim's participants is rarely about it, whatever else it shares."""
    return tuple(
        sorted(
            s for s in tokens.names & tokens.content_set if s in idf.proper or s not in idf.weights
        )
    )


def sentence_matrix(claim: ClaimView, sentences: Sequence[Tokens]) -> np.ndarray:
    """One row of SENTENCE_NAMES per sentence."""
    n = len(sentences)
    rows = np.zeros((n, len(SENTENCE_NAMES)), dtype=np.float64)
    for i, sent in enumerate(sentences):
        rows[i] = _sentence_row(claim, sent, i, n)
    return rows


def _sentence_row(claim: ClaimView, sent: Tokens, index: int, n: int) -> list[float]:
    have = sent.content_set
    shared = claim.weights.keys() & have
    cov = sum(claim.weights[s] for s in sorted(shared)) / claim.mass
    union = len(claim.weights.keys() | have) or 1
    bigram = len(claim.bigrams & _bigrams(sent.content)) / max(1, len(claim.bigrams))
    names = claim.tokens.names
    name_cov = len(names & have) / len(names) if names else 0.0
    numbers = claim.tokens.numbers
    number_cov = len(numbers & sent.numbers) / len(numbers) if numbers else 0.0
    matched = [i for i, s in enumerate(sent.stems) if s in shared]
    has = [float(c in sent.cues) for c in CUE_NAMES]
    scoped = [
        _scoped(sent.stems, matched, c) if c in sent.cues else 0.0
        for c in ("negation", "refute", "hedge", "confirm")
    ]
    return [
        cov,
        len(shared) / union,
        bigram,
        name_cov,
        number_cov,
        *has,
        *scoped,
        float("?" in sent.stems),
        float(sent.quoted),
        index / max(1, n - 1),
        float(index == 0),
        math.log1p(len(sent.stems)),
    ]


def _scoped(stems: tuple[str, ...], matched: list[int], cue: str) -> float:
    lexicon = CUES[cue]
    return float(
        any(s in lexicon and any(abs(i - m) <= SCOPE for m in matched) for i, s in enumerate(stems))
    )


def article_vector(
    claim_text: str,
    claim: ClaimView,
    sentences: Sequence[Tokens],
    rows: np.ndarray,
    body: str,
    idf: Idf,
) -> np.ndarray:
    """ARTICLE_NAMES for one claim and one article, from its sentence rows."""
    cov = rows[:, _INDEX["cov"]] if len(rows) else np.zeros(1)
    order = np.argsort(-cov, kind="stable")
    top = order[:TOP_K]
    weights = cov[top] / (cov[top].sum() or 1.0)
    have: set[str] = set().union(*(s.content_set for s in sentences)) if sentences else set()
    missing = [s for s in claim.weights if s not in have]
    names = claim.tokens.names
    agg = [_INDEX[a] for a in _AGGREGATED]
    best = rows[order[0], agg] if len(rows) else np.zeros(len(agg))
    features = [
        math.log1p(len(claim.weights)),
        float(len(names)),
        _claim_has(claim, "negation"),
        _claim_has(claim, "hedge"),
        _claim_has(claim, "refute"),
        math.log1p(len(sentences)),
        float(cov.max()),
        float(cov[top].mean()),
        float(cov[0]),
        float((cov >= 0.5).mean()),
        sum(claim.weights[s] for s in claim.weights if s in have) / claim.mass,
        len(names & have) / len(names) if names else 1.0,
        _number_cov(claim, sentences),
        float(len(names - have)),
        max((claim.weights[s] for s in missing), default=0.0),
        sum(claim.weights[s] for s in missing) / claim.mass,
        float(rows[:, _INDEX["bigram_cov"]].max()) if len(rows) else 0.0,
        len(claim.bigrams & set().union(*(_bigrams(s.content) for s in sentences)))
        / max(1, len(claim.bigrams))
        if sentences
        else 0.0,
        _cosine(claim, sentences, idf),
        float(rows[order[0], _INDEX["position"]]) if len(rows) else 0.0,
        *_participant_features(claim, sentences, have, int(order[0]) if len(rows) else 0, idf),
        *(rows[top][:, agg].T @ weights if len(rows) else np.zeros(len(agg))),
        *(rows[:, agg].mean(axis=0) if len(rows) else np.zeros(len(agg))),
        *best,
        *fnc_features(claim_text, body),
    ]
    return np.asarray(features, dtype=np.float64)


LEAD = 3  # sentences: where an article names who its story is about


def _participant_features(
    claim: ClaimView, sentences: Sequence[Tokens], have: set[str], best: int, idf: Idf
) -> list[float]:
    """How many of the claim's participants the article, its lead and its best-covering
    sentence miss (a swapped name or another event's actors)."""
    wanted = claim.participants
    if not wanted:
        return [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]
    missing = [s for s in wanted if s not in have]
    lead: set[str] = set().union(*(s.content_set for s in sentences[:LEAD])) if sentences else set()
    in_best = sentences[best].content_set if sentences else frozenset()
    return [
        float(len(wanted)),
        float(len(missing)),
        len(missing) / len(wanted),
        max((idf(s) for s in missing), default=0.0),
        sum(s in lead for s in wanted) / len(wanted),
        sum(s in in_best for s in wanted) / len(wanted),
    ]


def _claim_has(claim: ClaimView, cue: str) -> float:
    return float(any(s in CUES[cue] for s in claim.tokens.stems))


def _number_cov(claim: ClaimView, sentences: Sequence[Tokens]) -> float:
    numbers = claim.tokens.numbers
    if not numbers:
        return 1.0
    have = set().union(*(s.numbers for s in sentences)) if sentences else set()
    return len(numbers & have) / len(numbers)


def _cosine(claim: ClaimView, sentences: Sequence[Tokens], idf: Idf) -> float:
    counts: dict[str, int] = {}
    for sent in sentences:
        for s in sent.content:
            counts[s] = counts.get(s, 0) + 1
    article = {s: (1 + math.log(c)) * idf(s) for s, c in counts.items()}
    dot = sum(w * article.get(s, 0.0) for s, w in claim.weights.items())
    norm = math.sqrt(sum(w * w for w in claim.weights.values())) * math.sqrt(
        sum(w * w for w in article.values())
    )
    return dot / norm if norm else 0.0


def pair_features_and_text(
    claim: str, sentences: Sequence[Tokens], texts: Sequence[str], idf: Idf
) -> tuple[np.ndarray, str]:
    """ARTICLE_NAMES of a claim against an article given as read sentences and their text,
    and the article's evidence text (evidence_text)."""
    view = ClaimView.of(claim, idf)
    rows = sentence_matrix(view, sentences)
    vector = article_vector(claim, view, sentences, rows, "\n".join(texts), idf)
    return vector, evidence_text(sentences, rows)


def evidence_text(sentences: Sequence[Tokens], rows: np.ndarray) -> str:
    """The stems of what the article says about the claim: its TOP_K most covering
    sentences (and the lead), for the bag-of-words stance classifier."""
    if not len(rows):
        return ""
    cov = rows[:, _INDEX["cov"]]
    chosen = sorted({0, *np.argsort(-cov, kind="stable")[:TOP_K].tolist()})
    return " ".join(s for i in chosen for s in sentences[i].stems)


__all__ = [
    "ARTICLE_NAMES",
    "FEATURES_VERSION",
    "PARTICIPANT_NAMES",
    "SENTENCE_NAMES",
    "ClaimView",
    "Idf",
    "article_vector",
    "evidence_text",
    "pair_features_and_text",
    "participants_of",
    "sentence_matrix",
]
