"""The claim model's predictors with NumPy only: boosted trees, isotonic maps, TF-IDF + logistic.

The fitted scikit-learn objects are exported as plain arrays (export.py, run by `make
train`); this module evaluates them with the same arithmetic in the same order, so the
probabilities equal scikit-learn's (tests/claimmodel/test_inference.py checks to 1e-9).
Importing scikit-learn (and SciPy, joblib) cost the CLI ~1.3 s and loading its pickle
~1 s; neither is needed to predict. Training code stays in learners/stance/crossval.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from api.builtin.claimmodel.domains import N_STANCES, calibrate_by_domain, domains_of

Arrays = Mapping[str, np.ndarray]


@dataclass(frozen=True)
class Booster:
    """A HistGradientBoosting model's trees as one node table (trees concatenated)."""

    feature: np.ndarray  # per node; leaves 0
    threshold: np.ndarray  # go left when x <= threshold
    missing_left: np.ndarray  # where NaN goes
    left: np.ndarray  # global node index
    right: np.ndarray
    value: np.ndarray  # a leaf's raw prediction
    is_leaf: np.ndarray
    roots: np.ndarray  # (n_iterations * n_classes,) iteration-major, as sklearn stores them
    baseline: np.ndarray  # (n_classes,)

    @classmethod
    def of(cls, arrays: Arrays, prefix: str) -> Booster:
        fields = {name: arrays[f"{prefix}__{name}"] for name in _BOOSTER_ARRAYS}
        return cls(**fields)

    def raw(self, X: np.ndarray) -> np.ndarray:
        """(rows, classes) raw predictions: the leaf values summed tree by tree from the
        baseline, as sklearn's _raw_predict adds them (cumsum is sequential: the same
        float sums)."""
        k = len(self.baseline)
        values = self.value[self.leaves(X)].reshape(len(X), -1, k)
        start = np.broadcast_to(self.baseline, (len(X), 1, k))
        summed: np.ndarray = np.cumsum(np.concatenate([start, values], axis=1), axis=1)[:, -1]
        return summed

    def leaves(self, X: np.ndarray) -> np.ndarray:
        """(rows, trees) leaf index: every (row, tree) pair at once, one tree level per
        step, carrying on only the pairs not yet at a leaf (most trees end well above the
        deepest leaf)."""
        n_trees = len(self.roots)
        node = np.tile(self.roots, len(X))  # row-major: a row's trees side by side
        offset = np.repeat(np.arange(len(X)) * X.shape[1], n_trees)
        flat = np.ascontiguousarray(X, dtype=np.float64).ravel()  # sklearn compares in float64
        active = np.flatnonzero(~self.is_leaf[node])
        while len(active):
            at = node[active]
            x = flat[offset[active] + self.feature[at]]
            # sklearn: NaN goes where the split sends missing values, else x <= threshold
            go_left = (x <= self.threshold[at]) | (np.isnan(x) & self.missing_left[at])
            at = np.where(go_left, self.left[at], self.right[at])
            node[active] = at
            active = active[~self.is_leaf[at]]
        leaves: np.ndarray = node.reshape(len(X), n_trees)
        return leaves

    def softmax(self, X: np.ndarray) -> np.ndarray:
        """HalfMultinomialLoss.predict_proba: exp(raw - max) over its sum."""
        raw = self.raw(X)
        exps = np.exp(raw - raw.max(axis=1, keepdims=True))
        total = exps[:, 0].copy()
        for c in range(1, exps.shape[1]):  # sequential, as the Cython loop sums
            total += exps[:, c]
        out: np.ndarray = exps / total[:, None]
        return out


_BOOSTER_ARRAYS = (
    "feature",
    "threshold",
    "missing_left",
    "left",
    "right",
    "value",
    "is_leaf",
    "roots",
    "baseline",
)


@dataclass(frozen=True)
class Isotonic:
    """IsotonicRegression(out_of_bounds="clip").predict: clip, then linear interpolation
    (scipy's interp1d hands float64 knots to np.interp)."""

    x: np.ndarray
    y: np.ndarray

    @classmethod
    def of(cls, arrays: Arrays, prefix: str) -> Isotonic:
        return cls(arrays[f"{prefix}__x"], arrays[f"{prefix}__y"])

    def __call__(self, t: np.ndarray) -> np.ndarray:
        if len(self.y) == 1:
            return np.repeat(self.y, len(t))
        out: np.ndarray = np.interp(np.clip(t, self.x[0], self.x[-1]), self.x, self.y)
        return out


class Related:
    """CalibratedClassifierCV(isotonic, ensemble=False), binary: the booster's decision
    function through one isotonic map -> P(related)."""

    def __init__(self, arrays: Arrays) -> None:
        self.booster = Booster.of(arrays, "related")
        self.calibrator = Isotonic.of(arrays, "related__iso")

    def __call__(self, X: np.ndarray) -> np.ndarray:
        p = self.calibrator(self.booster.raw(X)[:, 0])
        p[(p > 1.0) & (p <= 1.0 + 1e-5)] = 1.0
        return p


