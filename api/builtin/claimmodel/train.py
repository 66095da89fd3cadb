"""Training: cross-validate grouped by claim, fit the final model, score it, write the artifact.

    make train                         # or: python scripts/train_claim_model.py --help

Everything is seeded and runs on one thread; the same data and library versions give the
same artifact and the same numbers (MODEL_CARD.md).
"""

from __future__ import annotations

import json
import platform
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from threadpoolctl import threadpool_limits

from api.builtin.claimmodel.augment import swapped_pairs
from api.builtin.claimmodel.crossval import N_FOLDS, concat, cross_validate, fit_model
from api.builtin.claimmodel.data import Corpus, Pair, data_hashes, load_corpus
from api.builtin.claimmodel.evaluate import score_out_of_fold
from api.builtin.claimmodel.exclusions import CASES_DIR, NEAR_MISS, Exclusions, all_exclusions
from api.builtin.claimmodel.learners import SEED, BoostingParams
from api.builtin.claimmodel.table import FEATURES_VERSION, build_table, fit_idf

MODEL_NAME = "claimmodel"
MODEL_RELEASE = "1"


@dataclass
class TrainingConfig:
    data_dir: Path
    out_dir: Path
    params: BoostingParams = field(default_factory=BoostingParams)
    n_folds: int = N_FOLDS
    with_baseline: bool = True
    cache_dir: Path | None = None
    cases_dir: Path = CASES_DIR
    near_miss: Path = NEAR_MISS


@dataclass
class TrainingRun:
    version: str
    artifact: Path
    scores: dict[str, Any]
    exclusions: Exclusions
    counts: dict[str, int]
    seconds: float


def training_pairs(corpus: Corpus, exclusions: Exclusions) -> list[Pair]:
    """Pairs whose claim and article both belong to groups nobody excluded."""
    return [
        p
        for p in corpus.pairs
        if corpus.claim_group(p) not in exclusions.groups
        and corpus.article_group(p) not in exclusions.groups
    ]


def train(config: TrainingConfig) -> TrainingRun:
    started = time.perf_counter()
    with threadpool_limits(limits=1):
        corpus = load_corpus(config.data_dir)
        exclusions = all_exclusions(corpus, config.cases_dir, config.near_miss)
        keep = set(corpus.groups.values()) - exclusions.groups
        pairs = training_pairs(corpus, exclusions)
        idf = fit_idf(corpus, keep)
        swapped = swapped_pairs(corpus, pairs)
        table = build_table(corpus, pairs, idf, config.cache_dir)
        swap_table = build_table(corpus, swapped, idf, config.cache_dir)
        oof = cross_validate(table, swap_table, config.params, config.n_folds, config.with_baseline)
        scores = score_out_of_fold(oof)
        final = fit_model(concat(table, swap_table), config.params)
    hashes = data_hashes(config.data_dir)
    version = f"{MODEL_NAME}-{MODEL_RELEASE}-{_short_hash(hashes, config)}"
    config.out_dir.mkdir(parents=True, exist_ok=True)
    artifact = config.out_dir / "claim_model.joblib"
    joblib.dump(
        {
            "version": version,
            "features_version": FEATURES_VERSION,
            "sklearn": sklearn.__version__,
            "idf_weights": dict(sorted(idf.weights.items())),
            "idf_unseen": idf.unseen,
            "related": final.related,
            "stance": final.stance,
            "text": final.text,
        },
        artifact,
        compress=3,
    )
    counts = {
        "pairs": len(pairs),
        "swapped": len(swapped),
        "groups_kept": len(keep),
        "groups_excluded_golden": len(exclusions.golden),
        "groups_excluded_near_miss": len(exclusions.near_miss),
    }
    scores["data_hashes"] = hashes
    return TrainingRun(version, artifact, scores, exclusions, counts, time.perf_counter() - started)


def _short_hash(hashes: dict[str, str], config: TrainingConfig) -> str:
    import hashlib

    text = json.dumps([hashes, FEATURES_VERSION, asdict(config.params), SEED, sklearn.__version__])
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def environment() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


__all__ = ["TrainingConfig", "TrainingRun", "environment", "train", "training_pairs"]
