"""Fit the isotonic maps of caller-claim verdict confidence (api/builtin/verdict_calibration.py).

One map per kind of text, as the engine's confidence means different things on each:
- "headline": Emergent training rows (claim vs one headline; for / against / observing →
  confirmed / denied / unconfirmed);
- "article": FNC-1 training pairs with a stance (headline as the claim vs the body; agree /
  disagree / discuss → confirmed / denied / unconfirmed).
`disputed` verdicts (no label of either dataset says so) and `not_mentioned` keep their raw
confidence. Rows outside the golden and near-miss groups only, a seeded sample, analysed
by the built-in engine with its calibration switched off. Scores: out-of-fold (5 folds
grouped by claim group) top-label ECE (15 bins) and Brier of "the verdict is right", raw
and calibrated, against the prior (the rows' accuracy as a constant).
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
LABEL_MAP = {
    "for": "confirmed", "against": "denied", "observing": "unconfirmed",
    "agree": "confirmed", "disagree": "denied", "discuss": "unconfirmed",
}  # fmt: skip
KINDS = ("headline", "article")
ROWS = {"headline": 1200, "article": 400}  # an article costs ~10x a headline to analyse


@dataclass
class Verdicts:
    raw: np.ndarray  # the engine's verdict confidence
    right: np.ndarray  # 1 when its status equals the label
    groups: np.ndarray  # Emergent claim ids
    not_mentioned: int  # rows answered not_mentioned or disputed (no label to fit them on)


def training_rows(data_dir: Path, limits: dict[str, int] = ROWS) -> dict[str, list[dict[str, Any]]]:
    """Per kind, up to `limits[kind]` rows {claim, text, stance, group} whose group no golden
    case or near-miss row touches (seeded sample)."""
    corpus = load_corpus(data_dir)
    excluded = all_exclusions(corpus).groups
    headlines = [
        {"claim": r["claim"], "text": r["headline"], "stance": r["stance"],
         "group": corpus.groups[f"em:{r['id']}"]}
        for r in read_jsonl(data_dir / "emergent_train.jsonl")
    ]  # fmt: skip
    articles = [
        {"claim": p.claim, "text": corpus.bodies[p.article], "stance": p.label,
         "group": corpus.claim_group(p)}
        for p in corpus.pairs
        if p.source == "fnc1" and p.label in LABEL_MAP
    ]  # fmt: skip
    rng = random.Random(SEED)
    out = {}
    for kind, rows in (("headline", headlines), ("article", articles)):
        kept = [r for r in rows if r["group"] not in excluded]
        out[kind] = rng.sample(kept, min(limits[kind], len(kept)))
    return out


def engine_verdicts(rows: list[dict[str, Any]]) -> Verdicts:
    from api.builtin import caller
    from api.builtin.engine import analyse
    from api.pipeline.article import prepare_article
    from api.pipeline.engine import AnalysisJob

    raw, right, groups, skipped = [], [], [], 0
    with caller.raw_confidence():
        for r in rows:
            job = AnalysisJob(
                prepare_article(str(r["text"])), "builtin/rules-en", ("claims",),
                caller_claims=(str(r["claim"]),),
            )  # fmt: skip
            (found,) = analyse(job)[0].caller_claims
            if found.status in ("not_mentioned", "disputed"):  # no label says either
                skipped += 1
                continue
            raw.append(found.confidence)
            right.append(int(found.status == LABEL_MAP[str(r["stance"])]))
            groups.append(str(r["group"]))
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
    """One kind's map fitted on every row, and out-of-fold scores raw vs calibrated."""
    x, y = verdicts.raw, verdicts.right
    oof = np.zeros(len(y))
    for train, test in GroupKFold(n_splits=5).split(x, y, verdicts.groups):
        oof[test] = _isotonic().fit(x[train], y[train]).predict(x[test])
    final = _isotonic().fit(x, y)
    artifact = {
        "x": [float(v) for v in final.X_thresholds_],
        "y": [float(v) for v in final.y_thresholds_],
    }
    scores = {
        "raw": _block(x, y),
        "calibrated_out_of_fold": _block(oof, y),
        "not_mentioned_or_disputed_rows": verdicts.not_mentioned,
    }
    return artifact, scores


__all__ = ["KINDS", "Verdicts", "engine_verdicts", "fit", "training_rows"]
