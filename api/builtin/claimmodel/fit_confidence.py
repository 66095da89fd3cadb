"""Fit the isotonic map of caller-claim verdict confidence (api/builtin/verdict_calibration.py).

Rows: the Emergent training headlines (claim vs headline, FNC-1's stance labels mapped to
statuses) outside the golden and near-miss groups, analysed by the built-in engine with
its calibration switched off. Scores: out-of-fold (5 folds grouped by Emergent claim)
top-label ECE (15 bins) and Brier of "the verdict is right", raw and calibrated, against
the prior (the rows' accuracy as a constant).
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import GroupKFold

from api.builtin.claimmodel.data import load_corpus, read_jsonl
from api.builtin.claimmodel.exclusions import all_exclusions
from api.builtin.claimmodel.metrics import brier, top_label_ece

SEED = 15
LABEL_MAP = {"for": "confirmed", "against": "denied", "observing": "unconfirmed"}


@dataclass
class Verdicts:
    raw: np.ndarray  # the engine's verdict confidence
    right: np.ndarray  # 1 when its status equals the label
    groups: np.ndarray  # Emergent claim ids
    not_mentioned: int  # rows the engine answered not_mentioned (not calibrated here)


def emergent_rows(data_dir: Path, limit: int | None = None) -> list[dict[str, Any]]:
    """Emergent training rows whose group no golden case or near-miss row touches."""
    corpus = load_corpus(data_dir)
    excluded = all_exclusions(corpus).groups
    rows = [r for r in read_jsonl(data_dir / "emergent_train.jsonl")
            if corpus.groups[f"em:{r['id']}"] not in excluded]  # fmt: skip
    if limit is not None and limit < len(rows):
        rows = sorted(random.Random(SEED).sample(rows, limit), key=lambda r: str(r["id"]))
    return rows


def engine_verdicts(rows: list[dict[str, Any]]) -> Verdicts:
    from api.builtin import caller
    from api.builtin.engine import analyse
    from api.pipeline.article import prepare_article
    from api.pipeline.engine import AnalysisJob

    raw, right, groups, skipped = [], [], [], 0
    with caller.raw_confidence():
        for r in rows:
            job = AnalysisJob(
                prepare_article(str(r["headline"])), "builtin/rules-en", ("claims",),
                caller_claims=(str(r["claim"]),),
            )  # fmt: skip
            (found,) = analyse(job)[0].caller_claims
            if found.status == "not_mentioned":
                skipped += 1
                continue
            raw.append(found.confidence)
            right.append(int(found.status == LABEL_MAP[str(r["stance"])]))
            groups.append(str(r["claim_id"]))
    return Verdicts(np.array(raw), np.array(right), np.array(groups), skipped)


def _isotonic() -> IsotonicRegression:
    return IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")


def _block(p: np.ndarray, right: np.ndarray) -> dict[str, float]:
    probs = np.column_stack([1 - p, p])
    prior = np.tile([1 - right.mean(), right.mean()], (len(right), 1))
    return {
        "n": len(right),
        "accuracy": float(right.mean()),
        "mean_confidence": float(p.mean()),
        "ece": top_label_ece(probs, right),
        "brier": brier(probs, right),
        "prior_brier": brier(prior, right),
    }


def fit(verdicts: Verdicts) -> tuple[dict[str, Any], dict[str, Any]]:
    """The map fitted on every row, and out-of-fold scores raw vs calibrated."""
    x, y = verdicts.raw, verdicts.right
    oof = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, verdicts.groups):
        oof[test] = _isotonic().fit(x[train], y[train]).predict(x[test])
    final = _isotonic().fit(x, y)
    artifact = {
        "kind": "caller_claim_verdict",
        "x": [float(v) for v in final.X_thresholds_],
        "y": [float(v) for v in final.y_thresholds_],
    }
    scores = {
        "raw": _block(x, y),
        "calibrated_out_of_fold": _block(oof, y),
        "not_mentioned_rows": verdicts.not_mentioned,
    }
    return artifact, scores


__all__ = ["Verdicts", "emergent_rows", "engine_verdicts", "fit"]