class Stance:
    """stance.DomainCalibrated.predict_proba: booster probabilities through isotonic maps
    per (domain, class), renormalised."""

    def __init__(self, arrays: Arrays) -> None:
        self.booster = Booster.of(arrays, "stance")
        self.maps = {
            (d, c): Isotonic.of(arrays, f"stance__iso_{d}_{c}")
            for d in (0, 1)
            for c in range(N_STANCES)
            if f"stance__iso_{d}_{c}__x" in arrays
        }

    def __call__(self, X: np.ndarray) -> np.ndarray:
        return calibrate_by_domain(self.booster.softmax(X), X, self.maps)


class BagOfWords:
    """TfidfVectorizer(tokenizer=str.split, lowercase=False, ngram_range=(1, 2),
    sublinear_tf, l2 norm, float32) + multinomial LogisticRegression, step for step:
    counts in column order, log + 1, × idf and the l2 norm in float32 (the norm's sum of
    squares in float64, as sklearn's Cython), then sparse · coef summed in that order."""

    def __init__(self, arrays: Arrays, prefix: str) -> None:
        terms = arrays[f"{prefix}__vocab"].tobytes().decode("utf-8").split("\n")
        self.vocabulary = {term: i for i, term in enumerate(terms)}
        self.idf: np.ndarray = arrays[f"{prefix}__idf"]
        self.coef_t: np.ndarray = np.ascontiguousarray(arrays[f"{prefix}__coef"].T)
        self.intercept: np.ndarray = arrays[f"{prefix}__intercept"]

    def _columns(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        words = text.split()
        grams = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        counts: dict[int, int] = {}
        for gram in grams:
            j = self.vocabulary.get(gram)
            if j is not None:
                counts[j] = counts.get(j, 0) + 1
        columns = np.array(sorted(counts), dtype=np.intp)
        return columns, np.array([counts[j] for j in columns.tolist()], dtype=np.float32)

    def _row_scores(self, text: str) -> np.ndarray:
        columns, data = self._columns(text)
        np.log(data, data)
        data += 1.0
        data *= self.idf[columns]
        squares = (data * data).astype(np.float64)  # float32 products, float64 sum
        sum_ = float(np.cumsum(squares)[-1]) if len(squares) else 0.0
        if sum_ != 0.0:
            data = (data.astype(np.float64) / np.sqrt(sum_)).astype(np.float32)
        # sparse row · coef as scipy's csr_matvecs sums it: in order, in the coef's dtype
        products = data.astype(self.coef_t.dtype)[:, None] * self.coef_t[columns]
        scores = np.cumsum(products, axis=0)[-1] if len(columns) else np.zeros_like(self.intercept)
        out: np.ndarray = scores + self.intercept
        return out

    def __call__(self, texts: list[str]) -> np.ndarray:
        scores = np.array([self._row_scores(t) for t in texts]).reshape(len(texts), -1)
        scores -= scores.max(axis=1).reshape((-1, 1))  # sklearn.utils.extmath.softmax
        np.exp(scores, out=scores)
        scores /= scores.sum(axis=1).reshape((-1, 1))
        return scores


class DomainText:
    """stance.DomainText.predict_proba: one bag-of-words model per domain (or the pooled)."""

    def __init__(self, arrays: Arrays, domains: list[int]) -> None:
        self._arrays = arrays
        self._prefixes = {d: f"text_{d}" for d in domains}
        # Built on first use (~12 ms each for the 50,000-term vocabularies): an article is
        # usually of one domain, and `stancewire analyze` reads one article (issue 18).
        self._models: dict[str, BagOfWords] = {}

    def _model(self, domain: int) -> BagOfWords:
        prefix = self._prefixes.get(domain, "text_pooled")
        if prefix not in self._models:  # two threads may both build it: the same model
            self._models[prefix] = BagOfWords(self._arrays, prefix)
        return self._models[prefix]

    def __call__(self, texts: list[str], domains: np.ndarray) -> np.ndarray:
        probs = np.zeros((len(texts), N_STANCES))
        for d in np.unique(domains).tolist():
            rows = np.flatnonzero(domains == d)
            probs[rows] = self._model(d)([texts[i] for i in rows])
        return probs


class Predictors:
    """crossval.FittedModel at run time: P(related) and stance probabilities."""

    def __init__(self, arrays: Arrays, text_domains: list[int]) -> None:
        self.related = Related(arrays)
        self.stance = Stance(arrays)
        self.text = DomainText(arrays, text_domains)

    def stance_probs(self, X: np.ndarray, texts: list[str]) -> np.ndarray:
        return self.stance(np.hstack([X, self.text(texts, domains_of(X))]))


__all__ = ["BagOfWords", "Booster", "DomainText", "Isotonic", "Predictors", "Related", "Stance"]
