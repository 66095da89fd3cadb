"""Which domain a stance row belongs to: a one-sentence article (a headline) or a body.

Shared by training (stance.py) and run time (inference.py), so it imports NumPy only.
"""

from __future__ import annotations

import numpy as np

from api.builtin.claimmodel.features import ARTICLE_NAMES

N_STANCES = 3  # agree, disagree, discuss: the stance classes, encoded 0..2
_N_SENTENCES = ARTICLE_NAMES.index("n_sentences")
_SINGLE = float(np.log1p(1))


def domains_of(X: np.ndarray) -> np.ndarray:
    """1 for a one-sentence article (a headline), 0 for a body."""
    single: np.ndarray = np.isclose(X[:, _N_SENTENCES], _SINGLE).astype(int)
    return single


__all__ = ["N_STANCES", "domains_of"]
