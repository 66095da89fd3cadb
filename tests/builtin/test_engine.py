"""BuiltinEngine behaviour: meta, tasks, caller claims and actors, grounding candidates."""

from __future__ import annotations

from api.builtin import BuiltinEngine, candidate_actors
from api.builtin.engine import analyse
from api.pipeline.article import prepare_article
from api.pipeline.contract import numbers, semantic_errors
from api.pipeline.engine import AnalysisJob
from tests.builtin.conftest import SEED, actor_named, job_for


async def test_run_labels_itself_builtin(seed_job: AnalysisJob) -> None:
    result = await BuiltinEngine().run(seed_job)
    assert (result.engine, result.accounting.model, result.accounting.provider) == (
        "builtin",
        "builtin/rules-en",
        "stancewire",
    )
    spent = result.accounting
    assert (result.prompt_version, spent.attempts, spent.usage.total_tokens) == (None, 0, 0)
    assert result.contract.stances and result.warnings == []


def test_summary_only_fills_nothing_else() -> None:
    job = job_for(SEED.read_text(encoding="utf-8"), tasks=("summary",))
    contract, _ = analyse(job)
    assert contract.summary and contract.headline
    assert (contract.actors, contract.claims, contract.stances) == ([], [], [])


def test_stances_without_claims_name_the_claim_instead_of_an_id() -> None:
    job = job_for(SEED.read_text(encoding="utf-8"), tasks=("stances",))
    contract, _ = analyse(job)
    assert contract.actors and contract.stances
    assert contract.claims == [] and contract.summary == ""
    assert not any(s.target.startswith("C") and s.target[1:].isdigit() for s in contract.stances)
    assert semantic_errors(contract, job) == []


def test_caller_claims_mentioned_and_not_mentioned() -> None:
    claims = ("North Korea sent troops to Russia", "Putin visited Pyongyang last week")
    job = job_for(SEED.read_text(encoding="utf-8"), tasks=("claims",), caller_claims=claims)
    contract, _ = analyse(job)
    troops, visit = contract.caller_claims
    assert (troops.index, visit.index) == (1, 2)
    assert troops.status in {"disputed", "unconfirmed"}
    assert troops.denied_by == [actor_named(contract, "Kremlin").id]
    assert 14 in numbers(troops.evidence)
    assert (visit.status, visit.evidence, visit.asserted_by) == ("not_mentioned", [], [])
    assert semantic_errors(contract, job) == []


def test_caller_claim_stated_by_the_reporter_is_confirmed() -> None:
    text = "Flood closes bridge\nThe river flooded the old bridge on Tuesday, the mayor said."
    text += " The bridge reopens in May after repairs to the railings and the road surface."
    job = job_for(text, tasks=("claims",), caller_claims=("The bridge reopens in May",))
    contract, _ = analyse(job)
    (claim,) = contract.caller_claims
    assert (claim.status, numbers(claim.evidence)) == ("confirmed", [3])


def test_caller_actor_is_added_when_the_text_names_it() -> None:
    job = job_for(SEED.read_text(encoding="utf-8"), caller_actors=("Ukraine", "Reuters", "Kim"))
    contract, _ = analyse(job)
    ukraine = actor_named(contract, "Ukraine")
    assert ukraine.kind == "country"
    assert not any("Reuters" in a.name for a in contract.actors)  # only in the skipped trailer
    assert sum(a.name == "Kim Hong-Kyun" for a in contract.actors) == 1
    assert semantic_errors(contract, job) == []


def test_candidate_actors_for_llm_grounding() -> None:
    names = [a.name for a in candidate_actors(prepare_article(SEED.read_text(encoding="utf-8")))]
    assert {"Kim Hong-Kyun", "Kremlin", "Zinoviev", "Mark Rutte"} <= set(names)
    assert "Reuters" not in names


def test_pronoun_speaker_and_according_to() -> None:
    text = (
        "Council row over budget\n"
        "Mayor Anna Berg said the budget was illegal. "
        "The plan is a violation of the city charter, she wrote. "
        "The tax is lawful, according to the Finance Ministry."
    )
    job = job_for(text)
    contract, _ = analyse(job)
    berg = actor_named(contract, "Anna Berg")
    ministry = actor_named(contract, "Finance Ministry")
    by_actor = {(s.actor, s.stance, s.target) for s in contract.stances}
    assert (berg.id, "oppose", "The plan") in by_actor
    assert (ministry.id, "support", "The tax") in by_actor
    assert semantic_errors(contract, job) == []


def test_described_sources_are_actors_and_fold_into_named_ones() -> None:
    text = (
        "Port row\n\n"
        "The Quayside Residents' Association opposed the plan on Monday. "
        "The council's engineers said the harbour wall was not at risk. "
        "The residents' association said it would ask for a survey. "
        "Shipping agents warned that the works could delay deliveries."
    )
    job = job_for(text)
    contract, _ = analyse(job)
    names = [a.name for a in contract.actors]
    assert names == ["Quayside Residents' Association", "council's engineers", "Shipping agents"]
    assert "residents' association" in contract.actors[0].aliases
    assert semantic_errors(contract, job) == []
