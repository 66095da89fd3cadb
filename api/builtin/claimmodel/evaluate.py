"""Scores of out-of-fold predictions: FNC-1, Emergent, calibration, each next to a baseline."""

from __future__ import annotations

import numpy as np

from api.builtin.claimmodel.crossval import OutOfFold, Relatedness
from api.builtin.claimmodel.data import LABELS, STANCES
from api.builtin.claimmodel.metrics import (
    accuracy,
    brier,
    f1_per_class,
    fnc_score,
    reliability,
    top_label_ece,
)

Scores = dict[str, object]


def decide(probs: np.ndarray, related_threshold: float = 0.5) -> list[str]:
    """Unrelated when P(related) < the threshold (as the model answers), else the most
    probable stance."""
    stance = np.array(STANCES)[probs[:, 1:].argmax(axis=1)]
    p_related = probs[:, 1:].sum(axis=1)
    return [
        ("unrelated" if p < related_threshold else s)
        for p, s in zip(p_related, stance, strict=True)
    ]


def fnc_block(gold: list[str], probs: np.ndarray, related_threshold: float = 0.5) -> Scores:
    predicted = decide(probs, related_threshold)
    score, best = fnc_score(gold, predicted)
    gold_index = np.array([LABELS.index(g) for g in gold])
    f1 = f1_per_class(gold, predicted, LABELS)
    return {
        "n": len(gold),
        "score_pct": 100 * score / best,
        "f1": f1,
        "macro_f1": float(np.mean(list(f1.values()))),
        "ece": top_label_ece(probs, gold_index),
        "brier": brier(probs, gold_index),
    }


def emergent_block(gold: list[str], probs: np.ndarray, related_threshold: float = 0.5) -> Scores:
    stance_probs = probs[:, 1:] / np.maximum(probs[:, 1:].sum(axis=1, keepdims=True), 1e-12)
    predicted = [STANCES[i] for i in stance_probs.argmax(axis=1)]
    gated = decide(probs, related_threshold)
    gold_index = np.array([STANCES.index(g) for g in gold])
    f1 = f1_per_class(gold, predicted, STANCES)
    return {
        "n": len(gold),
        "accuracy": accuracy(gold, predicted),
        "macro_f1": float(np.mean(list(f1.values()))),
        "f1": f1,
        "accuracy_with_relatedness": accuracy(gold, gated),
        "called_unrelated": sum(g == "unrelated" for g in gated),
        "ece": top_label_ece(stance_probs, gold_index),
        "brier": brier(stance_probs, gold_index),
    }


RELATED_KINDS = ("fnc1-related", "emergent-claim-body")  # a claim against its own body
HARD_KINDS = ("name", "word", "other")  # hard negatives: a swapped name, another event
MIN_RELATED_RECALL = 0.90  # the related -> verdict target, held on training folds
THRESHOLDS = np.round(np.arange(0.05, 0.951, 0.01), 2)


def relatedness_block(
    rel: Relatedness,
    threshold: float,
    related_kinds: tuple[str, ...] = RELATED_KINDS,
    hard_kinds: tuple[str, ...] = HARD_KINDS,
) -> Scores:
    """Share of right related/unrelated calls per kind of row at this threshold."""
    p, related, kinds = np.array(rel.p), np.array(rel.related), np.array(rel.kind)
    right = (p >= threshold) == related
    by_kind = {k: float(right[kinds == k].mean()) for k in sorted(set(rel.kind))}
    hard = np.isin(kinds, hard_kinds)
    own = np.isin(kinds, related_kinds)
    return {
        "threshold": float(threshold),
        "related_recall": float(right[own].mean()) if own.any() else 0.0,
        "hard_negative_recall": float(right[hard].mean()) if hard.any() else 0.0,
        "by_kind": by_kind,
        "n_by_kind": {k: int((kinds == k).sum()) for k in sorted(set(rel.kind))},
    }


def choose_threshold(
    rel: Relatedness,
    related_kinds: tuple[str, ...] = RELATED_KINDS,
    hard_kinds: tuple[str, ...] = HARD_KINDS,
) -> float:
    """The P(related) threshold with the best balanced accuracy between claims against
    their own bodies and hard negatives, among those keeping ≥ 90 % of the former
    related (ties: the one nearest 0.5): out-of-fold on the training folds, never on the
    near-miss set. 0.5 when there are no hard negatives to separate."""
    if not any(k in hard_kinds for k in rel.kind):
        return 0.5
    best, best_key = 0.5, (-1.0, 0.0)
    for t in THRESHOLDS.tolist():
        block = relatedness_block(rel, t, related_kinds, hard_kinds)
        own, hard = float(block["related_recall"]), float(block["hard_negative_recall"])  # type: ignore[arg-type]
        key = (round((own + hard) / 2, 12), -abs(t - 0.5))
        if own >= MIN_RELATED_RECALL and key > best_key:
            best, best_key = t, key
    return float(best)


def score_out_of_fold(oof: OutOfFold, related_threshold: float = 0.5) -> Scores:
    gold = np.array(oof.gold)
    source = np.array(oof.source)
    probs, base, prior = oof.stacked("probs"), oof.stacked("baseline"), oof.stacked("prior")
    fnc, em = source == "fnc1", source == "emergent"
    em_prior = _emergent_prior(gold[em])
    em_gold_index = np.array([STANCES.index(g) for g in gold[em]])
    fnc_gold_index = np.array([LABELS.index(g) for g in gold[fnc]])
    t = related_threshold
    return {
        "relatedness": {
            "at_half": relatedness_block(oof.relatedness, 0.5),
            "chosen": relatedness_block(oof.relatedness, t),
        },
        "fnc1": {
            "model": fnc_block(gold[fnc].tolist(), probs[fnc], t),
            "model_at_half": fnc_block(gold[fnc].tolist(), probs[fnc]),
            "baseline": fnc_block(gold[fnc].tolist(), base[fnc]),
            "prior_brier": brier(prior[fnc], fnc_gold_index),
            "always_discuss_score_pct": _always(gold[fnc].tolist(), "discuss"),
            "reliability": reliability(probs[fnc], fnc_gold_index),
        },
        "emergent": {
            "model": emergent_block(gold[em].tolist(), probs[em], t),
            "baseline": emergent_block(gold[em].tolist(), base[em]),
            "prior_brier": brier(np.tile(em_prior, (int(em.sum()), 1)), em_gold_index),
            "majority_accuracy": float(em_prior.max()),
        },
    }


def _emergent_prior(gold: np.ndarray) -> np.ndarray:
    counts = np.array([(gold == s).sum() for s in STANCES], dtype=float)
    total = float(counts.sum())
    return counts / max(1.0, total)


def _always(gold: list[str], label: str) -> float:
    score, best = fnc_score(gold, [label] * len(gold))
    return 100 * score / best


__all__ = ["choose_threshold", "decide", "relatedness_block", "score_out_of_fold"]
