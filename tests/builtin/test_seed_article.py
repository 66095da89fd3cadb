"""The seed article: the findings issue 4 and DESIGN §5 expect from the built-in engine."""

from __future__ import annotations

from api.pipeline.contract import numbers, semantic_errors
from api.pipeline.engine import AnalysisJob
from schemas.llm import AnalysisContract, ContractStance
from tests.builtin.conftest import actor_named


def stances_of(contract: AnalysisContract, name: str) -> list[ContractStance]:
    actor = actor_named(contract, name)
    return [s for s in contract.stances if s.actor == actor.id]


def test_contract_passes_semantic_checks(seed: AnalysisContract, seed_job: AnalysisJob) -> None:
    assert semantic_errors(seed, seed_job) == []


def test_actors_found_with_kinds_roles_and_aliases(seed: AnalysisContract) -> None:
    kim = actor_named(seed, "Kim Hong-Kyun")
    assert (kim.kind, kim.role, kim.aliases) == ("person", "South Korean vice minister", ["Kim"])
    assert actor_named(seed, "Putin").name == "Vladimir Putin"
    assert actor_named(seed, "Volodymyr Zelenskyy").role == "Ukrainian President"
    assert actor_named(seed, "Kremlin").kind == "government"
    spy = actor_named(seed, "spy agency")
    assert spy.name == "South Korea’s Intelligence Service"
    assert "agency" in spy.aliases
    assert actor_named(seed, "White House National Security Council").kind == "government"
    assert actor_named(seed, "Mark Rutte").role == "Secretary-General of NATO"
    assert actor_named(seed, "Zinoviev").kind == "person"


def test_no_actor_outside_the_text(seed: AnalysisContract, seed_job: AnalysisJob) -> None:
    names = [n for a in seed.actors for n in [a.name, *a.aliases]]
    assert not any("reuters" in n.lower() for n in names)
    analysed = " ".join(s.text for s in seed_job.article.sentences)
    assert all(a.name in analysed for a in seed.actors)


def test_kim_opposes_the_troop_dispatch(seed: AnalysisContract) -> None:
    (stance,) = stances_of(seed, "Kim")
    assert stance.stance == "oppose"
    # "We condemn North Korea's illegal military cooperation ...", then the quote goes on
    assert numbers(stance.evidence) == [6, 7]
    # a noun phrase of <= 6 words (issue 13), not the whole clause
    assert stance.target == "North Korea’s illegal military cooperation"


def test_zinoviev_supports_the_cooperation(seed: AnalysisContract) -> None:
    (stance,) = stances_of(seed, "Zinoviev")
    assert (stance.stance, numbers(stance.evidence)) == ("support", [8])
    assert "cooperation" in stance.target


def test_positions_on_the_troops_claim(seed: AnalysisContract) -> None:
    claim = _troops_claim(seed)
    expected = {
        "Kremlin": "oppose",
        "White House National Security Council": "neutral",
        "spy agency": "support",
        "Volodymyr Zelenskyy": "support",
    }
    for name, label in expected.items():
        on_claim = [s for s in stances_of(seed, name) if s.target == claim.id]
        assert [s.stance for s in on_claim] == [label], name


def _troops_claim(contract: AnalysisContract):  # type: ignore[no-untyped-def]
    matches = [c for c in contract.claims if {10, 14} <= set(numbers(c.evidence))]
    assert len(matches) == 1, contract.claims
    return matches[0]


def test_troops_claim_is_disputed_with_both_sides(seed: AnalysisContract) -> None:
    claim = _troops_claim(seed)
    assert "North Korea" in claim.text and "forces" in claim.text
    assert claim.status in {"disputed", "unconfirmed"}
    assert set(claim.asserted_by) == {
        actor_named(seed, "spy agency").id,
        actor_named(seed, "Volodymyr Zelenskyy").id,
    }
    assert claim.denied_by == [actor_named(seed, "Kremlin").id]
    cited = numbers(claim.evidence)
    assert 16 in cited and len(cited) <= 5  # the White House "couldn't confirm"; few sentences
    assert {3, 9} & set(cited)  # the reporter's "alleged" or "unconfirmed"


def test_ministry_violation_claim_is_its_own(seed: AnalysisContract) -> None:
    (claim,) = [c for c in seed.claims if "violation" in c.text]
    assert claim.asserted_by == [actor_named(seed, "South Korean ministry").id]
    assert numbers(claim.evidence) == [5]


def test_every_stance_has_a_cue_and_no_guess(seed: AnalysisContract) -> None:
    silent = ["Yoon Suk Yeol", "NATO", "South Korea’s defense ministry"]
    for name in silent:
        assert stances_of(seed, name) == [], name


def test_summary_is_extractive(seed: AnalysisContract, seed_job: AnalysisJob) -> None:
    text = " ".join(s.clean for s in seed_job.article.sentences)  # "]" debris removed
    assert seed.headline == "Putin vows trade, security beyond West for North Korea"
    assert "troops" in seed.summary and "Reuters" not in seed.summary
    assert 3 <= len(seed.key_points) <= 6
    for piece in [*seed.key_points, *seed.summary.split(". ")]:
        assert piece in text
