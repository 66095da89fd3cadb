"""Articles without a stance (issue 13): an actor's verdict on something it names ("described
the weapons drop as a mistake", "called the story mere propaganda", rumours that are
"rubbish") is a stance. Real sentences from FNC-1 bodies (by `body_id`); the tests never
read the data."""

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


def _stances(contract: AnalysisContract) -> list[tuple[str, str, str]]:
    names = {a.id: a.name for a in contract.actors}
    return [(names[s.actor], s.stance, names.get(s.target, s.target)) for s in contract.stances]


def test_describing_something_as_a_mistake_opposes_it() -> None:
    # FNC-1 body 781 (before: no stance in the whole article)
    contract = _analysed(
        "Speaking at a news conference in Ankara today, Erdogan described the weapons drop "
        "as a mistake."
    )
    assert _stances(contract) == [("Erdogan", "oppose", "the weapons drop")]


def test_a_quoted_verdict_after_said_is_a_stance() -> None:
    # FNC-1 body 61, with the speaker named instead of "The source ..."
    contract = _analysed("Kim Jong Un said rumors of a coup were “rubbish.”")
    assert _stances(contract) == [("Kim Jong Un", "oppose", "rumors of a coup")]


def test_an_unnamed_source_with_knowledge_of_someone_does_not_speak_for_them() -> None:
    """FNC-1 body 61 verbatim: the source's verdict was Kim Jong Un's before."""
    contract = _analysed(
        "The source with knowledge of Kim’s health said rumors of a coup were “rubbish.”"
    )
    assert contract.stances == []


def test_calling_someone_a_hero_supports_them() -> None:
    # FNC-1 body 588 (shortened); Haines is an actor of the article, so the target is his id
    contract = _analysed(
        "Alan Henning said Haines had helped him. "
        'Cameron described 44-year-old Haines as a "British hero".'
    )
    cameron = actor_named(contract, "Cameron").id
    haines = actor_named(contract, "Haines").id
    assert [(s.stance, s.target) for s in contract.stances if s.actor == cameron] == [
        ("support", haines)
    ]
