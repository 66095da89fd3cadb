"""Calibration of the confidences a run reports, on the golden cases (issue 11).

Every scored claim finding of a run — each caller claim, each expected article claim the
output matched — is one prediction: "this status is right" with the claim's `confidence`.
Reported as top-label ECE (15 bins) and Brier score of that right/wrong event, against the
class-prior baseline (always the run's own accuracy): ECE alone can be gamed by a constant.
"""

from __future__ import annotations

import numpy as np
from pydantic import BaseModel

from api.builtin.claimmodel.metrics import brier, top_label_ece
from evals.results import RunFile


class Calibration(BaseModel):
    n: int
    accuracy: float
    mean_confidence: float
    ece: float
    brier: float
    prior_brier: float


def findings(run: RunFile) -> list[tuple[float, bool]]:
    """(confidence, status right?) for every claim finding the scorer matched."""
    found: list[tuple[float, bool]] = []
    for case in run.cases:
        for trial in case.trials:
            if trial.analysis is None:
                continue
            claims = {c.id: c for c in trial.analysis.claims}
            for caller in trial.scores.caller_claims:
                claim = claims.get(f"Q{caller.index}")
                if claim is not None:
                    found.append((claim.confidence, caller.ok))
            for result in trial.scores.claims:
                claim = claims.get(result.claim_id or "")
                if claim is not None:
                    found.append((claim.confidence, result.ok))
    return found


def calibration(pairs: list[tuple[float, bool]]) -> Calibration:
    confidence = np.array([c for c, _ in pairs], dtype=float)
    right = np.array([int(ok) for _, ok in pairs])
    probs = np.column_stack([1 - confidence, confidence])  # columns: wrong, right
    accuracy = float(right.mean()) if len(right) else 0.0
    prior = np.tile([1 - accuracy, accuracy], (len(right), 1))
    return Calibration(
        n=len(pairs),
        accuracy=accuracy,
        mean_confidence=float(confidence.mean()) if len(pairs) else 0.0,
        ece=top_label_ece(probs, right) if len(pairs) else 0.0,
        brier=brier(probs, right) if len(pairs) else 0.0,
        prior_brier=brier(prior, right) if len(pairs) else 0.0,
    )
