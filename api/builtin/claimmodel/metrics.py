"""Scores: the FNC-1 official score, F1, top-label ECE and the Brier score."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

RELATED = frozenset({"agree", "disagree", "discuss"})


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """(score, maximum): 0.25 for related/unrelated right, +0.75 for the right stance."""
    score = 0.0
    for g, p in zip(gold, predicted, strict=True):
        if g == p:
            score += 0.25
            if g != "unrelated":
                score += 0.50
        if g in RELATED and p in RELATED:
            score += 0.25
    best = sum(0.25 if g == "unrelated" else 1.0 for g in gold)
    return score, best


def f1_per_class(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> dict[str, float]:
    scores = {}
    for label in labels:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        n_pred = sum(p == label for p in predicted)
        n_gold = sum(g == label for g in gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        scores[label] = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return scores


def accuracy(gold: Sequence[str], predicted: Sequence[str]) -> float:
    return sum(g == p for g, p in zip(gold, predicted, strict=True)) / max(1, len(gold))


def top_label_ece(probs: np.ndarray, gold_index: np.ndarray, bins: int = 15) -> float:
    """Expected calibration error of the top label, equal-width bins over [0, 1]."""
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == gold_index).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    ece = 0.0
    for b in range(bins):
        mask = which == b
        if mask.any():
            ece += mask.mean() * abs(confidence[mask].mean() - correct[mask].mean())
    return float(ece)


def brier(probs: np.ndarray, gold_index: np.ndarray) -> float:
    """Mean over rows of the squared error summed over classes (0 best, 2 worst)."""
    onehot = np.zeros_like(probs)
    onehot[np.arange(len(gold_index)), gold_index] = 1.0
    return float(((probs - onehot) ** 2).sum(axis=1).mean())


def reliability(
    probs: np.ndarray, gold_index: np.ndarray, bins: int = 15
) -> list[dict[str, float]]:
    """Per bin: mean confidence, accuracy, share of rows (for a reliability diagram)."""
    confidence = probs.max(axis=1)
    correct = (probs.argmax(axis=1) == gold_index).astype(float)
    edges = np.linspace(0.0, 1.0, bins + 1)
    which = np.clip(np.digitize(confidence, edges[1:-1], right=True), 0, bins - 1)
    return [
        {
            "low": float(edges[b]),
            "high": float(edges[b + 1]),
            "confidence": float(confidence[which == b].mean()),
            "accuracy": float(correct[which == b].mean()),
            "share": float((which == b).mean()),
        }
        for b in range(bins)
        if (which == b).any()
    ]


__all__ = ["accuracy", "brier", "f1_per_class", "fnc_score", "reliability", "top_label_ece"]
