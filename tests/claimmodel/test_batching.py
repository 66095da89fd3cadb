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
