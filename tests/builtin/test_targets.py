"""Stance targets a reader can scan (issue 13): noun phrases of at most 6 words, and no
actor both supporting and opposing one target without `mixed`."""

from __future__ import annotations

import pytest

from api.builtin.engine import analyse
from schemas.llm import AnalysisContract
from tests.builtin.conftest import job_for


def _stances(text: str) -> list[tuple[str, str]]:
    contract, _ = analyse(job_for(text, tasks=("actors", "stances")))
    return [(s.target, s.stance) for s in contract.stances]


@pytest.mark.parametrize(
    ("sentence", "target"),
    [
        # Wire copy (FNC-1 body, shortened): the phrase, not the whole clause.
        (
            "Cameron said he condemned the senseless and barbaric killing of James Foley.",
            "barbaric killing of James Foley",
        ),
        # Golden case 12: what the speaker wants done, as a noun phrase.
        (
            "Gwen Talbot called for bridge maintenance to be brought back under public control.",
            "bridge maintenance under public control",
        ),
        # Golden case 03 (Emergent): headline style, articles dropped.
        (
            "North Korea denies plans to open a restaurant in Scotland",
            "plans to open restaurant in Scotland",
        ),
    ],
)
def test_a_target_is_a_short_noun_phrase(sentence: str, target: str) -> None:
    assert [t for t, _ in _stances(sentence)] == [target]


def test_every_seed_article_target_has_at_most_six_words(seed: AnalysisContract) -> None:
    claims = {c.id for c in seed.claims}
    topics = [s.target for s in seed.stances if s.target not in claims]
    assert topics and all(len(t.split()) <= 6 for t in topics), topics


def test_support_and_opposition_from_one_actor_are_one_mixed_stance() -> None:
    """Before: one actor supported and opposed "the plan" as two stances."""
    stances = _stances(
        "Mayor John Smith praised the plan on Monday. On Tuesday, Smith condemned the plan."
    )
    assert stances == [("the plan", "mixed")]
