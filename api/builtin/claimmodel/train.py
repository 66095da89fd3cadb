"""Training: cross-validate grouped by claim, fit the final model, score it, write the artifact.

    make train                         # or: python scripts/train_claim_model.py --help

Everything is seeded and runs on one thread; the same data and library versions give the
same artifact and the same numbers (MODEL_CARD.md).
"""

from __future__ import annotations

import json
import platform
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn
from threadpoolctl import threadpool_limits

from api.builtin.claimmodel.augment import other_event_pairs, swapped_pairs
from api.builtin.claimmodel.crossval import N_FOLDS, concat, cross_validate, fit_model, kind_of
from api.builtin.claimmodel.data import Corpus, Pair, data_hashes, load_corpus
from api.builtin.claimmodel.evaluate import choose_threshold, relatedness_block, score_out_of_fold
from api.builtin.claimmodel.exclusions import CASES_DIR, NEAR_MISS, Exclusions, all_exclusions
from api.builtin.claimmodel.export import export
from api.builtin.claimmodel.features import ARTICLE_NAMES, PARTICIPANT_NAMES, Idf
from api.builtin.claimmodel.learners import SEED, BoostingParams
from api.builtin.claimmodel.table import FEATURES_VERSION, Table, build_table, fit_idf

MODEL_NAME = "claimmodel"
MODEL_RELEASE = "2"


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
    # Hard negatives from the training claims (augment.py): "name" swaps, "other"-event
    # bodies; "word" swaps (not used: label noise, EXPERIMENTS.md).
    negatives: tuple[str, ...] = ("name", "other")
    # Relatedness alone, cross-validated, no artifact: minutes instead of a quarter hour.
    quick: bool = False
    # Ablation for experiments: "participants" zeroes the participant features and swaps
    # any capitalised span (round 1's model).
    without: tuple[str, ...] = ()


@dataclass
class TrainingRun:
    version: str
    artifact: Path | None
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
        ablated = "participants" in config.without
        swap_idf = Idf(idf.weights, idf.unseen) if ablated else idf
        swapped = hard_negatives(corpus, pairs, swap_idf, config.negatives)
        table = _ablate(build_table(corpus, pairs, idf, config.cache_dir), config.without)
        swap_table = _ablate(build_table(corpus, swapped, idf, config.cache_dir), config.without)
        oof = cross_validate(
            table,
            swap_table,
            config.params,
            config.n_folds,
            config.with_baseline and not config.quick,
            with_stance=not config.quick,
        )
        threshold = choose_threshold(oof.relatedness)
        counts = {
            "pairs": len(pairs),
            "swapped": len(swapped),
            "groups_kept": len(keep),
            "groups_excluded_golden": len(exclusions.golden),
            "groups_excluded_near_miss": len(exclusions.near_miss),
            **{f"negatives_{k}": n for k, n in Counter(kind_of(p) for p in swapped).items()},
        }
        if config.quick:
            scores: dict[str, Any] = {
                "relatedness": {
                    "at_half": relatedness_block(oof.relatedness, 0.5),
                    "chosen": relatedness_block(oof.relatedness, threshold),
                }
            }
            seconds = time.perf_counter() - started
            return TrainingRun("quick", None, scores, exclusions, counts, seconds)
        scores = score_out_of_fold(oof, threshold)
        final = fit_model(concat(table, swap_table), config.params)
    hashes = data_hashes(config.data_dir)
    version = f"{MODEL_NAME}-{MODEL_RELEASE}-{_short_hash(hashes, config)}"
    config.out_dir.mkdir(parents=True, exist_ok=True)
    artifact = config.out_dir / "claim_model.joblib"
    fitted = {
        "version": version,
        "features_version": FEATURES_VERSION,
        "sklearn": sklearn.__version__,
        "idf_weights": dict(sorted(idf.weights.items())),
        "idf_unseen": idf.unseen,
        "idf_proper": sorted(idf.proper),
        "related_threshold": threshold,
        "related": final.related,
        "stance": final.stance,
        "text": final.text,
    }
    joblib.dump(fitted, artifact, compress=3)
    export(fitted, config.out_dir)  # the arrays the run time reads (NumPy only)
    scores["data_hashes"] = hashes
    return TrainingRun(version, artifact, scores, exclusions, counts, time.perf_counter() - started)


def hard_negatives(
    corpus: Corpus,
    pairs: list[Pair],
    idf: Idf,
    kinds: tuple[str, ...],
) -> list[Pair]:
    """Unrelated pairs made from the training claims (augment.py), by kind."""
    swaps = tuple(k for k in kinds if k in ("name", "word"))
    out = swapped_pairs(corpus, pairs, swaps, idf.proper) if swaps else []
    if "other" in kinds:
        out += other_event_pairs(corpus, pairs, idf)
    return out


def _ablate(table: Table, without: tuple[str, ...]) -> Table:
    """Constant columns for the features left out: trees never split on them."""
    if "participants" in without:
        table.X[:, [ARTICLE_NAMES.index(n) for n in PARTICIPANT_NAMES]] = 0.0
    return table


def _short_hash(hashes: dict[str, str], config: TrainingConfig) -> str:
    import hashlib

    text = json.dumps(
        [
            hashes,
            FEATURES_VERSION,
            asdict(config.params),
            SEED,
            sklearn.__version__,
            config.negatives,
        ]
    )
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def environment() -> dict[str, str]:
    return {
        "python": platform.python_version(),
        "scikit-learn": sklearn.__version__,
        "numpy": np.__version__,
    }


__all__ = [
    "TrainingConfig",
    "TrainingRun",
    "environment",
    "hard_negatives",
    "train",
    "training_pairs",
]
