"""Counting helpers shared by the scores and the dataset adapters: rates, F1, confusions."""

from __future__ import annotations

from collections.abc import Sequence

NONE_LABEL = "none"  # predicted label when the output has nothing that matches

Confusion = dict[str, dict[str, int]]  # gold label -> predicted label -> count


def ratio(hit: int, total: int) -> float | None:
    return hit / total if total else None


def f1(precision: float | None, recall: float | None) -> float | None:
    if precision is None or recall is None:
        return None
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def add_to_confusion(confusion: Confusion, gold: str, predicted: str, count: int = 1) -> None:
    row = confusion.setdefault(gold, {})
    row[predicted] = row.get(predicted, 0) + count


def macro_f1(confusion: Confusion) -> float | None:
    """Mean F1 over the labels that occur as gold or prediction ("none" is never a class)."""
    labels = set(confusion) | {p for row in confusion.values() for p in row}
    labels.discard(NONE_LABEL)
    if not confusion:
        return None
    scores = []
    for label in sorted(labels):
        tp = confusion.get(label, {}).get(label, 0)
        predicted = sum(row.get(label, 0) for row in confusion.values())
        gold = sum(confusion.get(label, {}).values())
        scores.append(f1(ratio(tp, predicted) or 0.0, ratio(tp, gold) or 0.0) or 0.0)
    return sum(scores) / len(scores) if scores else None


def merged_confusion(confusions: Sequence[Confusion]) -> Confusion:
    merged: Confusion = {}
    for confusion in confusions:
        for gold, row in confusion.items():
            for predicted, count in row.items():
                add_to_confusion(merged, gold, predicted, count)
    return merged
