"""Cross-validation grouped by claim: folds, out-of-fold predictions, scores.

A fold holds whole claim groups (api.builtin.claimmodel.data). The model trains on the
pairs whose claim *and* article belong to other folds, so neither a test claim nor a test
body is ever seen in training; it is scored on every pair of the fold's claims. The
organisers' baseline is trained and scored on exactly the same pairs.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from api.builtin.claimmodel.data import LABELS, STANCES, Pair
from api.builtin.claimmodel.features import ARTICLE_NAMES
from api.builtin.claimmodel.fnc_features import FEATURE_NAMES as FNC_NAMES
from api.builtin.claimmodel.learners import SEED, BoostingParams, baseline, calibrated
from api.builtin.claimmodel.stance import DomainCalibrated, DomainText, domains_of, out_of_fold_text
from api.builtin.claimmodel.table import Table

N_FOLDS = 5
FNC_COLUMNS = np.array([ARTICLE_NAMES.index(n) for n in FNC_NAMES])
RELATEDNESS_SOURCES = ("fnc1", "emergent", "emergent-claim-body", "swapped")
STANCE_SOURCES = ("fnc1", "emergent")


def assign_folds(groups: np.ndarray, n_folds: int = N_FOLDS, seed: int = SEED) -> dict[str, int]:
    """Whole groups to folds, shuffled, each to the fold with the fewest pairs so far."""
    sizes = Counter(groups.tolist())
    order = sorted(sizes)
    random.Random(seed).shuffle(order)
    load = [0] * n_folds
    folds = {}
    for group in sorted(order, key=lambda g: -sizes[g]):
        fold = min(range(n_folds), key=lambda f: (load[f], f))
        folds[group] = fold
        load[fold] += sizes[group]
    return folds


@dataclass
class FittedModel:
    related: Any  # calibrated booster: X -> P(unrelated), P(related)
    stance: Any  # calibrated booster: [X, text probs] -> P(agree, disagree, discuss)
    text: Any  # bag-of-words pipeline: evidence text -> P(agree, disagree, discuss)

    def stance_probs(self, X: np.ndarray, texts: np.ndarray) -> np.ndarray:
        text_probs = self.text.predict_proba(texts, domains_of(X))
        return np.asarray(self.stance.predict_proba(np.hstack([X, text_probs])))

    def predict(self, X: np.ndarray, texts: np.ndarray) -> np.ndarray:
        """(n, 4) probabilities over LABELS: unrelated, agree, disagree, discuss."""
        p_related = self.related.predict_proba(X)[:, 1]
        p_stance = self.stance_probs(X, texts)
        return np.column_stack([1 - p_related, p_stance * p_related[:, None]])


def fit_related(train: Table, params: BoostingParams) -> Any:
    labels, sources = train.labels(), train.sources()
    rel_mask = np.isin(sources, RELATEDNESS_SOURCES)
    y_rel = (labels[rel_mask] != "unrelated").astype(int)
    return calibrated(train.X[rel_mask], y_rel, train.claim_groups[rel_mask], params)


def fit_model(train: Table, params: BoostingParams) -> FittedModel:
    labels, sources = train.labels(), train.sources()
    related = fit_related(train, params)
    st_mask = np.isin(sources, STANCE_SOURCES) & np.isin(labels, STANCES)
    y_st = np.array([STANCES.index(lab) for lab in labels[st_mask]])
    texts, groups = train.texts[st_mask], train.claim_groups[st_mask]
    domains = domains_of(train.X[st_mask])
    stacked = np.hstack([train.X[st_mask], out_of_fold_text(texts, y_st, groups, domains)])
    stance = DomainCalibrated(params).fit(stacked, y_st, groups)
    return FittedModel(related, stance, DomainText().fit(texts, y_st, domains))


@dataclass
class Relatedness:
    """Out-of-fold P(related) of every row of a fold's claims, hard negatives included,
    with the row's kind (kind_of): what the relatedness threshold is chosen on."""

    p: list[float] = field(default_factory=list)
    related: list[bool] = field(default_factory=list)
    kind: list[str] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)  # the rows, for a second stage

    def add(self, table: Table, p_related: np.ndarray) -> None:
        self.p += p_related.tolist()
        self.related += [pair.label != "unrelated" for pair in table.pairs]
        self.kind += [kind_of(pair) for pair in table.pairs]
        self.pairs += table.pairs


def kind_of(pair: Pair) -> str:
    """fnc1-related, fnc1-unrelated, emergent, emergent-claim-body, or the hard
    negative's kind (name, word, other)."""
    if pair.source == "swapped":
        return pair.ref.split("|", 1)[0]
    if pair.source == "fnc1":
        return "fnc1-unrelated" if pair.label == "unrelated" else "fnc1-related"
    return pair.source


