"""An answer's checks made cheaper (issue 18) without changing what they accept.

- The model's answer is validated once, by the per-request contract model, then taken as
  the full AnalysisContract without a second validation: every constraint is still
  enforced (each violation below is rejected), and the contract is the one a second
  validation would give.
- An actor is looked for in the whole article without splitting all of it into words
  (`named_in`): the same answer as the word-by-word `_mentions`, on any text.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from itertools import combinations
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from api.llm.types import Completion
from api.pipeline.article import prepare_article
from api.pipeline.contract import _mentions, named_in, words
from api.pipeline.engine import AnalysisJob
from api.pipeline.repair import as_full_contract, check_answer
from schemas.llm import ALL_TASKS, AnalysisContract, contract_model_for

Contract = dict[str, Any]


def _job(text: str, tasks: tuple[str, ...] = tuple(ALL_TASKS)) -> AnalysisJob:
    return AnalysisJob(article=prepare_article(text), model="openai/gpt-4o-mini", tasks=tasks)  # type: ignore[arg-type]


def _check(contract: Contract, job: AnalysisJob) -> tuple[AnalysisContract | None, list[str]]:
    completion = Completion(json.dumps(contract), "stop", "openai/gpt-4o-mini", "openai")
    model = contract_model_for(job.tasks, bool(job.caller_claims))
    return check_answer(completion, model, job)


def test_a_sound_answer_is_the_contract_a_second_validation_gives(
    seed_text: str, seed_contract: Contract
) -> None:
    contract, errors = _check(seed_contract, _job(seed_text))
    assert errors == [] and contract is not None
    again = AnalysisContract.model_validate(seed_contract)
    assert contract == again and contract.model_dump_json() == again.model_dump_json()
    assert contract.model_fields_set == again.model_fields_set


def _set(path: str, value: Any) -> Callable[[Contract], None]:
    def change(contract: Contract) -> None:
        *parents, last = path.split(".")
        here: Any = contract
        for part in parents:
            here = here[int(part)] if part.isdigit() else here[part]
        here[int(last) if last.isdigit() else last] = value

    return change


def _drop(field: str) -> Callable[[Contract], None]:
    return lambda contract: contract.pop(field)


# One change per constraint of the contract (schemas/llm.py): each must still be refused.
VIOLATIONS = {
    "actor id pattern": _set("actors.0.id", "X1"),
    "actor id zero": _set("actors.0.id", "A0"),
    "actor name empty": _set("actors.0.name", ""),
    "actor kind": _set("actors.0.kind", "alien"),
    "actor extra field": _set("actors.0.party", "x"),
    "actor aliases type": _set("actors.0.aliases", "Putin"),
    "claim id pattern": _set("claims.0.id", "K1"),
    "claim text empty": _set("claims.0.text", ""),
    "claim status": _set("claims.0.status", "probable"),
    "claim asserted_by id": _set("claims.0.asserted_by", ["Putin"]),
    "claim evidence empty": _set("claims.0.evidence", []),
    "evidence sentence zero": _set("claims.0.evidence.0.sentence", 0),
    "evidence sentence text": _set("claims.0.evidence.0.sentence", "one"),
    "evidence act": _set("claims.0.evidence.0.act", "shouts"),
    "evidence extra field": _set("claims.0.evidence.0.quote", "x"),
    "claim confidence above 1": _set("claims.0.confidence", 1.5),
    "claim confidence below 0": _set("claims.0.confidence", -0.1),
    "stance actor id": _set("stances.0.actor", "Kim"),
    "stance target empty": _set("stances.0.target", ""),
    "stance label": _set("stances.0.stance", "angry"),
    "stance confidence": _set("stances.0.confidence", 2),
    "headline type": _set("headline", ["a"]),
    "key_points type": _set("key_points", "a"),
    "unknown top-level field": _set("verdict", "true"),
    "asked field missing": _drop("stances"),
}


@pytest.mark.parametrize("name", VIOLATIONS)
def test_every_constraint_is_still_enforced(
    name: str, seed_text: str, seed_contract: Contract
) -> None:
    bad = copy.deepcopy(seed_contract)
    VIOLATIONS[name](bad)
    contract, errors = _check(bad, _job(seed_text))
    assert contract is None and errors


def test_a_field_of_a_task_not_asked_is_refused(seed_text: str, seed_contract: Contract) -> None:
    contract, errors = _check(seed_contract, _job(seed_text, ("summary",)))
    assert contract is None and any("actors" in e for e in errors)


TASK_SETS = [tuple(s) for n in range(1, len(ALL_TASKS) + 1) for s in combinations(ALL_TASKS, n)]


@pytest.mark.parametrize("tasks", TASK_SETS, ids="+".join)
@pytest.mark.parametrize("caller_claims", [False, True])
def test_each_per_request_contract_becomes_the_full_one(
    tasks: tuple[str, ...], caller_claims: bool, seed_contract: Contract
) -> None:
    model = contract_model_for(tasks, caller_claims)
    data = {name: seed_contract.get(name, []) for name in model.model_fields}
    full = as_full_contract(model.model_validate(data))
    assert full == AnalysisContract.model_validate(data)
    assert full.model_fields_set == set(data)
    # Its own lists: the defaults of one contract are never another's.
    assert all(
        getattr(full, name) is not getattr(AnalysisContract(), name)
        for name in ("key_points", "actors", "claims", "stances", "caller_claims")
    )


def test_another_model_is_validated_again() -> None:
    class Loose(BaseModel):
        claims: list[dict[str, Any]]

    with pytest.raises(ValueError):
        as_full_contract(Loose(claims=[{"id": "not an id"}]))


def _naive_mentions(text: str, phrase: str) -> bool:
    """The rule as first written: the phrase's words at any position of the text's."""
    wanted, have = words(phrase), words(text)
    n = len(wanted)
    return bool(wanted) and any(have[i : i + n] == wanted for i in range(len(have) - n + 1))


# Letters, digits, joiners, underscores, possessives, accents, spaces and punctuation:
# what decides where a word starts and ends.
_PIECES = st.sampled_from(
    ["kim", "Kim", "jong", "un", "o", "’s", "'s", "'", "’", "-", "_", " ", "  ", ".", ",", "3",
     "é", "e\u0301", "K-", "—", "\n", "“", "Ça", "ß", "İ"]
)  # fmt: skip
_TEXT = st.lists(_PIECES, max_size=24).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_TEXT, _TEXT)
def test_named_in_is_the_word_by_word_rule(text: str, phrase: str) -> None:
    expected = _naive_mentions(text, phrase)
    assert named_in(text, phrase) == expected
    assert _mentions(text, phrase) == expected


@settings(max_examples=500, deadline=None)
@given(_TEXT, st.data())
def test_a_phrase_taken_from_the_text_is_found(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    phrase = text[start:end]
    assert named_in(text, phrase) == _naive_mentions(text, phrase)


def test_names_in_an_article(seed_text: str) -> None:
    assert named_in(seed_text, "Kim Jong Un") == _naive_mentions(seed_text, "Kim Jong Un")
    assert named_in(seed_text, "Putin") and not named_in(seed_text, "Puti")
    assert not named_in(seed_text, "Nobody Here")
