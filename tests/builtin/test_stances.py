"""Stances from general cues: acts, calls, evaluations, denials and retractions."""

from __future__ import annotations

from api.builtin.engine import analyse
from api.pipeline.contract import semantic_errors
from schemas.llm import AnalysisContract
from tests.builtin.conftest import actor_named, job_for


def _analysed(text: str) -> AnalysisContract:
    job = job_for(text)
    contract, _ = analyse(job)
    assert semantic_errors(contract, job) == []
    return contract


def _stance(contract: AnalysisContract, actor: str) -> tuple[str, str]:
    wanted = actor_named(contract, actor).id
    claims = {c.id: c.text for c in contract.claims}
    (stance,) = [s for s in contract.stances if s.actor == wanted]
    return stance.stance, claims.get(stance.target, stance.target)


def test_a_headline_denial_opposes_what_it_denies() -> None:
    contract = _analysed("Acme Corp denies plans to close its Leeds factory")
    assert _stance(contract, "Acme Corp") == ("oppose", "plans to close its Leeds factory")


def test_opposing_in_the_act_and_calling_for_something() -> None:
    text = (
        "Harbour plan approved\n\n"
        "The Harbour Residents' Association opposed the plan on Monday. "
        "Union leader Maria Lopez called for the port to be brought under public control."
    )
    contract = _analysed(text)
    assert _stance(contract, "Harbour Residents' Association") == ("oppose", "the plan")
    label, target = _stance(contract, "Maria Lopez")
    assert label == "support" and "public control" in target


def test_a_call_on_both_sides_is_neutral_and_an_insult_opposes() -> None:
    text = (
        "Pay dispute\n\n"
        '"This offer is an insult," said union secretary Tom Reed. '
        "The Regional Council called on both sides to show restraint."
    )
    contract = _analysed(text)
    assert _stance(contract, "Tom Reed") == ("oppose", "This offer")
    label, target = _stance(contract, "Regional Council")
    assert label == "neutral" and "restraint" in target


def test_a_retracted_statement_leaves_the_denial() -> None:
    text = (
        "Police withdraw arrest announcement\n\n"
        "Eastmere Police said on Monday that a man had been arrested on suspicion of arson. "
        "On Tuesday, the police withdrew the statement."
    )
    contract = _analysed(text)
    claims = {c.id: c.text for c in contract.claims}
    police = actor_named(contract, "Eastmere Police").id
    found = [(s.stance, claims.get(s.target, s.target)) for s in contract.stances]
    assert {label for label, _ in found} == {"oppose"}
    assert any("arrested" in target for _, target in found)
    assert all(s.actor == police for s in contract.stances)


def test_a_judgement_of_this_targets_the_claim_just_reported() -> None:
    text = (
        "Drone row\n\n"
        "The government of Ostrel said a Norvanian drone had crossed into its airspace. "
        '"This is a deliberate provocation," said defence minister Aurel Kasza. '
        '"We have made a good offer," said the operator\'s director, Nadia Firth.'
    )
    contract = _analysed(text)
    label, target = _stance(contract, "Aurel Kasza")
    assert label == "oppose" and "drone" in target
    assert _stance(contract, "Nadia Firth") == ("support", "a good offer")
