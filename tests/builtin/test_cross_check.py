"""The claim model checks an LLM's claim verdicts (issue 12): a strong disagreement
lowers the finding's confidence with a `finding_disputed_by_check` warning naming it."""

from __future__ import annotations

from typing import Any

import pytest

from api.builtin.crosscheck import cross_check
from api.compose import make_analyzer
from api.config import Settings
from api.pipeline.article import prepare_article
from api.pipeline.confidence import PENALTY
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS, AnalysisContract, CallerClaimAssessment, EvidenceItem
from schemas.request import AnalyzeRequest
from tests.fakes import ScriptedClient

UNRELATED = "The city council banned cars from the old town"


def _job(text: str, claims: tuple[str, ...] = ()) -> AnalysisJob:
    return AnalysisJob(prepare_article(text), "m", ALL_TASKS, caller_claims=claims)


def _confirmed(index: int, sentence: int) -> CallerClaimAssessment:
    evidence = [EvidenceItem(sentence=sentence, act="asserts")]
    return CallerClaimAssessment(index=index, status="confirmed", evidence=evidence, confidence=0.9)


def test_verdicts_the_claim_model_can_read_are_left_alone(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    before = [c.confidence for c in contract.claims]
    assert cross_check(contract, _job(seed_text)) == []
    assert [c.confidence for c in contract.claims] == before


def test_a_verdict_the_cited_sentences_contradict_is_disputed(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    claim = contract.claims[0]  # North Korea has sent troops: asserted and denied
    claim.status, before = "denied", claim.confidence
    (warning,) = cross_check(contract, _job(seed_text))
    assert warning.code == "finding_disputed_by_check"
    assert warning.message.startswith(f"Claim {claim.id}: the claim model gives 'denied'")
    assert claim.confidence == round(before * PENALTY, 4)


def test_a_caller_claim_the_article_is_not_about_cannot_be_confirmed(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    contract.caller_claims = [_confirmed(1, 1), _confirmed(2, 1)]
    job = _job(seed_text, ("North Korea sent troops to Russia", UNRELATED))
    (warning,) = cross_check(contract, job)
    assert warning.message.startswith("Caller claim 2: the claim model gives 'confirmed'")
    assert "its reading: not_mentioned" in warning.message
    assert [c.confidence for c in contract.caller_claims] == [0.9, round(0.9 * PENALTY, 4)]


def test_an_abstention_is_never_disputed(seed_text: str, seed_contract: dict[str, Any]) -> None:
    # the claim model alone calls near misses related: it may not overrule an abstention
    contract = AnalysisContract.model_validate(seed_contract)
    contract.caller_claims = [
        CallerClaimAssessment(index=1, status="not_mentioned", evidence=[], confidence=0.8)
    ]
    assert cross_check(contract, _job(seed_text, ("North Korea sent troops to Russia",))) == []
    assert contract.caller_claims[0].confidence == 0.8


def _with_caller_claim(seed_contract: dict[str, Any]) -> dict[str, Any]:
    answer = dict(seed_contract)
    answer["caller_claims"] = [
        {"index": 1, "status": "confirmed", "asserted_by": [], "denied_by": [],
         "evidence": [{"sentence": 1, "act": "asserts"}], "confidence": 0.9}
    ]  # fmt: skip
    return answer


async def test_the_service_adds_the_warning_and_a_setting_turns_it_off(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    request = AnalyzeRequest(text=seed_text, claims=[UNRELATED])
    answer = _with_caller_claim(seed_contract)
    on = await make_analyzer(llm_settings, client=ScriptedClient(answer)).analyze(request)
    codes = [w.code for w in on.warnings]
    assert codes.count("finding_disputed_by_check") == 1
    off_settings = llm_settings.model_copy(update={"cross_check": False})
    off = await make_analyzer(off_settings, client=ScriptedClient(answer)).analyze(request)
    assert "finding_disputed_by_check" not in [w.code for w in off.warnings]
    (asked_on,) = [c for c in on.claims if c.source == "caller"]
    (asked_off,) = [c for c in off.claims if c.source == "caller"]
    assert asked_on.confidence == round(asked_off.confidence * PENALTY, 4)


def _stance(actor: str, target: str, stance: str, sentence: int) -> dict[str, Any]:
    return {"actor": actor, "target": target, "stance": stance,
            "evidence": [{"sentence": sentence, "act": "asserts"}], "confidence": 0.8}  # fmt: skip


KREMLIN_DENIES = 10  # "The Kremlin earlier denied the reports." (C1: troops sent)


def test_a_support_the_cited_sentences_deny_is_disputed(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    seed_contract["stances"] = [_stance("A4", "C1", "support", KREMLIN_DENIES)]
    contract = AnalysisContract.model_validate(seed_contract)
    warnings = cross_check(contract, _job(seed_text))
    (warning,) = [w for w in warnings if w.message.startswith("Stance")]
    assert warning.code == "finding_disputed_by_check"
    assert warning.message.startswith("Stance of A4 on C1: the claim model gives 'support'")
    assert contract.stances[0].confidence == round(0.8 * PENALTY, 4)


def test_stances_the_claim_model_cannot_read_are_left_alone(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    # oppose may condemn a true claim; a topic or an actor is no claim the model reads
    seed_contract["stances"] = [
        _stance("A4", "C1", "oppose", KREMLIN_DENIES),
        _stance("A4", "troops in Russia", "support", KREMLIN_DENIES),
        _stance("A4", "A2", "support", KREMLIN_DENIES),
        _stance("A4", "C1", "neutral", KREMLIN_DENIES),
    ]
    contract = AnalysisContract.model_validate(seed_contract)
    assert not [w for w in cross_check(contract, _job(seed_text)) if "Stance" in w.message]
    assert [s.confidence for s in contract.stances] == [0.8] * 4


async def test_the_service_checks_stances_and_the_setting_turns_it_off(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    answer = dict(seed_contract)
    answer["stances"] = [*seed_contract["stances"], _stance("A4", "C1", "support", KREMLIN_DENIES)]
    request = AnalyzeRequest(text=seed_text)
    on = await make_analyzer(llm_settings, client=ScriptedClient(answer)).analyze(request)
    disputed = [w.message for w in on.warnings if w.code == "finding_disputed_by_check"]
    assert len(disputed) == 1 and disputed[0].startswith("Stance of A4 on C1")
    off_settings = llm_settings.model_copy(update={"cross_check": False})
    off = await make_analyzer(off_settings, client=ScriptedClient(answer)).analyze(request)
    assert "finding_disputed_by_check" not in [w.code for w in off.warnings]


def test_stances_in_one_call_read_as_one_assessment_each(seed_text: str) -> None:
    from api.builtin.claimmodel import load_claim_model

    model = load_claim_model()
    sentences = [s.text for s in prepare_article(seed_text).sentences]
    items = [("North Korea has sent troops to Russia.", sentences[9:10]),
             ("Russia and North Korea cooperate lawfully.", sentences[7:9])]  # fmt: skip
    batched = model.stances(items)
    for (claim, cited), found in zip(items, batched, strict=True):
        single = model.assess(claim, cited).stance
        assert found == pytest.approx(single, abs=1e-9)
    assert model.stances([]) == []
