"""Training the second stage of relatedness (api/builtin/relatedness2.py).

    make train-relatedness      # or: python scripts/train_relatedness.py --help

1. The claim model's relatedness is cross-validated grouped by claim exactly as `make
   train --quick` does (same folds, pairs, hard negatives), so every training row gets an
   out-of-fold P(related): a model never judges a row it trained on.
2. Predicate swaps (new hard negatives, scored by the fold models, never trained on by
   them): a training claim whose main verb its own article uses, with that verb replaced
   by the main verb (same tense) of another training claim the article never uses.
   Verbs and articles come from training rows only.
3. A sample of rows of every kind is parsed (spaCy), turned into relatedness2.FEATURES,
   and a logistic regression (the features and their products with stage one's logit:
   a missing verb means more when stage one is unsure) is cross-validated grouped by
   article (a body never on both sides) and fitted on all. The threshold follows the
   claim model's rule (evaluate.choose_threshold: best balanced accuracy of claims against
   their own articles vs hard negatives, keeping ≥ 90 % of the former related), with
   Emergent headlines counted as own articles and predicate swaps as hard negatives; the
   rule was fixed before the near-miss set was measured.

Seeded and one-threaded: the same data gives the same JSON, byte for byte, whatever the
process's hash seed (sums over sets are exact: augment.other_event_pairs uses math.fsum).
"""

from __future__ import annotations

import json
import random
import time
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold
from spacy.tokens import Doc, Token
from threadpoolctl import threadpool_limits

from api.builtin import relatedness as checks
from api.builtin import relatedness2
from api.builtin.claimmodel.crossval import Relatedness, cross_validate, kind_of
from api.builtin.claimmodel.data import Corpus, Pair, claim_key, load_corpus, norm
from api.builtin.claimmodel.evaluate import choose_threshold, relatedness_block
from api.builtin.claimmodel.exclusions import CASES_DIR, NEAR_MISS, all_exclusions
from api.builtin.claimmodel.features import SENTENCE_NAMES, ClaimView, Idf, sentence_matrix
from api.builtin.claimmodel.learners import BoostingParams
from api.builtin.claimmodel.table import build_table, fit_idf
from api.builtin.claimmodel.text import read
from api.builtin.claimmodel.train import hard_negatives, training_pairs
from api.builtin.claims import mentions_claim
from api.builtin.nlp import parse_texts
from api.pipeline.article import prepare_article

SEED = 13
VERSION = "relatedness2-2"
# Rows per kind for the second stage: the parse is the cost (an FNC-1 body is ~20
# sentences), so a sample; every kind the threshold rule reads is in it.
PER_KIND = {
    "fnc1-related": 700,
    "emergent-claim-body": 500,
    "emergent": 1200,
    "name": 500,
    "other": 500,
    "verb": 700,
    "event": 700,
    "fnc1-unrelated": 400,
}
_COV = SENTENCE_NAMES.index("cov")
OWN_KINDS = ("fnc1-related", "emergent-claim-body", "emergent")  # claim vs its own article
HARD_KINDS = ("name", "other", "verb", "event")


@dataclass
class StageRun:
    artifact: dict[str, Any]
    scores: dict[str, Any]
    counts: dict[str, int]
    seconds: float


class Articles:
    """Each article parsed once (its clean sentences, as the engine parses them)."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self.parsed: dict[str, list[Doc]] = {}

    def __call__(self, key: str) -> list[Doc]:
        if key not in self.parsed:
            article = prepare_article(self.corpus.bodies[key])
            self.parsed[key] = parse_texts([s.clean for s in article.sentences])
        return self.parsed[key]


def predicate_swaps(corpus: Corpus, pairs: Sequence[Pair], articles: Articles) -> list[Pair]:
    """Two kinds of hard negatives per training claim, against its own article:
    - "verb": its main verb swapped for another training claim's (same tag, absent from
      the article; the original verb must be in it, so the pair differs from a related
      one only by the act);
    - "event": its subject with another training claim's predicate ("Kettle & Crumb" +
      "is stepping down"), whose verb the article never uses: the same participant in
      another event, what FNC-1's random pairings never show."""
    own: dict[str, Pair] = {}
    for pair in pairs:
        if pair.label != "unrelated" and pair.source in ("fnc1", "emergent"):
            own.setdefault(pair.claim, pair)
    claims = sorted(own)
    docs = dict(zip(claims, parse_texts(claims), strict=True))
    verbs: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for doc in docs.values():
        root = _predicate_root(doc)
        if root is not None:
            verbs[root.tag_].add((root.text.lower(), root.lemma_.lower()))
    predicates = sorted(p for doc in docs.values() if (p := _predicate_phrase(doc)) is not None)
    rng = random.Random(SEED)
    out = []
    for claim in claims:
        article = checks.ArticleWords.of(articles(own[claim].article))
        made = {
            "verb": _swap(claim, docs[claim], article, verbs, rng),
            "event": _other_event(claim, docs[claim], article, predicates, rng),
        }
        for kind, text in made.items():
            if text is not None and norm(text) != norm(claim):
                corpus.groups.setdefault(claim_key(text), corpus.claim_group(own[claim]))
                ref = f"{kind}|{claim}"
                out.append(Pair(text, own[claim].article, "unrelated", "swapped", ref))
    return out


