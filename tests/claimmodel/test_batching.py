"""The engine and the cross-check call each claim-model booster once per article, not once
per claim (a booster's cost is per call: one pass over its trees)."""

from __future__ import annotations

from collections import Counter
from typing import Any

import numpy as np
import pytest

from api.builtin.claimmodel.inference import Booster
from api.builtin.crosscheck import cross_check
from api.builtin.engine import analyse
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS, AnalysisContract, CallerClaimAssessment, EvidenceItem

CLAIMS = ("North Korea sent troops to Russia", "China sent troops to Ukraine", "Russia denied it")


@pytest.fixture
def calls(monkeypatch: pytest.MonkeyPatch) -> Counter[int]:
    """Calls per booster (keyed by its number of trees)."""
    counted: Counter[int] = Counter()
    raw = Booster.raw

    def counting(self: Booster, X: np.ndarray) -> np.ndarray:
        counted[len(self.roots)] += 1
        return raw(self, X)

    monkeypatch.setattr(Booster, "raw", counting)
    return counted


def _job(text: str) -> AnalysisJob:
    return AnalysisJob(prepare_article(text), "m", ALL_TASKS, caller_claims=CLAIMS)


def test_the_engine_calls_each_booster_once_for_claims_and_once_for_caller_claims(
    seed_text: str, calls: Counter[int]
) -> None:
    contract, _ = analyse(_job(seed_text))
    assert len(contract.claims) >= 2 and len(contract.caller_claims) == len(CLAIMS)
    assert sorted(calls.values()) == [2, 2]  # related, stance: claims + caller claims


def test_the_cross_check_calls_each_booster_at_most_twice(
    seed_text: str, seed_contract: dict[str, Any], calls: Counter[int]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    evidence = [EvidenceItem(sentence=1, act="asserts")]
    contract.caller_claims = [
        CallerClaimAssessment(index=i, status="confirmed", evidence=evidence, confidence=0.9)
        for i in range(1, len(CLAIMS) + 1)
    ]
    assert len(contract.claims) >= 2
    cross_check(contract, _job(seed_text))
    related, stance = sorted(calls.items())  # 200 trees vs 200 x 3 classes
    assert related[1] == 1  # every claim and caller claim in one call
    assert stance[1] <= 2  # the same call, and the stances' check


def test_a_one_sentence_claim_is_featurised_and_predicted_once_with_the_same_answer() -> None:
    """Its sentence row is its article row: computed and predicted once, the answer the same
    as with the sentence computed on its own (and as one of two claims in a batch)."""
    from api.builtin.claimmodel.features import ClaimView, article_vector, sentence_matrix
    from api.builtin.claimmodel.model import load_claim_model
    from api.builtin.claimmodel.text import read

    model = load_claim_model()
    claim, sentence = "Russia denied the reports", "Russia on Monday denied the reports."
    rows = model._rows(claim, [sentence])
    assert rows.shared and len(rows.predicted[0]) == 1
    view = ClaimView.of(claim, model.idf)
    tokens = [read(sentence)]
    alone = article_vector(claim, view, tokens, sentence_matrix(view, tokens), sentence, model.idf)
    assert np.array_equal(rows.singles[0], alone)
    one = model.assess(claim, [sentence])
    two = model.assess_many([(claim, [sentence]), ("Russia sent troops", ["No.", sentence])])
    assert one == two[0]
    assert len(one.sentences) == 1  # the sentence's stance is the article's: the same row
    assert one.sentences[0].speech_acts["asserts"] == one.stance["agree"]