@dataclass
class OutOfFold:
    """Per evaluated pair: gold label, source, model and baseline probabilities, prior."""

    gold: list[str] = field(default_factory=list)
    source: list[str] = field(default_factory=list)
    fold: list[int] = field(default_factory=list)
    probs: list[np.ndarray] = field(default_factory=list)
    baseline: list[np.ndarray] = field(default_factory=list)
    prior: list[np.ndarray] = field(default_factory=list)
    relatedness: Relatedness = field(default_factory=lambda: Relatedness())

    def stacked(self, name: str) -> np.ndarray:
        return np.vstack(getattr(self, name))


def cross_validate(
    table: Table,
    swapped: Table,
    params: BoostingParams,
    n_folds: int = N_FOLDS,
    with_baseline: bool = True,
    with_stance: bool = True,
    scored_only: Table | None = None,
) -> OutOfFold:
    """Out-of-fold predictions; with_stance=False fits relatedness alone (quick runs).
    `scored_only`: rows each fold's relatedness model scores (with its claims) but never
    trains on (the second stage's predicate swaps, relatedness2.py)."""
    folds = assign_folds(table.claim_groups, n_folds)
    claim_fold = np.array([folds[g] for g in table.claim_groups])
    article_fold = np.array([folds.get(g, -1) for g in table.article_groups])
    swap_fold = np.array([folds.get(g, -1) for g in swapped.claim_groups])
    swap_article_fold = np.array([folds.get(g, -1) for g in swapped.article_groups])
    result = OutOfFold()
    for k in range(n_folds):
        train_mask = (claim_fold != k) & (article_fold != k)
        train = concat(
            table.select(train_mask), swapped.select((swap_fold != k) & (swap_article_fold != k))
        )
        # Every row of the fold's claims for relatedness (hard negatives included);
        # the labelled stance rows for the scores.
        held = concat(table.select(claim_fold == k), swapped.select(swap_fold == k))
        if scored_only is not None:
            extra_fold = np.array([folds.get(g, -1) for g in scored_only.claim_groups])
            held = concat(held, scored_only.select(extra_fold == k))
        test = table.select((claim_fold == k) & np.isin(table.sources(), STANCE_SOURCES))
        if not with_stance:
            related = fit_related(train, params)
            result.relatedness.add(held, related.predict_proba(held.X)[:, 1])
            continue
        model = fit_model(train, params)
        result.relatedness.add(held, model.related.predict_proba(held.X)[:, 1])
        _record(result, k, train, test, model.predict(test.X, test.texts), with_baseline)
    return result


def _record(
    result: OutOfFold, k: int, train: Table, test: Table, probs: np.ndarray, with_baseline: bool
) -> None:
    gold, sources = test.labels(), test.sources()
    fnc_train = train.select(train.sources() == "fnc1")
    counts = Counter(fnc_train.labels().tolist())
    prior = np.array([counts[label] for label in LABELS], dtype=float)
    prior /= prior.sum()
    base = np.zeros_like(probs)
    if with_baseline:
        base = _baseline_probs(train, test)
    result.gold += gold.tolist()
    result.source += sources.tolist()
    result.fold += [k] * len(gold)
    result.probs.append(probs)
    result.baseline.append(base)
    result.prior.append(np.tile(prior, (len(gold), 1)))


def _baseline_probs(train: Table, test: Table) -> np.ndarray:
    """The organisers' GBC on FNC-1 pairs for FNC-1 rows, on Emergent rows for Emergent."""
    out = np.zeros((len(test.pairs), len(LABELS)))
    for source in STANCE_SOURCES:
        fit_rows, score_rows = train.sources() == source, test.sources() == source
        if not score_rows.any():
            continue
        model = baseline(train.X[fit_rows][:, FNC_COLUMNS], train.labels()[fit_rows])
        probs = model.predict_proba(test.X[score_rows][:, FNC_COLUMNS])
        columns = [LABELS.index(c) for c in model.classes_]
        out[np.ix_(score_rows, columns)] = probs
    return out


def concat(a: Table, b: Table) -> Table:
    return Table(
        a.pairs + b.pairs,
        np.vstack([a.X, b.X]),
        np.concatenate([a.texts, b.texts]),
        np.concatenate([a.claim_groups, b.claim_groups]),
        np.concatenate([a.article_groups, b.article_groups]),
    )


__all__ = [
    "N_FOLDS",
    "FittedModel",
    "OutOfFold",
    "Relatedness",
    "assign_folds",
    "concat",
    "cross_validate",
    "fit_model",
    "fit_related",
    "kind_of",
]
