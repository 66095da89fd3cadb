"""The learners: calibrated gradient boosting for relatedness and stance, and the baseline.

Relatedness is binary (unrelated vs related), stance has three classes (agree,
disagree, discuss) and only sees related pairs. Both are histogram gradient boosting
(scikit-learn) wrapped in isotonic calibration fitted on held-out folds that are grouped
by claim, like the outer cross-validation. The organisers' FNC-1 baseline is plain
gradient boosting (200 trees) on their 44 features, as they published it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.calibration import CalibratedClassifierCV
from sklearn.ensemble import GradientBoostingClassifier, HistGradientBoostingClassifier
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedGroupKFold
from sklearn.pipeline import Pipeline, make_pipeline

SEED = 12
BASELINE_SEED = 14128  # the organisers' random_state
CALIBRATION_FOLDS = 2


@dataclass(frozen=True)
class BoostingParams:
    max_iter: int = 200
    learning_rate: float = 0.1
    max_leaf_nodes: int = 31
    min_samples_leaf: int = 40
    l2_regularization: float = 1.0


def boosting(params: BoostingParams) -> HistGradientBoostingClassifier:
    return HistGradientBoostingClassifier(
        max_iter=params.max_iter,
        learning_rate=params.learning_rate,
        max_leaf_nodes=params.max_leaf_nodes,
        min_samples_leaf=params.min_samples_leaf,
        l2_regularization=params.l2_regularization,
        early_stopping=False,
        random_state=SEED,
    )


def calibrated(
    X: np.ndarray, y: np.ndarray, groups: np.ndarray, params: BoostingParams
) -> CalibratedClassifierCV:
    """Boosting calibrated by isotonic regression on claim-grouped held-out folds."""
    splits = list(
        StratifiedGroupKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=SEED).split(
            X, y, groups
        )
    )
    # One model at run time (ensemble=False): isotonic maps fitted on the held-out folds'
    # predictions; inference then costs one boosting model, not one per fold.
    model = CalibratedClassifierCV(boosting(params), method="isotonic", cv=splits, ensemble=False)
    return model.fit(X, y)


def text_stance() -> Pipeline:
    """Bag of stem uni- and bigrams of the evidence text -> stance (multinomial logistic)."""
    return make_pipeline(
        TfidfVectorizer(
            tokenizer=str.split,
            token_pattern=None,
            lowercase=False,
            ngram_range=(1, 2),
            min_df=3,
            sublinear_tf=True,
            dtype=np.float32,
        ),
        LogisticRegression(C=2.0, max_iter=2000),
    )


def baseline(X: np.ndarray, y: np.ndarray) -> GradientBoostingClassifier:
    return GradientBoostingClassifier(n_estimators=200, random_state=BASELINE_SEED).fit(X, y)


__all__ = ["BoostingParams", "baseline", "calibrated", "text_stance"]
