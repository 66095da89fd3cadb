"""The strict pass rule: each gated check can fail on its own, and one wrong label fails.

Every edit below starts from the builders' perfect answer and flips exactly one thing; the
set of failing checks must be exactly the one named.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evals.case_model import GoldenCase
from evals.matching import phrase_in
from evals.scores import GATED, METRICS, PassRule
from evals.scoring import score_case
from schemas.analysis import Actor, Analysis, Claim, Stance
from tests.evals.builders import CASE, evidence, golden_case, perfect

Edit = Callable[[Analysis], None]


def _failing(case: GoldenCase, output: Analysis) -> set[str]:
    checks = PassRule().checks(score_case(case, output), case.thresholds)
    return {name for name, ok in checks.items() if not ok}


def _expect(**changes: Any) -> GoldenCase:
    return golden_case(expect=CASE["expect"] | changes)


def _set(path: Callable[[Analysis], Any], field: str, value: Any) -> Edit:
    return lambda a: setattr(path(a), field, value)


def _duplicate_claim_id(a: Analysis) -> None:
    a.claims.append(a.claims[1].model_copy(update={"id": "C1", "text": "Unrelated words."}))


def _shift_offsets(a: Analysis) -> None:
    span = a.claims[0].evidence[0]
    a.claims[0].evidence[0] = span.model_copy(update={"start": span.start + 1, "end": span.end + 1})


def _drop_the_date(a: Analysis) -> None:
    a.headline = "Ferry service to end"
    a.summary = "The city council confirmed the closure; the union rejected the plan."


def _contradicting_claim(a: Analysis) -> None:
    """The right claim stays the best match (it comes first); a hedge follows it."""
    a.claims.append(a.claims[0].model_copy(update={"id": "C9", "status": "denied"}))


def _contradicting_stance(a: Analysis) -> None:
    a.stances.append(
        Stance(
            actor="A3",
            target="the plan",
            stance="support",
            confidence=0.9,
            evidence=a.stances[0].evidence,
        )
    )


SINGLE_FAILURES: list[tuple[str, Edit, GoldenCase | None]] = [
    ("schema_valid", _duplicate_claim_id, None),
    (
        "actor_precision",
        lambda a: a.actors.append(Actor(id="A4", name="Port authority", kind="government")),
        _expect(actors_complete=True),
    ),
    (
        "actor_recall",
        lambda a: None,
        _expect(actors=[*CASE["expect"]["actors"], {"name": "Port authority"}]),
    ),
    ("actor_kinds", _set(lambda a: a.actors[1], "kind", "organization"), None),
    (
        "no_duplicate_actors",
        lambda a: a.actors.append(Actor(id="A4", name="Schmidt", kind="person")),
        None,
    ),
    (
        "no_forbidden_actors",
        lambda a: a.actors.append(Actor(id="A4", name="Reuters", kind="organization")),
        None,
    ),
    ("claim_status_accuracy", _set(lambda a: a.claims[0], "status", "denied"), None),
    ("claim_status_accuracy", _contradicting_claim, None),
    ("claim_attribution", _set(lambda a: a.claims[0], "asserted_by", []), None),
    ("caller_claim_accuracy", _set(lambda a: a.claims[2], "status", "confirmed"), None),
    ("stance_accuracy", _set(lambda a: a.stances[0], "stance", "support"), None),
    ("stance_accuracy", _contradicting_stance, None),
    ("grounding_rate", _shift_offsets, None),
    ("summary_faithful", _set(lambda a: a, "summary", "The ferry ends in March; 3 jobs go."), None),
    ("summary_facts", _drop_the_date, None),
    (
        "summary_clean",
        _set(lambda a: a, "summary", "Ferry ends March 31. Bus service confirmed."),
        None,
    ),
    ("within_limits", _set(lambda a: a, "headline", "Ferry ends in March " + "now " * 20), None),
]


def test_the_perfect_answer_passes_every_check() -> None:
    assert _failing(golden_case(), perfect()) == set()


@pytest.mark.parametrize(
    ("check", "edit", "case"),
    SINGLE_FAILURES,
    ids=[f"{c}-{i}" for i, (c, _, _) in enumerate(SINGLE_FAILURES)],
)
def test_each_check_fails_alone(check: str, edit: Edit, case: GoldenCase | None) -> None:
    if case is None:
        case = golden_case()
        assert _failing(case, perfect()) == set()
    output = perfect()
    edit(output)
    assert _failing(case, output) == {check}


def test_every_gated_check_has_a_minimal_failing_answer() -> None:
    assert {check for check, _, _ in SINGLE_FAILURES} == set(GATED)


def test_precision_is_gated_only_where_the_case_lists_every_actor() -> None:
    output = perfect()
    output.actors.append(Actor(id="A4", name="Port authority", kind="government"))
    assert _failing(golden_case(), output) == set()
    assert _failing(_expect(actors_complete=True), output) == {"actor_precision"}
    nobody = golden_case(expect={"actors": []})
    assert _failing(nobody, output) >= {"actor_precision"}


def test_case_thresholds_give_slack_to_one_metric_only() -> None:
    output = perfect()
    output.stances[0].stance = "support"
    lenient = golden_case(thresholds={"stance_accuracy": 0.5})
    assert _failing(lenient, output) == set()
    output.claims[0].status = "denied"
    assert _failing(lenient, output) == {"claim_status_accuracy"}


def test_thresholds_name_gated_metrics_only() -> None:
    with pytest.raises(ValueError, match="not gated"):
        golden_case(thresholds={"latency_ms": 0.5})
    with pytest.raises(ValueError, match="between 0 and 1"):
        golden_case(thresholds={"actor_recall": 2})


def test_the_rule_is_declared_once_in_the_metric_table() -> None:
    assert PassRule().thresholds == GATED
    assert set(GATED) <= set(METRICS)
    assert all(METRICS[name].kind == "quality" for name in GATED)


# -- property: a perfect answer passes; any single wrong label fails ----------------------
_STATUSES = ["confirmed", "unconfirmed", "disputed", "denied"]
_STANCES = ["support", "oppose", "neutral", "mixed"]
_KINDS = ["person", "organization", "government", "country", "group", "other"]


@st.composite
def _one_wrong_label(draw: st.DrawFn) -> tuple[str, Edit]:
    case = golden_case()
    expect = case.expect
    where = draw(st.sampled_from(["claim", "caller", "stance", "kind", "side"]))
    if where == "claim":
        i = draw(st.integers(0, len(expect.claims) - 1))
        wrong = draw(st.sampled_from([s for s in _STATUSES if s not in expect.claims[i].status]))
        return "claim_status_accuracy", _set(lambda a: a.claims[i], "status", wrong)
    if where == "caller":
        choices = [s for s in [*_STATUSES, "not_mentioned"] if s != "unconfirmed"]
        wrong = draw(st.sampled_from(choices))
        return "caller_claim_accuracy", _set(lambda a: a.claims[2], "status", wrong)
    if where == "stance":
        i = draw(st.integers(0, len(expect.stances) - 1))
        wrong = draw(st.sampled_from([s for s in _STANCES if s not in expect.stances[i].stance]))
        return "stance_accuracy", _set(lambda a: a.stances[i], "stance", wrong)
    if where == "kind":
        wrong = draw(st.sampled_from([k for k in _KINDS if k != "person"]))
        return "actor_kinds", _set(lambda a: a.actors[1], "kind", wrong)

    def swap(a: Analysis) -> None:
        claim = a.claims[0]
        claim.asserted_by, claim.denied_by = claim.denied_by, claim.asserted_by

    return "claim_attribution", swap


@settings(max_examples=60, deadline=None)
@given(_one_wrong_label())
def test_any_single_flipped_label_fails(flip: tuple[str, Edit]) -> None:
    check, edit = flip
    output = perfect()
    edit(output)
    assert _failing(golden_case(), output) == {check}


# -- keywords: whole words by stem, `*` for a prefix ---------------------------------------
@pytest.mark.parametrize(
    ("text", "phrase", "found"),
    [
        ("The claim is misleading.", "lead", False),
        ("Lead was found in the water.", "lead", True),
        ("North Korean troops", "troop", True),
        ("The Kremlin denied it.", "denies", True),
        ("Records were falsified.", "falsif", False),
        ("Records were falsified.", "falsif*", True),
        ("a falsification", "falsif*", True),
        ("the U.N. charter", "U.N. charter", True),
        ("Koreans", "Korea", False),
        ("£40,000 is missing", "40,000", True),
        ("400,000 is missing", "40,000", False),
    ],
)
def test_keywords_match_on_word_boundaries_and_stems(text: str, phrase: str, found: bool) -> None:
    assert phrase_in(text, phrase) is found


def test_a_claim_keyword_inside_another_word_does_not_match() -> None:
    output = perfect()
    output.claims[0].text = "Reports of the ferry ending are misleading."
    case = golden_case(
        expect=CASE["expect"] | {"claims": [{"keywords": [["lead"]], "status": ["denied"]}]}
    )
    assert score_case(case, output).claims[0].predicted == "none"


def test_evidence_helper_cites_the_builders_article() -> None:
    assert evidence("The city council confirmed").sentence == 2
    assert isinstance(perfect().claims[0], Claim)
