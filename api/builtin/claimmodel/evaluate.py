"""Scores of out-of-fold predictions: FNC-1, Emergent, calibration, each next to a baseline."""

from __future__ import annotations

import numpy as np

from api.builtin.claimmodel.crossval import OutOfFold
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


def decide(probs: np.ndarray, threshold: float = 0.5) -> list[str]:
    """Unrelated when P(unrelated) ≥ threshold, else the most probable stance."""
    stance = np.array(STANCES)[probs[:, 1:].argmax(axis=1)]
    return [
        ("unrelated" if p >= threshold else s) for p, s in zip(probs[:, 0], stance, strict=True)
    ]


def fnc_block(gold: list[str], probs: np.ndarray) -> Scores:
    predicted = decide(probs)
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


def emergent_block(gold: list[str], probs: np.ndarray) -> Scores:
    stance_probs = probs[:, 1:] / np.maximum(probs[:, 1:].sum(axis=1, keepdims=True), 1e-12)
    predicted = [STANCES[i] for i in stance_probs.argmax(axis=1)]
    gated = decide(probs)
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


def score_out_of_fold(oof: OutOfFold) -> Scores:
    gold = np.array(oof.gold)
    source = np.array(oof.source)
    probs, base, prior = oof.stacked("probs"), oof.stacked("baseline"), oof.stacked("prior")
    fnc, em = source == "fnc1", source == "emergent"
    em_prior = _emergent_prior(gold[em])
    em_gold_index = np.array([STANCES.index(g) for g in gold[em]])
    fnc_gold_index = np.array([LABELS.index(g) for g in gold[fnc]])
    return {
        "fnc1": {
            "model": fnc_block(gold[fnc].tolist(), probs[fnc]),
            "baseline": fnc_block(gold[fnc].tolist(), base[fnc]),
            "prior_brier": brier(prior[fnc], fnc_gold_index),
            "always_discuss_score_pct": _always(gold[fnc].tolist(), "discuss"),
            "reliability": reliability(probs[fnc], fnc_gold_index),
        },
        "emergent": {
            "model": emergent_block(gold[em].tolist(), probs[em]),
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


__all__ = ["decide", "score_out_of_fold"]
