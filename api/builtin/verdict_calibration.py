"""Calibrated confidence of the built-in engine's caller-claim verdicts.

The engine's raw confidence of a verdict mixes P(related) and the claim model's P of the
status the rules chose; it was not a probability of being right (golden ECE 0.149). An
isotonic map from it to the share of verdicts that were right, fitted on Emergent
training rows through the engine (claimmodel/fit_confidence.py, cross-validated by claim
for its scores), turns it into one. Stored as the map's breakpoints in JSON: read in
microseconds, reproduced bit for bit. `not_mentioned` keeps 1 − P(related) of the
second stage of relatedness (itself a logistic regression fitted on training folds).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

ARTIFACT = Path(__file__).parent / "claimmodel" / "artifact" / "verdict_calibration.json"

_lock = threading.Lock()
_maps: dict[Path, tuple[np.ndarray, np.ndarray]] = {}


def _load(path: Path) -> tuple[np.ndarray, np.ndarray]:
    with _lock:
        if path not in _maps:
            data = json.loads(path.read_text(encoding="utf-8"))
            _maps[path] = (np.array(data["x"], dtype=float), np.array(data["y"], dtype=float))
        return _maps[path]


def calibrate_verdict(raw: float, path: Path = ARTIFACT) -> float:
    """P(the verdict is right) for the engine's raw verdict confidence; the raw value when
    no map is stored (a fresh checkout before `make train-relatedness`)."""
    if not path.exists():
        return raw
    x, y = _load(path)
    return float(np.interp(raw, x, y))


__all__ = ["ARTIFACT", "calibrate_verdict"]