def _predicate_phrase(doc: Doc) -> tuple[str, str] | None:
    """(lemma of the main verb, the claim from its verb phrase on: "is stepping down")."""
    root = _predicate_root(doc)
    subject = (
        next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
    )
    if root is None or subject is None or subject.i > root.i:
        return None
    return root.lemma_.lower(), doc[subject.right_edge.i + 1 :].text


def _other_event(
    claim: str,
    doc: Doc,
    article: checks.ArticleWords,
    predicates: list[tuple[str, str]],
    rng: random.Random,
) -> str | None:
    root = _predicate_root(doc)
    subject = (
        next((c for c in root.children if c.dep_ in ("nsubj", "nsubjpass")), None) if root else None
    )
    if root is None or subject is None or subject.i > root.i:
        return None
    for _ in range(10):  # a predicate whose verb the article never uses
        lemma, phrase = rng.choice(predicates)
        if lemma != root.lemma_.lower() and not checks.predicate_in(lemma, article):
            return f"{doc[subject.left_edge.i : subject.right_edge.i + 1].text} {phrase}"
    return None


def _predicate_root(doc: Doc) -> Token | None:
    """The root of the claim when it is its main predicate (main_predicate)."""
    lemma = checks.main_predicate(doc)
    root = doc[:].root
    return root if lemma is not None and root.lemma_.lower() == lemma else None


def _swap(
    claim: str,
    doc: Doc,
    article: checks.ArticleWords,
    verbs: dict[str, set[tuple[str, str]]],
    rng: random.Random,
) -> str | None:
    root = _predicate_root(doc)
    if root is None or not checks.predicate_in(root.lemma_.lower(), article):
        return None
    forms, _ = checks.predicate_forms(root.lemma_.lower())
    options = sorted(
        text
        for text, lemma in verbs[root.tag_]
        if lemma not in forms
        and not checks.predicate_in(lemma, article)
        and not checks.predicate_in(text, article)
    )
    if not options:
        return None
    made = claim[: root.idx] + rng.choice(options) + claim[root.idx + len(root.text) :]
    return made if norm(made) != norm(claim) else None


def out_of_fold(
    corpus: Corpus, articles: Articles, cases_dir: Path = CASES_DIR,
    near_miss: Path = NEAR_MISS, cache_dir: Path | None = None,
) -> tuple[Relatedness, Idf]:  # fmt: skip
    """Stage one's out-of-fold P(related) on every row (train.py's quick run), with the
    predicate swaps scored by the fold models."""
    exclusions = all_exclusions(corpus, cases_dir, near_miss)
    keep = set(corpus.groups.values()) - exclusions.groups
    pairs = training_pairs(corpus, exclusions)
    idf = fit_idf(corpus, keep)
    swapped = hard_negatives(corpus, pairs, idf, ("name", "other"))
    verbs = predicate_swaps(corpus, pairs, articles)
    table = build_table(corpus, pairs, idf, cache_dir)
    swap_table = build_table(corpus, swapped, idf, cache_dir)
    verb_table = build_table(corpus, verbs, idf, cache_dir)
    oof = cross_validate(
        table, swap_table, BoostingParams(), with_baseline=False, with_stance=False,
        scored_only=verb_table,
    )  # fmt: skip
    return oof.relatedness, idf


def sample_rows(rel: Relatedness) -> list[int]:
    """Up to PER_KIND rows of each kind, seeded, in a fixed order."""
    by_kind: dict[str, list[int]] = defaultdict(list)
    for i, kind in enumerate(rel.kind):
        by_kind[kind].append(i)
    rng = random.Random(SEED)
    chosen: list[int] = []
    for kind in sorted(by_kind):
        rows = by_kind[kind]
        chosen += sorted(rng.sample(rows, min(len(rows), PER_KIND.get(kind, 0))))
    return chosen


