from typing import Any

import pytest
from pydantic import ValidationError

from api.pipeline.article import prepare_article
from api.pipeline.contract import semantic_errors
from api.pipeline.engine import AnalysisJob
from schemas.llm import ALL_TASKS, AnalysisContract


def _errors(seed_text: str, contract: dict[str, Any], claims: tuple[str, ...] = ()) -> list[str]:
    job = AnalysisJob(prepare_article(seed_text), "m", ALL_TASKS, caller_claims=claims)
    return semantic_errors(AnalysisContract.model_validate(contract), job)


def test_the_reference_answer_is_sound(seed_text: str, seed_contract: dict[str, Any]) -> None:
    assert _errors(seed_text, seed_contract) == []


def test_unknown_actor_and_claim_ids(seed_text: str, seed_contract: dict[str, Any]) -> None:
    seed_contract["claims"][0]["asserted_by"].append("A99")
    seed_contract["stances"][0]["target"] = "C42"
    errors = _errors(seed_text, seed_contract)
    assert any("actor A99 is not in actors" in e for e in errors)
    assert any("claim C42 is not in claims" in e for e in errors)


def test_sentence_numbers_out_of_range(seed_text: str, seed_contract: dict[str, Any]) -> None:
    seed_contract["stances"][0]["evidence"] = [
        {"sentence": 19, "act": "asserts"},
        {"sentence": 40, "act": "asserts"},
    ]
    assert any("[19, 40] do not exist; use 1 to 18" in e for e in _errors(seed_text, seed_contract))


def test_duplicate_actor_by_alias(seed_text: str, seed_contract: dict[str, Any]) -> None:
    seed_contract["actors"].append(
        {"id": "A9", "name": "Kim", "kind": "person", "role": None, "aliases": []}
    )
    assert any("A2 and A9 are the same" in e for e in _errors(seed_text, seed_contract))


def test_invented_actor_is_rejected(seed_text: str, seed_contract: dict[str, Any]) -> None:
    seed_contract["actors"].append(
        {"id": "A9", "name": "Xi Jinping", "kind": "person", "role": None, "aliases": []}
    )
    assert any(
        "('Xi Jinping') is not named in the article" in e for e in _errors(seed_text, seed_contract)
    )


def test_missing_evidence_fails_the_schema(seed_contract: dict[str, Any]) -> None:
    seed_contract["claims"][1]["evidence"] = []
    with pytest.raises(ValidationError, match=r"claims\.1\.evidence\s+List should have at least 1"):
        AnalysisContract.model_validate(seed_contract)


def test_stance_evidence_must_mention_the_actor(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    seed_contract["stances"][2]["evidence"] = [
        {"sentence": 2, "act": "asserts"}
    ]  # Kremlin stance cited on the Putin letter
    assert any(
        "no evidence sentence mentions 'Kremlin'" in e for e in _errors(seed_text, seed_contract)
    )


def test_pronoun_refers_back_to_a_named_actor(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    # Sentence 18 says "he wrote"; Mark Rutte is named in sentence 17.
    seed_contract["stances"][6]["evidence"] = [{"sentence": 18, "act": "asserts"}]
    assert _errors(seed_text, seed_contract) == []


def test_claim_evidence_must_be_about_the_claim(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    seed_contract["claims"][1]["evidence"] = [{"sentence": 1, "act": "asserts"}]
    assert any("Claim C2: none of its evidence" in e for e in _errors(seed_text, seed_contract))


def test_caller_claims_each_assessed_once(seed_text: str, seed_contract: dict[str, Any]) -> None:
    seed_contract["caller_claims"] = [
        {
            "index": 1,
            "status": "not_mentioned",
            "asserted_by": [],
            "denied_by": [],
            "evidence": [],
            "confidence": 0.8,
        }
    ]
    errors = _errors(seed_text, seed_contract, claims=("a", "b"))
    assert any("indexes [1, 2]" in e for e in errors)


def test_prune_drops_unsound_items_and_what_refers_to_them(
    seed_text: str, seed_contract: dict[str, Any]
) -> None:
    from api.pipeline.contract import prune_unsound

    seed_contract["actors"].append(
        {"id": "A9", "name": "MB", "kind": "organization", "role": None, "aliases": []}
    )
    seed_contract["claims"][1]["asserted_by"] = ["A9"]
    seed_contract["stances"].append(
        {
            "actor": "A9",
            "target": "memory",
            "stance": "support",
            "evidence": [{"sentence": 3, "act": "asserts"}],
            "confidence": 0.8,
        }
    )
    seed_contract["caller_claims"] = [
        {
            "index": 1,
            "status": "confirmed",
            "asserted_by": ["A9"],
            "denied_by": [],
            "evidence": [],
            "confidence": 0.8,
        }
    ]
    job = AnalysisJob(prepare_article(seed_text), "m", ALL_TASKS, caller_claims=("x",))
    contract = AnalysisContract.model_validate(seed_contract)
    pruned, dropped = prune_unsound(contract, job)
    assert semantic_errors(pruned, job) == []
    assert "A9" not in {a.id for a in pruned.actors} and len(pruned.claims) == 1
    # A9's stance goes, and so does Zinoviev's stance on C2, the claim that went with A9.
    assert len(pruned.stances) == len(seed_contract["stances"]) - 2
    assert pruned.caller_claims[0].status == "not_mentioned"
    assert dropped == 5


def test_possessive_name_matches_at_the_end_of_a_headline() -> None:
    """Regression: "MCDONALD'S" (the whole name, end of text) was 'not named in the article'
    because only a possessive followed by a space was stripped."""
    from api.pipeline.contract import mentions_actor
    from schemas.llm import ContractActor

    actor = ContractActor(id="A1", name="MCDONALD'S", kind="organization")
    assert mentions_actor("MEN ARRESTED AT MCDONALD'S", actor)
    assert mentions_actor("McDonald’s denies the report.", actor)
