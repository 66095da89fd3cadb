"""Caller claims that abstain, defensible attribution and few decisive sentences (issue 11).

The four seed rows of the issue: what a fact-checker gets for each claim on the seed
article."""

from __future__ import annotations

import pytest

from api.builtin.engine import analyse
from api.builtin.nlp import parse_sentences, parse_texts
from api.builtin.relatedness2 import assess_relatedness
from api.pipeline.contract import numbers, semantic_errors
from schemas.llm import AnalysisContract, CallerClaimAssessment
from tests.builtin.conftest import SEED, actor_named, job_for

SEED_ROWS = (
    "China sent troops to Ukraine",
    "NATO declared war on North Korea",
    "Russia denied the reports",
    "North Korea sent troops to Russia",
)


@pytest.fixture(scope="module")
def rows() -> tuple[AnalysisContract, list[CallerClaimAssessment]]:
    job = job_for(SEED.read_text(encoding="utf-8"), tasks=("claims",), caller_claims=SEED_ROWS)
    contract, _ = analyse(job)
    assert semantic_errors(contract, job) == []
    return contract, contract.caller_claims


def test_claims_about_other_events_are_not_mentioned(
    rows: tuple[AnalysisContract, list[CallerClaimAssessment]],
) -> None:
    _, (china, nato, _, _) = rows
    for row in (china, nato):
        assert (row.status, row.evidence, row.asserted_by, row.denied_by) == (
            "not_mentioned", [], [], []
        )  # fmt: skip
        # China: a missing name (gate); NATO's war: the learned stage, less sure (0.67;
        # 0.71 before the stage learned the rules' match as a feature)
        assert row.confidence > 0.6


def test_the_kremlin_denial_confirms_that_russia_denied(
    rows: tuple[AnalysisContract, list[CallerClaimAssessment]],
) -> None:
    _, (_, _, denied, _) = rows
    assert denied.status == "confirmed"
    assert numbers(denied.evidence) == [10]  # "The Kremlin earlier denied the reports."


def test_troops_claim_is_disputed_by_the_right_actors_on_few_sentences(
    rows: tuple[AnalysisContract, list[CallerClaimAssessment]],
) -> None:
    contract, (_, _, _, troops) = rows
    assert troops.status == "disputed"
    assert troops.denied_by == [actor_named(contract, "Kremlin").id]
    for name in ("South Korea’s Intelligence Service", "Volodymyr Zelenskyy"):
        assert actor_named(contract, name).id in troops.asserted_by
    # Rutte only said troops "would mark a significant escalation": a conditional
    assert actor_named(contract, "Mark Rutte").id not in troops.asserted_by
    assert 3 <= len(troops.evidence) <= 5
    assert troops.evidence[0].act == "denies" and troops.evidence[0].sentence == 10
    assert {e.act for e in troops.evidence} >= {"asserts", "denies"}
    assert 0.0 < troops.confidence < 1.0


def test_a_conditional_judgement_does_not_assert_the_claim() -> None:
    text = (
        "Drones over Vell\n\nThe Ostrel defence ministry said Norvania had sent drones over "
        "the town of Vell. Norvania sending drones over Vell would mark a dangerous "
        "escalation, the mayor Anna Brik said."
    )
    job = job_for(text, tasks=("claims",), caller_claims=("Norvania sent drones over Vell",))
    contract, _ = analyse(job)
    (claim,) = contract.caller_claims
    assert claim.status != "not_mentioned"
    assert actor_named(contract, "Anna Brik").id not in claim.asserted_by


@pytest.mark.parametrize(
    ("claim", "names", "predicate"),
    [
        ("China sent troops to Ukraine", ("China",), None),
        ("NATO declared war on North Korea", (), "declare"),
        ("North Korean soldiers were deployed to Russia", (), None),  # "deploy" ~ "ship"
        ("The Kremlin denied that troops were sent", (), None),  # speech: not a predicate
    ],
)
def test_relatedness_checks_names_and_predicate(
    claim: str, names: tuple[str, ...], predicate: str | None
) -> None:
    docs = parse_sentences(job_for(SEED.read_text(encoding="utf-8")).article)
    (doc,) = parse_texts([claim])
    found = assess_relatedness(doc, docs, p_model=0.9)
    assert (found.missing_names, found.missing_predicate) == (names, predicate)
    # a missing name is a gate; the predicate checks are features of the learned stage
    assert found.related == (not names and predicate is None)
    if names:
        assert found.p_mentioned <= 0.1


def test_an_acronym_or_a_common_alias_names_the_subject() -> None:
    docs = parse_texts(["HP confirms plan to split company.", "Islamic State trains pilots."])
    for claim in ("Hewlett Packard will split the company", "ISIS is training pilots"):
        (doc,) = parse_texts([claim])
        assert assess_relatedness(doc, docs, p_model=0.9).missing_names == ()
