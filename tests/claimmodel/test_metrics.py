"""The scores the model card and the adapters report."""

from __future__ import annotations

import numpy as np
import pytest

from api.builtin.claimmodel.metrics import brier, f1_per_class, fnc_score, top_label_ece


def test_fnc_score_follows_the_official_weights() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    # right stance 1.0, related but wrong stance 0.25, wrong relatedness 0, right unrelated 0.25
    predicted = ["agree", "discuss", "unrelated", "unrelated", "agree"]
    score, best = fnc_score(gold, predicted)
    assert best == pytest.approx(3 * 1.0 + 2 * 0.25)
    assert score == pytest.approx(1.0 + 0.25 + 0.0 + 0.25 + 0.0)


def test_f1_of_a_class_never_predicted_is_zero() -> None:
    f1 = f1_per_class(["a", "b", "b"], ["b", "b", "b"], ["a", "b"])
    assert f1["a"] == 0.0
    assert f1["b"] == pytest.approx(2 * (2 / 3) * 1.0 / (2 / 3 + 1.0))


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident() -> None:
    gold = np.array([0, 0, 0, 1])
    honest = np.tile([0.75, 0.25], (4, 1))
    assert top_label_ece(honest, gold) == pytest.approx(0.0)
    overconfident = np.tile([0.99, 0.01], (4, 1))
    assert top_label_ece(overconfident, gold) == pytest.approx(0.24)


def test_brier_rewards_the_right_class_and_punishes_confidence_in_the_wrong_one() -> None:
    gold = np.array([0, 1])
    assert brier(np.array([[1.0, 0.0], [0.0, 1.0]]), gold) == 0.0
    assert brier(np.array([[0.0, 1.0], [1.0, 0.0]]), gold) == 2.0
