"""Export the trained claim model (scikit-learn objects) as plain arrays for run time.

    python -m api.builtin.claimmodel.export      # also run by `make train` after training

Writes claim_model.npz (compressed: trees as node tables, isotonic knots, vocabularies,
idf and coefficients, the claim IDF) and claim_model.json (version, threshold, settings)
next to the joblib artifact, which stays the training record. inference.py evaluates
the arrays with NumPy only. Training-side module: it imports scikit-learn.
"""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path
from typing import Any

import joblib
import numpy as np
import sklearn

from api.builtin.claimmodel.model import EXPORT_FORMAT

# What inference.BagOfWords reproduces; anything else must fail the export, not mispredict.
_TEXT_SETTINGS = {
    "analyzer": "word",
    "binary": False,
    "lowercase": False,
    "ngram_range": (1, 2),
    "norm": "l2",
    "preprocessor": None,
    "smooth_idf": True,
    "stop_words": None,
    "strip_accents": None,
    "sublinear_tf": True,
    "tokenizer": str.split,
    "use_idf": True,
    "dtype": np.float32,
}


def _joined(words: list[str]) -> np.ndarray:
    """Words as one UTF-8 byte array ("\n"-joined): small and quick to load, unlike a
    fixed-width unicode array."""
    assert all("\n" not in w for w in words)
    return np.frombuffer("\n".join(words).encode("utf-8"), dtype=np.uint8)


def booster_arrays(model: Any, prefix: str) -> dict[str, np.ndarray]:
    """A HistGradientBoostingClassifier's trees concatenated into one node table."""
    assert model.is_categorical_ is None, "categorical splits are not exported"
    trees = [p.nodes for iteration in model._predictors for p in iteration]
    sizes = [len(t) for t in trees]
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(np.intp)
    nodes = np.concatenate(trees)
    shift = np.repeat(offsets, sizes)
    out = {
        "feature": nodes["feature_idx"].astype(np.intp),
        "threshold": nodes["num_threshold"].astype(np.float64),
        "missing_left": nodes["missing_go_to_left"].astype(bool),
        "left": nodes["left"].astype(np.intp) + shift,
        "right": nodes["right"].astype(np.intp) + shift,
        "value": nodes["value"].astype(np.float64),
        "is_leaf": nodes["is_leaf"].astype(bool),
        "roots": offsets,
        "baseline": np.asarray(model._baseline_prediction, dtype=np.float64).ravel(),
    }
    return {f"{prefix}__{k}": v for k, v in out.items()}


def isotonic_arrays(iso: Any, prefix: str) -> dict[str, np.ndarray]:
    """The knots IsotonicRegression.predict interpolates between (its interp1d's x, y)."""
    if callable(iso.f_) and not hasattr(iso.f_, "x"):  # one knot: a constant
        x, y = np.asarray(iso.X_thresholds_[:1]), np.asarray(iso.y_thresholds_[:1])
    else:
        x, y = np.asarray(iso.f_.x), np.asarray(iso.f_.y)
    assert iso.out_of_bounds == "clip" and x[0] == iso.X_min_ and x[-1] == iso.X_max_
    return {f"{prefix}__x": x.astype(np.float64), f"{prefix}__y": y.astype(np.float64)}


def text_arrays(pipeline: Any, prefix: str) -> dict[str, np.ndarray]:
    vectorizer, logistic = pipeline.steps[0][1], pipeline.steps[1][1]
    params = vectorizer.get_params()
    assert {k: params[k] for k in _TEXT_SETTINGS} == _TEXT_SETTINGS, params
    assert list(logistic.classes_) == [0, 1, 2], logistic.classes_
    terms = sorted(vectorizer.vocabulary_, key=vectorizer.vocabulary_.__getitem__)
    assert [vectorizer.vocabulary_[t] for t in terms] == list(range(len(terms)))
    return {
        f"{prefix}__vocab": _joined(terms),
        f"{prefix}__idf": np.asarray(vectorizer.idf_),
        # float32 like the TF-IDF it was fitted on: the scores are summed in float32
        f"{prefix}__coef": np.asarray(logistic.coef_),
        f"{prefix}__intercept": np.asarray(logistic.intercept_),
    }


def export(artifact: dict[str, Any], out_dir: Path) -> tuple[Path, Path]:
    """Write claim_model.npz and claim_model.json for the artifact's fitted models."""
    related = artifact["related"].calibrated_classifiers_
    assert len(related) == 1 and related[0].method == "isotonic", "ensemble=False expected"
    assert list(related[0].estimator.classes_) == [0, 1]
    stance, text = artifact["stance"], artifact["text"]
    assert list(stance.model.classes_) == [0, 1, 2]
    arrays = {
        **booster_arrays(related[0].estimator, "related"),
        **isotonic_arrays(related[0].calibrators[0], "related__iso"),
        **booster_arrays(stance.model, "stance"),
        **text_arrays(text.pooled, "text_pooled"),
        "idf_stems": _joined(list(artifact["idf_weights"])),
        "idf_weights": np.array(list(artifact["idf_weights"].values()), dtype=np.float64),
        "idf_proper": _joined(list(artifact["idf_proper"])),
    }
    for (d, c), iso in stance.maps.items():
        arrays.update(isotonic_arrays(iso, f"stance__iso_{d}_{c}"))
    for d, pipeline in text.by_domain.items():
        arrays.update(text_arrays(pipeline, f"text_{d}"))
    meta = {
        "format": EXPORT_FORMAT,
        "version": artifact["version"],
        "features_version": artifact["features_version"],
        "related_threshold": artifact["related_threshold"],
        "idf_unseen": artifact["idf_unseen"],
        "text_domains": sorted(int(d) for d in text.by_domain),
        "exported_from": {"sklearn": sklearn.__version__, "numpy": np.__version__},
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    npz, js = out_dir / "claim_model.npz", out_dir / "claim_model.json"
    _write_npz(npz, arrays)
    js.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    return npz, js


def _write_npz(path: Path, arrays: dict[str, np.ndarray]) -> None:
    """np.savez_compressed's format with fixed timestamps and order, so that the same model
    gives the same bytes (savez stamps each member with the current time)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(arrays):
            buffer = io.BytesIO()
            np.lib.format.write_array(buffer, np.asarray(arrays[name]), allow_pickle=False)
            member = zipfile.ZipInfo(f"{name}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            member.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(member, buffer.getvalue())


def export_file(joblib_path: Path) -> tuple[Path, Path]:
    return export(joblib.load(joblib_path), joblib_path.parent)


if __name__ == "__main__":
    from api.builtin.claimmodel.model import ARTIFACT_DIR

    for path in export_file(ARTIFACT_DIR / "claim_model.joblib"):
        print(f"wrote {path} ({path.stat().st_size:,} bytes)")