def feature_rows(
    articles: Articles, rel: Relatedness, rows: list[int], idf: Idf
) -> tuple[np.ndarray, np.ndarray]:
    """relatedness2.FEATURES of the chosen rows, and whether each passes the names check."""
    claims = sorted({rel.pairs[i].claim for i in rows})
    claim_docs = dict(zip(claims, parse_texts(claims), strict=True))
    X = np.zeros((len(rows), len(relatedness2.FEATURES)))
    named = np.zeros(len(rows), dtype=bool)
    is_name = relatedness2.corpus_names(idf)
    for n, i in enumerate(rows):
        pair = rel.pairs[i]
        docs = articles(pair.article)
        texts = [d.text for d in docs]
        cov = sentence_matrix(ClaimView.of(pair.claim, idf), [read(t) for t in texts])[:, _COV]
        claim = claim_docs[pair.claim]
        rules_match = any(mentions_claim(claim, doc)[0] for doc in docs)  # as caller.py
        X[n] = relatedness2.features(claim, docs, rel.p[i], cov.tolist(), rules_match)
        named[n] = not checks.missing_names(claim, checks._Vocabulary(docs), is_name)
    return X, named


def _subset(rel: Relatedness, rows: list[int], p: np.ndarray) -> Relatedness:
    out = Relatedness()
    out.p = p.tolist()
    out.related = [rel.related[i] for i in rows]
    out.kind = [rel.kind[i] for i in rows]
    return out


def _model() -> LogisticRegression:
    return LogisticRegression(C=1.0, max_iter=2000)


def fit_second_stage(articles: Articles, rel: Relatedness, idf: Idf) -> StageRun:
    rows = sample_rows(rel)
    X, named = feature_rows(articles, rel, rows, idf)
    groups = np.array([articles.corpus.article_group(rel.pairs[i]) for i in rows])
    return fit_rows(rel, rows, X, named, groups)


def fit_rows(
    rel: Relatedness, rows: list[int], X: np.ndarray, named: np.ndarray, groups: np.ndarray
) -> StageRun:
    """On the rows that pass the names check: cross-validate (grouped by article), choose
    the threshold, fit on all of them. Scores: those rows, and every row with the gate."""
    started = time.perf_counter()
    gated = rows
    rows = [r for r, passes in zip(rows, named, strict=True) if passes]
    X, groups = X[named], groups[named]
    y = np.array([rel.related[i] for i in rows], dtype=int)
    mean, scale = X.mean(axis=0), X.std(axis=0)
    scale[scale == 0] = 1.0
    Z = relatedness2.with_interactions((X - mean) / scale)
    oof = np.zeros(len(rows))
    for train, test in GroupKFold(n_splits=5).split(Z, y, groups):
        oof[test] = _model().fit(Z[train], y[train]).predict_proba(Z[test])[:, 1]
    stage_two = _subset(rel, rows, oof)
    threshold = choose_threshold(stage_two, OWN_KINDS, HARD_KINDS)
    everywhere = np.zeros(len(gated))
    everywhere[np.flatnonzero(named)] = oof  # a missing name: not_mentioned
    stage_one = _subset(rel, gated, np.array([rel.p[i] for i in gated]))
    final = _model().fit(Z, y)
    artifact = {
        "version": VERSION,
        "features": list(relatedness2.FEATURES),
        "mean": [float(v) for v in mean],
        "scale": [float(v) for v in scale],
        "coef": [float(v) for v in final.coef_[0]],
        "intercept": float(final.intercept_[0]),
        "threshold": threshold,
    }
    scores = {
        "second_stage_oof_named_rows": relatedness_block(
            stage_two, threshold, OWN_KINDS, HARD_KINDS
        ),
        "names_gate_and_second_stage_oof": relatedness_block(
            _subset(rel, gated, everywhere), threshold, OWN_KINDS, HARD_KINDS
        ),
        "stage_one_oof_same_rows": relatedness_block(
            stage_one, choose_threshold(stage_one, OWN_KINDS, HARD_KINDS), OWN_KINDS, HARD_KINDS
        ),
    }
    counts = dict(sorted(Counter(kind_of(rel.pairs[i]) for i in gated).items()))
    counts["named_rows"] = len(rows)
    return StageRun(artifact, scores, counts, time.perf_counter() - started)


def train_second_stage(data_dir: Path, out: Path, cache_dir: Path | None = None) -> StageRun:
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        articles = Articles(load_corpus(data_dir))
        rel, idf = out_of_fold(articles.corpus, articles, cache_dir=cache_dir)
        run = fit_second_stage(articles, rel, idf)
    out.write_text(json.dumps(run.artifact, indent=1) + "\n", encoding="utf-8")
    run.seconds = time.perf_counter() - started
    return run


__all__ = ["StageRun", "fit_rows", "fit_second_stage", "predicate_swaps", "train_second_stage"]
