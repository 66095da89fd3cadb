"""The stub's answers: a schema-valid contract for the article in the prompt, in the shape
the request's schema asks for (today's contract, or evidence as objects as contract v2 plans)."""

from __future__ import annotations

import copy
from typing import Any

import jsonschema
import pytest

from benchmarks.answers import answer_for, conform, sentences_in
from schemas.llm import ALL_TASKS, AnalysisContract, contract_model_for

PROMPT = """<article>
Title: Ferry plans
[1] The council met on Monday.
[2] Mayor Ellen Hart said the ferry terminal would close in May.
[3] "We have no choice," she said.
</article>

Task: list the actors."""


def _messages(user: str) -> list[dict[str, Any]]:
    return [{"role": "system", "content": "You analyse news."}, {"role": "user", "content": user}]


def _contract_schema() -> dict[str, Any]:
    return contract_model_for(ALL_TASKS, False).model_json_schema()


def _evidence_as_objects(schema: dict[str, Any]) -> dict[str, Any]:
    """Evidence items of another shape ({sentence, speech_act}) and confidence fields."""
    schema = copy.deepcopy(schema)
    item = {
        "type": "object",
        "properties": {
            "sentence": {"type": "integer", "minimum": 1},
            "speech_act": {"enum": ["asserts", "denies", "questions", "reports", "context"]},
        },
        "required": ["sentence", "speech_act"],
        "additionalProperties": False,
    }
    for name in ("ContractClaim", "ContractStance"):
        node = schema["$defs"][name]
        node["properties"]["evidence"] = {"type": "array", "items": item, "minItems": 1}
        node["properties"]["confidence"] = {"type": "number", "minimum": 0, "maximum": 1}
        node["required"] = list(dict.fromkeys([*node.get("required", []), "confidence"]))
    return schema


def test_reads_the_numbered_sentences_stancewire_sends() -> None:
    sentences, numbered = sentences_in(_messages(PROMPT))
    assert numbered
    assert [n for n, _ in sentences] == [1, 2, 3]
    assert sentences[1][1].startswith("Mayor Ellen Hart")


def test_a_plain_prompt_is_split_roughly() -> None:
    sentences, numbered = sentences_in(_messages("One thing. Another thing!\nA third"))
    assert not numbered
    assert [text for _, text in sentences] == ["One thing.", "Another thing!", "A third"]


def test_answer_names_an_actor_of_the_article_and_cites_its_sentence() -> None:
    sentences, _ = sentences_in(_messages(PROMPT))
    answer = answer_for(sentences, _contract_schema())
    contract = AnalysisContract.model_validate(answer)
    assert contract.actors[0].name == "Ellen Hart"
    assert [e.sentence for e in contract.stances[0].evidence] == [2]
    assert contract.claims[0].text in sentences[1][1]


@pytest.mark.parametrize(
    "shape", [_contract_schema, lambda: _evidence_as_objects(_contract_schema())]
)
def test_answer_fits_the_schema_it_was_asked_for(shape: Any) -> None:
    schema = shape()
    sentences, _ = sentences_in(_messages(PROMPT))
    answer = answer_for(sentences, schema)
    jsonschema.validate(answer, schema)


def test_conform_honours_enums_bounds_and_nulls() -> None:
    schema = {
        "type": "object",
        "properties": {
            "status": {"enum": ["a", "b"]},
            "text": {"type": "string", "maxLength": 9},
            "role": {"anyOf": [{"type": "string"}, {"type": "null"}]},
            "items": {"type": "array", "items": {"type": "integer"}, "minItems": 2},
        },
        "required": ["status", "text", "role", "items"],
    }
    shaped = conform({"status": "z", "text": "a long sentence", "extra": 1}, schema, schema)
    assert shaped == {"status": "a", "text": "a long", "role": None, "items": [1, 1]}
    jsonschema.validate(shaped, schema)
