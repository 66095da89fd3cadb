"""Claim statuses from reporting cues on short texts: denial by negation, retraction."""

from __future__ import annotations

from api.builtin.engine import analyse
from api.pipeline.contract import semantic_errors
from tests.builtin.conftest import actor_named, job_for

DRONE = (
    "Ostrel accuses Norvania of drone incursion; Norvania denies it\n\n"
    "The government of Ostrel said on Saturday that a Norvanian military drone had crossed "
    "into its airspace near the border town of Vell. Norvania's foreign ministry rejected the "
    'accusation. "No Norvanian aircraft entered Ostrelian airspace on Saturday," said a '
    "ministry spokeswoman, Liv Sandemo."
)
RETRACTION = (
    "Police withdraw arrest announcement\n\n"
    "Eastmere Police said on Monday that a 34-year-old man had been arrested on suspicion of "
    "arson after a fire destroyed the roof of the Corn Exchange. On Tuesday, the police "
    "withdrew the statement."
)


def test_rejection_and_negated_quote_make_a_claim_disputed() -> None:
    job = job_for(DRONE)
    contract, _ = analyse(job)
    (claim,) = [c for c in contract.claims if "drone" in c.text]
    assert claim.status == "disputed"
    assert actor_named(contract, "Norvania's foreign ministry").id in claim.denied_by
    assert actor_named(contract, "Liv Sandemo").id in claim.denied_by
    assert semantic_errors(contract, job) == []


def test_retracted_statement_is_denied() -> None:
    job = job_for(RETRACTION)
    contract, _ = analyse(job)
    (claim,) = [c for c in contract.claims if "arrested" in c.text]
    police = actor_named(contract, "Eastmere Police")
    assert (claim.status, claim.asserted_by, claim.denied_by) == ("denied", [], [police.id])
    assert semantic_errors(contract, job) == []


def _caller_status(headline: str, claim: str) -> str:
    job = job_for(headline, tasks=("claims",), caller_claims=(claim,))
    contract, _ = analyse(job)
    assert semantic_errors(contract, job) == []
    return contract.caller_claims[0].status


def test_headline_cues_give_caller_claim_status() -> None:
    claim = "The mayor was arrested for fraud"
    assert _caller_status("Police deny reports of mayor arrest", claim) == "denied"
    assert _caller_status("Mayor arrest story is a hoax", claim) == "denied"
    assert _caller_status("Mayor was not arrested, police say", claim) == "denied"
    assert _caller_status("Was the mayor arrested for fraud?", claim) == "unconfirmed"
    assert _caller_status("Mayor said to be arrested for fraud", claim) == "unconfirmed"
    assert _caller_status("Mayor arrested for fraud", claim) == "confirmed"
    assert _caller_status("Council approves new budget", claim) == "not_mentioned"


def test_a_company_announcing_its_own_plan_confirms_it() -> None:
    text = "Bakery plans\n\nKettle Foods said on Monday that it would open ten new shops."
    job = job_for(text, tasks=("claims",), caller_claims=("Kettle Foods will open ten shops",))
    contract, _ = analyse(job)
    assert contract.caller_claims[0].status == "confirmed"


def test_a_claim_about_a_named_subject_needs_that_subject_or_its_acronym() -> None:
    text = "Hewlett Packard news\n\nHP confirms plan to split company."
    assert _caller_status(text, "Hewlett-Packard will split the company") == "confirmed"
    assert _caller_status(text, "Dell will split the company") == "not_mentioned"


def test_the_reporters_own_checkable_facts_are_confirmed_claims() -> None:
    text = (
        "Meteor shower tonight\n\n"
        "The year's brightest meteor shower reaches its peak on Wednesday night. "
        "Up to 60 meteors an hour can be seen after midnight. "
        "The display may be spoiled by cloud on Wednesday. "
        "Astronomers love it."
    )
    job = job_for(text)
    contract, _ = analyse(job)
    assert {c.text: c.status for c in contract.claims} == {
        "The year's brightest meteor shower reaches its peak on Wednesday night.": "confirmed",
        "Up to 60 meteors an hour can be seen after midnight.": "confirmed",
    }  # hedged ("may") and number-free sentences are not claimed
    assert semantic_errors(contract, job) == []
