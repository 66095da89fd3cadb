"""Calibrated caller-claim verdict confidence: an isotonic map fitted on training rows."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from api.builtin.claimmodel.fit_confidence import Verdicts, fit
from api.builtin.verdict_calibration import calibrate_verdict


def _overconfident(n: int = 400) -> Verdicts:
    """Raw confidence 0.5..1.0, right only half as often as it says above 0.5."""
    rng = np.random.default_rng(0)
    raw = rng.uniform(0.5, 1.0, n)
    right = (rng.uniform(0, 1, n) < (raw - 0.5)).astype(int)
    return Verdicts(raw, right, np.array([str(i % 40) for i in range(n)]), 0)


def test_the_map_is_monotone_and_calibrates_out_of_fold() -> None:
    artifact, scores = fit(_overconfident())
    assert artifact["x"] == sorted(artifact["x"]) and artifact["y"] == sorted(artifact["y"])
    raw, calibrated = scores["raw"], scores["calibrated_out_of_fold"]
    assert calibrated["ece"] < raw["ece"] / 2 and calibrated["brier"] < raw["brier"]


def test_the_stored_map_is_read_by_interpolation(tmp_path: Path) -> None:
    path = tmp_path / "map.json"
    maps = {"headline": {"x": [0.2, 0.8], "y": [0.1, 0.7]}, "article": {"x": [0, 1], "y": [0, 0.5]}}
    path.write_text(json.dumps(maps))
    assert calibrate_verdict(0.5, 1, path) == pytest.approx(0.4)
    assert calibrate_verdict(0.95, 1, path) == pytest.approx(0.7)  # clipped at the ends
    assert calibrate_verdict(0.5, 12, path) == pytest.approx(0.25)  # an article's own map
    assert calibrate_verdict(0.63, 1, tmp_path / "absent.json") == 0.63
