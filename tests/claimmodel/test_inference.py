"""The NumPy predictors (inference.py, on the exported arrays) give scikit-learn's
probabilities: on the probe articles, one by one and batched, and on random rows."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import joblib
import numpy as np
import pytest

from api.builtin.claimmodel.crossval import FittedModel
from api.builtin.claimmodel.domains import N_STANCES
from api.builtin.claimmodel.export import export
from api.builtin.claimmodel.features import ClaimView, article_vector, evidence_text
from api.builtin.claimmodel.features import sentence_matrix as matrix_of
from api.builtin.claimmodel.inference import DomainText
from api.builtin.claimmodel.model import ARTIFACT_DIR, ClaimModel, read_claim_model
from api.builtin.claimmodel.text import read
from tests.claimmodel.build_probes import probe_inputs

TOLERANCE = 1e-9


@pytest.fixture(scope="module")
def artifact() -> dict[str, Any]:
    loaded: dict[str, Any] = joblib.load(ARTIFACT_DIR / "claim_model.joblib")
    return loaded


@pytest.fixture(scope="module")
def fitted(artifact: dict[str, Any]) -> FittedModel:
    return FittedModel(artifact["related"], artifact["stance"], artifact["text"])


@pytest.fixture(scope="module")
def model() -> ClaimModel:
    return read_claim_model()


@pytest.fixture(scope="module")
def probe_rows(model: ClaimModel) -> tuple[np.ndarray, np.ndarray]:
    """Every probe's article row and one-sentence rows, with their evidence texts."""
    rows, texts = [], []
    for claim, sentences in probe_inputs():
        tokens = [read(s) for s in sentences]
        view = ClaimView.of(claim, model.idf)
        matrix = matrix_of(view, tokens)
        rows.append(article_vector(claim, view, tokens, matrix, "\n".join(sentences), model.idf))
        texts.append(evidence_text(tokens, matrix))
        for i, sentence in enumerate(sentences):
            one = article_vector(
                claim, view, tokens[i : i + 1], matrix[i : i + 1], sentence, model.idf
            )
            rows.append(one)
            texts.append(" ".join(tokens[i].stems))
    return np.vstack(rows), np.array(texts)


def test_the_committed_export_is_the_committed_joblib(
    artifact: dict[str, Any], tmp_path: Path
) -> None:
    """Re-exporting the joblib artifact gives the committed files byte for byte (no stale
    export; `make train` reproduces them)."""
    npz, meta = export(artifact, tmp_path)
    assert npz.read_bytes() == (ARTIFACT_DIR / "claim_model.npz").read_bytes()
    assert meta.read_text() == (ARTIFACT_DIR / "claim_model.json").read_text()


def test_relatedness_equals_sklearn_on_probes(
    model: ClaimModel, fitted: FittedModel, probe_rows: tuple[np.ndarray, np.ndarray]
) -> None:
    X, _ = probe_rows
    expected = fitted.related.predict_proba(X)[:, 1]
    assert np.abs(model._model.related(X) - expected).max() <= TOLERANCE


def test_stance_equals_sklearn_on_probes(
    model: ClaimModel, fitted: FittedModel, probe_rows: tuple[np.ndarray, np.ndarray]
) -> None:
    X, texts = probe_rows
    expected = fitted.stance_probs(X, texts)
    assert np.abs(model._model.stance_probs(X, texts.tolist()) - expected).max() <= TOLERANCE


def test_text_model_equals_sklearn_on_probes(
    model: ClaimModel, fitted: FittedModel, probe_rows: tuple[np.ndarray, np.ndarray]
) -> None:
    """The bag-of-words step alone (its float32 TF-IDF is the easiest part to get wrong)."""
    X, texts = probe_rows
    from api.builtin.claimmodel.domains import domains_of

    domains = domains_of(X)
    expected = fitted.text.predict_proba(texts, domains)
    found = model._model.text(texts.tolist(), domains)
    assert np.abs(found - expected).max() <= TOLERANCE


def test_random_rows_equal_sklearn(
    model: ClaimModel, fitted: FittedModel, probe_rows: tuple[np.ndarray, np.ndarray]
) -> None:
    """Rows drawn around the probes' values (with NaNs and exact split thresholds) and
    random word salads of the vocabulary: every branch of every tree gets exercised."""
    X, texts = probe_rows
    rng = np.random.default_rng(14)
    noisy = X[rng.integers(len(X), size=400)] * rng.uniform(0.0, 2.0, size=(400, X.shape[1]))
    noisy[rng.random(noisy.shape) < 0.02] = np.nan
    booster = model._model.related.booster
    inner = ~booster.is_leaf
    picks = rng.choice(np.flatnonzero(inner), size=200)
    noisy[np.arange(200), booster.feature[picks]] = booster.threshold[picks]
    words = " ".join(texts.tolist()).split()
    salads = [" ".join(rng.choice(words, size=rng.integers(0, 60))) for _ in range(400)]
    related = fitted.related.predict_proba(noisy)[:, 1]
    assert np.abs(model._model.related(noisy) - related).max() <= TOLERANCE
    stance = fitted.stance_probs(noisy, np.array(salads))
    assert np.abs(model._model.stance_probs(noisy, salads) - stance).max() <= TOLERANCE


def test_batched_assessments_equal_one_by_one(model: ClaimModel) -> None:
    inputs = probe_inputs()
    batched = model.assess_many(inputs)
    for (claim, sentences), many in zip(inputs, batched, strict=True):
        one = model.assess(claim, sentences)
        assert many.related == pytest.approx(one.related, abs=TOLERANCE)
        assert many.stance == pytest.approx(one.stance, abs=TOLERANCE)
        assert (many.verdict, many.evidence) == (one.verdict, one.evidence)
        assert [s.speech_acts for s in many.sentences] == [s.speech_acts for s in one.sentences]
    assert model.assess_many([]) == []


def test_the_stop_words_are_sklearns() -> None:
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    from api.builtin.claimmodel.stopwords import ENGLISH_STOP_WORDS as COPY

    assert COPY == ENGLISH_STOP_WORDS


def test_text_models_are_built_for_the_domains_read() -> None:
    """Issue 18 (CLI start-up): each domain's bag of words (50,000 terms: ~12 ms) is built
    when an article of that domain is first read, not all of them at load; the answers are
    the same either way (the tests above)."""
    with np.load(ARTIFACT_DIR / "claim_model.npz") as npz:
        arrays = {name: npz[name] for name in npz.files}
    text = DomainText(arrays, [0, 1])
    assert text._models == {}
    probs = text(["north korea sent troops", "kremlin denied reports"], np.array([1, 1]))
    assert set(text._models) == {"text_1"} and probs.shape == (2, N_STANCES)
    text(["unknown domain"], np.array([7]))
    assert set(text._models) == {"text_1", "text_pooled"}
