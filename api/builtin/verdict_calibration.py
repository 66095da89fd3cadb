"""Calibrated confidence of the built-in engine's caller-claim verdicts.

The engine's raw confidence of a verdict mixes P(related) and the claim model's P of the
status the rules chose; it was not a probability of being right (golden ECE 0.149). An
isotonic map from it to the share of verdicts that were right turns it into one; one map
for a one-sentence text (fitted on Emergent headlines), one for an article (FNC-1
headline-body pairs), both training rows through the engine (claimmodel/fit_confidence.py,
cross-validated by claim for its scores). Stored as the map's breakpoints in JSON: read in
microseconds, reproduced bit for bit. `disputed` (no training label says so) keeps its raw
confidence; `not_mentioned` keeps 1 − P(related) of the second stage of relatedness (itself
a logistic regression fitted on training folds).
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

import numpy as np

ARTIFACT = Path(__file__).parent / "claimmodel" / "artifact" / "verdict_calibration.json"

_lock = threading.Lock()
_maps: dict[Path, dict[str, tuple[np.ndarray, np.ndarray]]] = {}


def _load(path: Path) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    with _lock:
        if path not in _maps:
            data = json.loads(path.read_text(encoding="utf-8"))
            _maps[path] = {
                kind: (np.array(m["x"], dtype=float), np.array(m["y"], dtype=float))
                for kind, m in data.items()
            }
        return _maps[path]


def calibrate_verdict(raw: float, sentences: int, path: Path = ARTIFACT) -> float:
    """P(the verdict is right) for the engine's raw verdict confidence on a text of this
    many sentences; the raw value when no map is stored (before `make fit-confidence`)."""
    if not path.exists():
        return raw
    x, y = _load(path)["headline" if sentences <= 1 else "article"]
    return float(np.interp(raw, x, y))


__all__ = ["ARTIFACT", "calibrate_verdict"]
