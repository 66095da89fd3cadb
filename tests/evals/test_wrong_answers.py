"""The wrong answers an outside audit found passing, as regression tests.

Each starts from the answer key's recorded analysis of a golden case (which passes), makes
the audit's edit, and must fail that case, on the check the edit is about, with the
answer still schema-valid (so it fails for the right reason).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from evals.answer_key import ANSWER_KEY_NAME
from evals.case_model import GoldenCase, load_cases
from evals.matching import find_expected_actor, ids_matching
from evals.results import RunFile
from evals.scores import PassRule
from evals.scoring import score_case
from schemas.analysis import Actor, Analysis

RUN = RunFile.load(
    Path(__file__).resolve().parents[2] / "evals" / "runs" / f"{ANSWER_KEY_NAME}.json"
)
CASES = {c.id: c for c in load_cases()}


def _answer(case_id: str) -> tuple[GoldenCase, Analysis]:
    result = RUN.case(case_id)
    assert result is not None and result.trials[0].analysis is not None
    return CASES[case_id], result.trials[0].analysis.model_copy(deep=True)


def _failing(case: GoldenCase, analysis: Analysis) -> set[str]:
    checks = PassRule().checks(score_case(case, analysis), case.thresholds)
    return {name for name, ok in checks.items() if not ok}


def _ids(case: GoldenCase, analysis: Analysis, name: str) -> set[str]:
    expected = find_expected_actor(name, case.expect.actors)
    assert expected is not None
    return ids_matching(analysis.actors, expected)


def _claim(analysis: Analysis, case: GoldenCase, index: int = 0) -> int:
    """Position in analysis.claims of the claim that answers expectation `index`."""
    claim_id = score_case(case, analysis).claims[index].claim_id
    return next(i for i, c in enumerate(analysis.claims) if c.id == claim_id)


def troops_confirmed_and_kremlin_dropped(case: GoldenCase, a: Analysis) -> None:
    kremlin = _ids(case, a, "Kremlin")
    a.claims[_claim(a, case)].status = "confirmed"
    a.actors = [x for x in a.actors if x.id not in kremlin]
    a.stances = [s for s in a.stances if s.actor not in kremlin]
    for claim in a.claims:
        claim.denied_by = [i for i in claim.denied_by if i not in kremlin]


def asserters_and_deniers_swapped(case: GoldenCase, a: Analysis) -> None:
    claim = a.claims[_claim(a, case)]
    claim.asserted_by, claim.denied_by = claim.denied_by, claim.asserted_by


def every_kind_swapped(case: GoldenCase, a: Analysis) -> None:
    for actor in a.actors:
        actor.kind = "organization" if actor.kind == "person" else "person"


def retracted_arrest_confirmed(case: GoldenCase, a: Analysis) -> None:
    a.claims[_claim(a, case)].status = "confirmed"


def not_mentioned_answered_confirmed(case: GoldenCase, a: Analysis) -> None:
    cited = next(c.evidence for c in a.claims if c.evidence)
    for claim in a.claims:
        if claim.source == "caller" and claim.status == "not_mentioned":
            claim.status, claim.evidence = "confirmed", list(cited)


def three_invented_actors(case: GoldenCase, a: Analysis) -> None:
    a.actors += [
        Actor(id=f"A{n}", name=name, kind="person")
        for n, name in enumerate(["Dr Ellen Park", "Weather Office", "Tom Reyes"], start=90)
    ]


def same_person_twice_more(case: GoldenCase, a: Analysis) -> None:
    a.actors += [
        Actor(id="A90", name="Okonkwo-Reyes", kind="person"),
        Actor(id="A91", name="the chief medical officer", kind="person"),
    ]


def one_stance_flipped(case: GoldenCase, a: Analysis) -> None:
    a.stances[0].stance = "support" if a.stances[0].stance != "support" else "oppose"


def wrong_status_first_as_a_duplicate(case: GoldenCase, a: Analysis) -> None:
    right = a.claims[_claim(a, case)]
    a.claims.insert(0, right.model_copy(update={"id": "C90", "status": "confirmed"}))


def kim_jong_un_for_kim_hong_kyun(case: GoldenCase, a: Analysis) -> None:
    (kim,) = _ids(case, a, "Kim Hong-Kyun")
    actor = next(x for x in a.actors if x.id == kim)
    actor.name, actor.aliases = "Kim Jong Un", []


def lead_inside_misleading(case: GoldenCase, a: Analysis) -> None:
    a.claims[_claim(a, case)].text = "The viral post about the water was misleading."


Edit = Callable[[GoldenCase, Analysis], None]
WRONG_ANSWERS: list[tuple[str, Edit, set[str]]] = [
    (
        "01-seed-north-korea-troops",
        troops_confirmed_and_kremlin_dropped,
        {"actor_recall", "claim_status_accuracy", "claim_attribution", "stance_accuracy"},
    ),
    ("01-seed-north-korea-troops", asserters_and_deniers_swapped, {"claim_attribution"}),
    ("01-seed-north-korea-troops", every_kind_swapped, {"actor_kinds"}),
    (
        "01-seed-north-korea-troops",
        kim_jong_un_for_kim_hong_kyun,
        {"actor_recall", "stance_accuracy"},  # Kim Hong-Kyun's stance goes with him
    ),
    ("14-retracted-arrest-claim", retracted_arrest_confirmed, {"claim_status_accuracy"}),
    ("17-caller-claim-not-mentioned", not_mentioned_answered_confirmed, {"caller_claim_accuracy"}),
    ("10-no-actors-meteor-shower", three_invented_actors, {"actor_precision"}),
    ("16-same-person-three-names", same_person_twice_more, {"no_duplicate_actors"}),
    ("18-tasks-subset-actors-stances", one_stance_flipped, {"stance_accuracy"}),
    ("21-outright-denial-tap-water", wrong_status_first_as_a_duplicate, {"claim_status_accuracy"}),
    (
        "21-outright-denial-tap-water",
        lead_inside_misleading,
        {"claim_status_accuracy", "claim_attribution"},  # no claim about lead is left
    ),
]


@pytest.mark.parametrize(
    ("case_id", "edit", "failing"),
    WRONG_ANSWERS,
    ids=[f"{c[:2]}-{e.__name__}" for c, e, _ in WRONG_ANSWERS],
)
def test_the_wrong_answer_fails_its_case(case_id: str, edit: Edit, failing: set[str]) -> None:
    case, analysis = _answer(case_id)
    assert _failing(case, analysis) == set()  # the answer key passes
    edit(case, analysis)
    assert _failing(case, analysis) == failing
