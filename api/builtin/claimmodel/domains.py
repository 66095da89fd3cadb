"""Which domain a stance row belongs to: a one-sentence article (a headline) or a body.

Shared by training (stance.py) and run time (inference.py), so it imports NumPy only.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from api.builtin.claimmodel.features import ARTICLE_NAMES

N_STANCES = 3  # agree, disagree, discuss: the stance classes, encoded 0..2
_N_SENTENCES = ARTICLE_NAMES.index("n_sentences")
_SINGLE = float(np.log1p(1))


def domains_of(X: np.ndarray) -> np.ndarray:
    """1 for a one-sentence article (a headline), 0 for a body."""
    single: np.ndarray = np.isclose(X[:, _N_SENTENCES], _SINGLE).astype(int)
    return single


def calibrate_by_domain(
    raw: np.ndarray,
    X: np.ndarray,
    maps: Mapping[tuple[int, int], Callable[[np.ndarray], np.ndarray]],
) -> np.ndarray:
    """(rows, stances) probabilities: each class's raw probability through its domain's
    isotonic map (where one was fitted), then normalised per row (uniform when all are 0).
    Training (its scikit-learn maps) and run time (the exported ones) share this step."""
    domains = domains_of(X)
    out = raw.copy()
    for d in np.unique(domains).tolist():
        rows = domains == d
        for c in range(N_STANCES):
            if (d, c) in maps:
                out[rows, c] = maps[(d, c)](raw[rows, c])
    total = out.sum(axis=1, keepdims=True)
    probs: np.ndarray = np.where(total > 0, out / np.where(total > 0, total, 1.0), 1.0 / N_STANCES)
    return probs


__all__ = ["N_STANCES", "calibrate_by_domain", "domains_of"]
