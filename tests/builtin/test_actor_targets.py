"""Stances on another actor (contract v2 `target_actor`, issue 13), on real sentences from the
shared data (FNC-1 bodies, by `body_id`; the tests never read the data)."""

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


def _on_actor(contract: AnalysisContract, speaker: str) -> tuple[str, str]:
    """(label, target id) of the speaker's one stance."""
    wanted = actor_named(contract, speaker).id
    (stance,) = [s for s in contract.stances if s.actor == wanted]
    return stance.stance, stance.target


def test_criticising_an_actor_opposes_that_actor() -> None:
    # FNC-1 body 1268
    contract = _analysed(
        "The legendary New York Times media critic put Smith in his place when Smith "
        "criticized the Times for what he thought was a lack of coverage in "
        "genocide-stricken areas like Africa."
    )
    assert _on_actor(contract, "Smith") == ("oppose", actor_named(contract, "Times").id)


def test_an_accusation_opposes_the_accused() -> None:
    # FNC-1 body 2336: "accused" is a reporting verb, no cue word in what is said
    contract = _analysed(
        "India's Central Bureau of Investigation has reportedly accused Ram Rahim of "
        "grievous bodily harm and he is under investigation."
    )
    speaker = contract.actors[0].name
    assert _on_actor(contract, speaker) == ("oppose", actor_named(contract, "Ram Rahim").id)


def test_calling_an_actors_claim_unfounded_opposes_that_actor() -> None:
    # FNC-1 body 324 (second sentence verbatim; the first says what Hunter claimed)
    contract = _analysed(
        "Hunter said the men had been caught at the border. "
        "On Wednesday, DHS flatly said that Hunter’s claim was unfounded."
    )
    assert _on_actor(contract, "DHS") == ("oppose", actor_named(contract, "Hunter").id)


def test_a_target_that_only_belongs_to_an_actor_stays_a_topic(seed: AnalysisContract) -> None:
    """Seed article: "We condemn North Korea’s illegal military cooperation" is about the
    cooperation, not North Korea; Zinoviev's praise of "Russia’s and North Korea’s
    cooperation" is no stance on Russia either."""
    by_speaker = {(s.actor, s.target) for s in seed.stances}
    kim, zinoviev = actor_named(seed, "Kim Hong-Kyun").id, actor_named(seed, "Zinoviev").id
    assert (kim, "North Korea’s illegal military cooperation") in by_speaker
    assert (zinoviev, "Russia’s and North Korea’s cooperation") in by_speaker
    assert not {s.target for s in seed.stances} & {a.id for a in seed.actors}


def test_an_accused_who_is_not_an_actor_leaves_no_target_id() -> None:
    # FNC-1 bodies 1047 and 1756: North Korea only appears as the accused, so it is no
    # actor of the article and the stance (if any) cannot point at one
    contract = _analysed(
        "The FBI recently accused North Korea of being behind cyber attacks on the US."
    )
    ids = {a.id for a in contract.actors}
    assert not [s for s in contract.stances if s.target in ids]
