"""Contract v2 (issue 11): speech acts, UTF-16 offsets, confidence lowered by failed soft
checks, an analysis id per response, evidence in the order cited."""

from __future__ import annotations

import re
from typing import Any

from api.compose import make_analyzer
from api.config import Settings
from api.pipeline.article import prepare_article
from api.pipeline.confidence import PENALTY, lower_confidence
from api.pipeline.engine import AnalysisJob
from api.pipeline.grounding import resolve_evidence
from schemas import SCHEMA_VERSION
from schemas.llm import ALL_TASKS, AnalysisContract, CallerClaimAssessment, EvidenceItem
from schemas.request import AnalyzeRequest
from tests.fakes import ScriptedClient

EMOJI_TEXT = "Storm 🌉 closes bridge\nThe 🌊 river rose. Officials denied the bridge was unsafe."


def test_schema_version_is_two() -> None:
    assert SCHEMA_VERSION == "2.0"


def test_utf16_offsets_count_an_emoji_twice() -> None:
    article = prepare_article(EMOJI_TEXT)
    (span,) = resolve_evidence(article, [EvidenceItem(sentence=3, act="denies")])
    assert (
        EMOJI_TEXT[span.start : span.end] == span.quote == "Officials denied the bridge was unsafe."
    )
    encoded = EMOJI_TEXT.encode("utf-16-le")
    quote = encoded[2 * span.start_utf16 : 2 * span.end_utf16].decode("utf-16-le")
    assert quote == span.quote
    assert (span.start_utf16 - span.start, span.speech_act) == (2, "denies")


def test_utf16_offsets_equal_code_points_without_astral_characters() -> None:
    article = prepare_article("Plain text. Ünïcödé but no emoji.")
    assert [article.utf16(s.start) for s in article.sentences] == [
        s.start for s in article.sentences
    ]


def test_evidence_keeps_the_order_cited_and_each_sentence_once() -> None:
    article = prepare_article(EMOJI_TEXT)
    cited = [EvidenceItem(sentence=n, act="reports") for n in (3, 1, 3)]
    assert [s.sentence for s in resolve_evidence(article, cited)] == [3, 1]


def _job(text: str, claims: tuple[str, ...] = ()) -> AnalysisJob:
    return AnalysisJob(prepare_article(text), "m", ALL_TASKS, caller_claims=claims)


def test_failed_soft_checks_lower_confidence_with_a_warning(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    assert lower_confidence(contract, _job(seed_text)) == []  # a sound answer keeps its own
    claim = contract.claims[0]
    claim.evidence = [EvidenceItem(sentence=2, act="denies"), *claim.evidence]  # Putin letter
    (warning,) = lower_confidence(contract, _job(seed_text))
    assert warning.code == "confidence_lowered"
    assert "Claim C1" in warning.message and "sentence 2 is cited as denying" in warning.message
    assert claim.confidence == round(0.85 * PENALTY**2, 4)  # the act, and 6 sentences cited
    assert len(claim.evidence) == 5


def test_a_holder_no_cited_sentence_shows_lowers_confidence(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    contract.claims[0].asserted_by.append("A8")  # Rutte: cited sentences never show him
    (warning,) = lower_confidence(contract, _job(seed_text))
    assert "'Mark Rutte' is listed as asserting or denying it" in warning.message


def test_caller_claim_verdict_on_unrelated_sentences_is_lowered(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    contract.caller_claims = [
        CallerClaimAssessment(
            index=1,
            status="confirmed",
            evidence=[EvidenceItem(sentence=2, act="asserts")],
            confidence=0.9,
        )
    ]
    job = _job(seed_text, ("China sent warships to Taiwan",))
    (warning,) = lower_confidence(contract, job)
    assert "do not share the claim's words" in warning.message
    assert contract.caller_claims[0].confidence == round(0.9 * PENALTY, 4)


async def test_every_response_gets_its_own_id_a_cache_hit_too(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    settings = llm_settings.model_copy(update={"cache_size": 8})
    analyzer = make_analyzer(settings, client=ScriptedClient(seed_contract))
    first = await analyzer.analyze(AnalyzeRequest(text=seed_text))
    again = await analyzer.analyze(AnalyzeRequest(text=seed_text))
    assert again.meta.cache_hit and not first.meta.cache_hit
    assert re.fullmatch(r"[0-9a-f]{32}", first.id) and re.fullmatch(r"[0-9a-f]{32}", again.id)
    assert first.id != again.id
    assert first.text_source == "submitted"
    assert first.meta.schema_version == "2.0"
    assert all(0.0 <= c.confidence <= 1.0 for c in first.claims)


def test_a_stance_on_a_long_topic_is_lowered(seed_text: str, seed_contract: dict[str, Any]) -> None:
    contract = AnalysisContract.model_validate(seed_contract)
    contract.stances[-1].target = "the question of whether North Korean troops are in Russia"
    (warning,) = lower_confidence(contract, _job(seed_text))
    assert "not a claim id, an actor id or a short topic" in warning.message
