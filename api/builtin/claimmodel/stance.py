"""The stance learner: headlines and article bodies, one booster, calibrated per domain.

Emergent rows are one-sentence articles (a headline), FNC-1 rows whole bodies; the two
read differently ("Hoax!" in a headline, "the report is false" deep in a body). One
booster learns from both (it can split on the sentence count), but a bag-of-words model
and the isotonic calibration are fitted per domain: calibration pooled over both was
off by 0.09 on headlines while right on bodies.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.model_selection import StratifiedGroupKFold

from api.builtin.claimmodel.domains import N_STANCES, calibrate_by_domain, domains_of
from api.builtin.claimmodel.learners import (
    CALIBRATION_FOLDS,
    SEED,
    BoostingParams,
    boosting,
    text_stance,
)

MIN_DOMAIN_ROWS = 50  # fewer: the pooled text model serves the domain


def _splits(n: int, y: np.ndarray, groups: np.ndarray) -> list[tuple[np.ndarray, np.ndarray]]:
    folds = StratifiedGroupKFold(n_splits=CALIBRATION_FOLDS, shuffle=True, random_state=SEED)
    return list(folds.split(np.zeros(n), y, groups))


class DomainText:
    """Bag-of-words stance per domain, with a pooled model for small domains."""

    def fit(self, texts: np.ndarray, y: np.ndarray, domains: np.ndarray) -> DomainText:
        self.pooled = slim(text_stance().fit(texts, y))
        self.by_domain: dict[int, Any] = {}
        for d in np.unique(domains).tolist():
            rows = domains == d
            if rows.sum() >= MIN_DOMAIN_ROWS and len(np.unique(y[rows])) == N_STANCES:
                self.by_domain[d] = slim(text_stance().fit(texts[rows], y[rows]))
        return self

    def predict_proba(self, texts: np.ndarray, domains: np.ndarray) -> np.ndarray:
        probs = np.zeros((len(texts), N_STANCES))
        for d in np.unique(domains).tolist():
            rows = domains == d
            model = self.by_domain.get(d, self.pooled)
            probs[np.ix_(rows, model.classes_)] = model.predict_proba(texts[rows])
        return probs


def slim(pipeline: Any) -> Any:
    """Drop the vectorizer's record of the n-grams it discarded (`stop_words_`): only for
    introspection, yet most of the pickle (seconds to load)."""
    vectorizer = pipeline.steps[0][1]
    if hasattr(vectorizer, "stop_words_"):
        del vectorizer.stop_words_
    return pipeline


def out_of_fold_text(
    texts: np.ndarray, y: np.ndarray, groups: np.ndarray, domains: np.ndarray
) -> np.ndarray:
    """Text probabilities for training rows from models that never saw their claim group."""
    probs = np.zeros((len(texts), N_STANCES))
    for fit_rows, score_rows in _splits(len(texts), y, groups):
        model = DomainText().fit(texts[fit_rows], y[fit_rows], domains[fit_rows])
        probs[score_rows] = model.predict_proba(texts[score_rows], domains[score_rows])
    return probs


class DomainCalibrated:
    """A booster whose class probabilities pass through isotonic maps fitted per domain
    on held-out (claim-grouped) predictions, then renormalised."""

    def __init__(self, params: BoostingParams) -> None:
        self.params = params

    def fit(self, X: np.ndarray, y: np.ndarray, groups: np.ndarray) -> DomainCalibrated:
        held_out = np.zeros((len(y), N_STANCES))
        for fit_rows, score_rows in _splits(len(y), y, groups):
            model = boosting(self.params).fit(X[fit_rows], y[fit_rows])
            held_out[np.ix_(score_rows, model.classes_)] = model.predict_proba(X[score_rows])
        domains = domains_of(X)
        self.maps: dict[tuple[int, int], IsotonicRegression] = {}
        for d in np.unique(domains).tolist():
            rows = domains == d
            for c in range(N_STANCES):
                iso = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
                self.maps[(d, c)] = iso.fit(held_out[rows, c], (y[rows] == c).astype(float))
        self.model = boosting(self.params).fit(X, y)
        return self

    def predict_proba(self, X: np.ndarray) -> np.ndarray:
        raw = np.zeros((len(X), N_STANCES))
        raw[:, self.model.classes_] = self.model.predict_proba(X)
        maps = {key: iso.predict for key, iso in self.maps.items()}
        return calibrate_by_domain(raw, X, maps)


__all__ = ["DomainCalibrated", "DomainText", "domains_of", "out_of_fold_text", "slim"]
