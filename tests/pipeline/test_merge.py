"""Merging the parts' contracts (api/pipeline/merge.py): the documented rules."""

from typing import Any

import pytest

from api.pipeline.merge import PartAnswer, combine_stance, combine_status, merge_contracts
from schemas.llm import AnalysisContract


def actor(actor_id: str, name: str, *aliases: str, kind: str = "person") -> dict[str, Any]:
    return {"id": actor_id, "name": name, "kind": kind, "role": None, "aliases": list(aliases)}


def claim(
    claim_id: str, text: str, status: str, *sentences: int, **by: list[str]
) -> dict[str, Any]:
    return {
        "id": claim_id, "text": text, "status": status,
        "asserted_by": by.get("asserted_by", []), "denied_by": by.get("denied_by", []),
        "evidence": [{"sentence": n, "act": "reports"} for n in sentences], "confidence": 0.8,
    }  # fmt: skip


def part(first_number: int, **contract: Any) -> PartAnswer:
    return PartAnswer(AnalysisContract.model_validate(contract), first_number)


@pytest.mark.parametrize(
    ("statuses", "merged"),
    [
        (["confirmed", "confirmed"], "confirmed"),
        (["unconfirmed", "confirmed"], "confirmed"),
        (["unconfirmed", "unconfirmed"], "unconfirmed"),
        (["denied", "denied"], "denied"),
        (["denied", "unconfirmed"], "disputed"),
        (["confirmed", "denied"], "disputed"),
        (["disputed", "confirmed"], "disputed"),
    ],
)
def test_claim_status_rule(statuses: list[str], merged: str) -> None:
    assert combine_status(statuses) == merged


@pytest.mark.parametrize(
    ("labels", "merged"),
    [
        (["support", "support"], "support"),
        (["neutral", "oppose"], "oppose"),
        (["support", "oppose"], "mixed"),
        (["mixed", "support"], "mixed"),
        (["neutral", "neutral"], "neutral"),
    ],
)
def test_stance_rule(labels: list[str], merged: str) -> None:
    assert combine_stance(labels) == merged


def test_actors_merge_by_alias_and_surname_and_ids_are_renumbered() -> None:
    merged = merge_contracts(
        [
            part(1, actors=[actor("A1", "Georgy Zinoviev"), actor("A2", "NATO", kind="group")]),
            part(
                99,
                actors=[actor("A1", "Zinoviev"), actor("A2", "the alliance", "NATO", kind="group")],
                claims=[claim("C1", "Troops were sent.", "denied", 2, denied_by=["A1"])],
            ),
        ]
    )
    assert [(a.id, a.name, a.aliases) for a in merged.actors] == [
        ("A1", "Georgy Zinoviev", ["Zinoviev"]),
        ("A2", "NATO", ["the alliance"]),
    ]
    [found] = merged.claims
    assert found.denied_by == ["A1"] and found.evidence[0].sentence == 100  # global number


def test_an_ambiguous_surname_is_not_merged() -> None:
    merged = merge_contracts(
        [
            part(1, actors=[actor("A1", "Bill Clinton"), actor("A2", "Hillary Clinton")]),
            part(50, actors=[actor("A1", "Clinton")]),
        ]
    )
    assert [a.name for a in merged.actors] == ["Bill Clinton", "Hillary Clinton", "Clinton"]


def test_same_claim_once_with_actors_and_evidence_unioned() -> None:
    merged = merge_contracts(
        [
            part(
                1,
                actors=[actor("A1", "Kim Hong-Kyun")],
                claims=[claim("C1", "North Korea sent troops.", "unconfirmed", 3, 1,
                              asserted_by=["A1"])],
            ),
            part(
                40,
                actors=[actor("A1", "Zinoviev"), actor("A2", "Kim Hong-Kyun")],
                claims=[
                    claim("C1", "Russia paid for the oil.", "confirmed", 2),
                    claim("C2", "north korea sent  troops", "denied", 1, 3, denied_by=["A1"]),
                ],
                stances=[{"actor": "A1", "target": "C2", "stance": "oppose",
                          "evidence": [{"sentence": 1, "act": "denies"}], "confidence": 0.9}],
            ),
        ]
    )  # fmt: skip
    troops, oil = merged.claims
    assert (troops.id, troops.status, oil.id) == ("C1", "disputed", "C2")
    assert troops.asserted_by == ["A1"] and troops.denied_by == ["A2"]
    assert [e.sentence for e in troops.evidence] == [3, 40, 1, 42]  # in turn from each part
    [stance] = merged.stances
    assert (stance.actor, stance.target) == ("A2", "C1")  # the merged ids
