"""A short training run on the committed sample: the whole training path, in seconds."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from api.builtin.claimmodel.crossval import assign_folds
from api.builtin.claimmodel.learners import BoostingParams
from api.builtin.claimmodel.model import (
    ClaimModel,
    ClaimModelError,
    load_claim_model,
    read_claim_model,
)
from api.builtin.claimmodel.train import TrainingConfig, train

SAMPLE = Path(__file__).parent / "data"
SMALL = BoostingParams(max_iter=15, min_samples_leaf=5)


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> tuple[ClaimModel, dict[str, object]]:
    out = tmp_path_factory.mktemp("claimmodel")
    cases = tmp_path_factory.mktemp("no-cases")
    config = TrainingConfig(
        SAMPLE,
        out,
        SMALL,
        n_folds=2,
        with_baseline=False,
        cases_dir=cases,
        near_miss=out / "absent.jsonl",
    )
    run = train(config)
    assert run.artifact is not None
    assert run.artifact.exists() and run.artifact.stat().st_size < 2_000_000
    return read_claim_model(run.artifact.with_name("claim_model.npz")), run.scores


def test_training_scores_every_held_out_pair_of_both_datasets(
    trained: tuple[ClaimModel, dict[str, object]],
) -> None:
    _, scores = trained
    fnc, emergent = scores["fnc1"], scores["emergent"]
    assert isinstance(fnc, dict) and isinstance(emergent, dict)
    assert fnc["model"]["n"] == 271  # every FNC-1 pair of the sample is scored once
    assert emergent["model"]["n"] == 102
    assert 0.0 <= fnc["model"]["ece"] <= 1.0


def test_trained_model_assesses_a_claim(trained: tuple[ClaimModel, dict[str, object]]) -> None:
    model, _ = trained
    sentences = [
        "Police denied reports that the artist Banksy was arrested.",
        "The weather was fine.",
    ]
    result = model.assess("Banksy was arrested", sentences)
    assert 0.0 <= result.related <= 1.0
    assert sum(result.stance.values()) == pytest.approx(1.0)
    assert len(result.sentences) == 2
    assert result.sentences[0].relevance > result.sentences[1].relevance
    for sentence in result.sentences:
        assert sum(sentence.speech_acts.values()) == pytest.approx(1.0)
    assert model.claim_similarity("Banksy was arrested", "Banksy arrested in London") > 0.5
    assert model.assess("Banksy was arrested", []).verdict == "not_mentioned"


def test_the_model_abstains_below_the_threshold_chosen_in_training(
    trained: tuple[ClaimModel, dict[str, object]],
) -> None:
    model, scores = trained
    relatedness = scores["relatedness"]
    assert isinstance(relatedness, dict)
    assert model.related_threshold == relatedness["chosen"]["threshold"]
    sentences = ["Police said the artist Banksy was arrested in London.", "He denied it."]
    result = model.assess("Banksy was arrested in London", sentences)
    assert (result.verdict == "not_mentioned") == (result.related < model.related_threshold)


def test_a_quick_run_cross_validates_relatedness_alone(tmp_path: Path) -> None:
    config = TrainingConfig(
        SAMPLE,
        tmp_path,
        SMALL,
        n_folds=2,
        cases_dir=tmp_path,
        near_miss=tmp_path / "absent.jsonl",
        quick=True,
    )
    run = train(config)
    assert run.artifact is None and not list(tmp_path.glob("*.joblib"))
    chosen = run.scores["relatedness"]["chosen"]
    # every held-out row of both kinds of hard negative is scored
    assert chosen["n_by_kind"]["name"] == run.counts["negatives_name"]
    assert chosen["n_by_kind"]["other"] == run.counts["negatives_other"]


def test_folds_keep_whole_groups_and_balance_sizes() -> None:
    groups = np.array(["a"] * 50 + ["b"] * 30 + ["c"] * 30 + ["d"] * 10 + ["e"] * 5)
    folds = assign_folds(groups, n_folds=2)
    assert set(folds) == {"a", "b", "c", "d", "e"}
    sizes = [sum((groups == g).sum() for g, f in folds.items() if f == k) for k in range(2)]
    assert abs(sizes[0] - sizes[1]) <= 10


def test_an_artifact_from_other_versions_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.npz"
    np.savez(path, nothing=np.zeros(1))
    path.with_suffix(".json").write_text('{"version": "x", "features_version": "f0", "format": 1}')
    with pytest.raises(ClaimModelError, match="rebuild it with `make train`"):
        load_claim_model(path)
    with pytest.raises(ClaimModelError, match="no claim model"):
        load_claim_model(tmp_path / "missing.npz")
