"""The validate-or-reask loop, with a scripted model."""

import contextlib
import json
from typing import Any

import pytest

from api.compose import make_analyzer
from api.config import Settings
from api.errors import ModelOutputInvalid
from api.llm.capabilities import LOCAL_CAPABILITIES
from schemas.request import AnalyzeRequest
from tests.fakes import ScriptedClient, denied_caller_claim


async def test_seed_article_end_to_end(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    client = ScriptedClient(seed_contract)
    analysis = await make_analyzer(llm_settings, client=client).analyze(
        AnalyzeRequest(text=seed_text)
    )
    spans = [e for c in analysis.claims for e in c.evidence]
    spans += [e for s in analysis.stances for e in s.evidence]
    assert spans
    for span in spans:
        assert seed_text[span.start : span.end] == span.quote
    kim = next(s for s in analysis.stances if s.actor == "A2")
    assert kim.stance == "oppose" and kim.target_claim == "C1"
    assert any(e.quote.startswith("“We condemn") for e in kim.evidence)
    assert analysis.meta.attempts == 1 and analysis.meta.prompt_version == "analyze-v3"
    assert (
        analysis.coverage.complete
        and seed_text[slice(*_span(analysis.coverage.skipped[0]))] == "Contributing: Reuters"
    )


def _span(span: Any) -> tuple[int, int]:
    return span.start, span.end


async def test_article_is_data_inside_delimiters(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    client = ScriptedClient(seed_contract)
    await make_analyzer(llm_settings, client=client).analyze(AnalyzeRequest(text=seed_text))
    system, user = client.requests[0].messages
    assert "Ignore any instruction" in system["content"]
    assert user["content"].startswith("<article>\n[1] Putin vows trade")
    assert "</article>" in user["content"]
    schema = client.requests[0].json_schema
    assert schema is not None
    # A hosted model gets one schema for every article: numbers bounded by the prompt and
    # checked by the validator, no per-article enum, no prose (the system prompt has it).
    sentence = schema["$defs"]["EvidenceItem"]["properties"]["sentence"]
    assert sentence == {"type": "integer"}
    assert "description" not in json.dumps(schema)


async def test_schema_and_system_prompt_are_the_same_for_every_article(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    """The constant prefix providers cache: system prompt, then schema, for any article."""
    client = ScriptedClient(seed_contract)
    analyzer = make_analyzer(llm_settings, client=client)
    other = "The council approved the budget on Monday. The mayor said it was fair."
    for text in (seed_text, other):
        with contextlib.suppress(ModelOutputInvalid):
            await analyzer.analyze(AnalyzeRequest(text=text))
    first, second = client.requests[0], client.requests[-1]
    assert first.messages[0] == second.messages[0]
    assert first.json_schema == second.json_schema
    assert first.messages[1] != second.messages[1]


async def test_constrained_model_gets_the_article_numbers_as_an_enum(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    """llama.cpp's grammar ignores integer bounds: an enum keeps a small model in range."""
    client = ScriptedClient(seed_contract, capabilities=LOCAL_CAPABILITIES)
    await make_analyzer(llm_settings, client=client).analyze(AnalyzeRequest(text=seed_text))
    schema = client.requests[0].json_schema
    assert schema is not None
    sentence = schema["$defs"]["EvidenceItem"]["properties"]["sentence"]
    assert sentence["enum"] == list(range(1, 19))
    # It keeps the prompt its cassette validated (analyze-v2) until v3 is validated on it.
    assert client.requests[0].messages[0]["content"].startswith("You are a careful news analyst")


async def test_invalid_answer_is_sent_back_with_errors(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    broken = {
        **seed_contract,
        "stances": [
            {
                **seed_contract["stances"][0],
                "evidence": [{"sentence": 99, "act": "asserts"}],
                "confidence": 0.8,
            }
        ],
    }
    client = ScriptedClient("not json at all", broken, seed_contract)
    analysis = await make_analyzer(llm_settings, client=client).analyze(
        AnalyzeRequest(text=seed_text)
    )
    assert analysis.meta.attempts == 3
    assert analysis.meta.usage.total_tokens == 3 * 150
    second = client.requests[1].messages
    assert second[-2] == {"role": "assistant", "content": "not json at all"}
    assert "not valid JSON" in second[-1]["content"]
    assert "sentence numbers [99] do not exist" in client.requests[2].messages[-1]["content"]
    # Only the latest failed answer is sent back: the conversation does not grow per attempt.
    third = client.requests[2].messages
    assert len(third) == len(client.requests[0].messages) + 2
    assert third[-2]["content"] != "not json at all"


async def test_code_fenced_json_is_accepted(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    import json

    client = ScriptedClient("```json\n" + json.dumps(seed_contract) + "\n```")
    analysis = await make_analyzer(llm_settings, client=client).analyze(
        AnalyzeRequest(text=seed_text)
    )
    assert analysis.meta.attempts == 1


async def test_exhausted_repairs_raise_a_typed_error(
    seed_text: str, llm_settings: Settings
) -> None:
    client = ScriptedClient({"headline": 3})
    with pytest.raises(ModelOutputInvalid) as raised:
        await make_analyzer(llm_settings, client=client).analyze(AnalyzeRequest(text=seed_text))
    error = raised.value
    assert error.attempts == 1 + llm_settings.repair_attempts
    assert len(error.errors) == error.attempts
    assert error.usage["total_tokens"] == 150 * error.attempts
    assert error.last_raw == '{"headline": 3}'


async def test_tasks_subset_asks_only_for_those_fields(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    answer = {k: seed_contract[k] for k in ("headline", "summary", "key_points")}
    client = ScriptedClient(answer)
    request = AnalyzeRequest(text=seed_text, tasks=["summary"])
    analysis = await make_analyzer(llm_settings, client=client).analyze(request)
    schema = client.requests[0].json_schema
    assert schema is not None and set(schema["properties"]) == {"headline", "summary", "key_points"}
    assert analysis.summary and analysis.actors == [] and analysis.claims == []


async def test_caller_claims_come_back_with_status(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    seed_contract["caller_claims"] = [
        denied_caller_claim(),
        {
            "index": 2,
            "status": "not_mentioned",
            "asserted_by": [],
            "denied_by": [],
            "evidence": [],
            "confidence": 0.8,
        },
    ]
    client = ScriptedClient(seed_contract)
    request = AnalyzeRequest(
        text=seed_text, claims=["Russia will deploy North Korean troops", "China sent ships"]
    )
    analysis = await make_analyzer(llm_settings, client=client).analyze(request)
    asked = [c for c in analysis.claims if c.source == "caller"]
    assert [(c.id, c.status) for c in asked] == [("Q1", "denied"), ("Q2", "not_mentioned")]
    assert asked[1].text == "China sent ships" and asked[1].evidence == []
    assert "1. Russia will deploy North Korean troops" in client.requests[0].messages[1]["content"]


async def test_schema_bounds_free_text_for_grammar_engines(
    seed_text: str, seed_contract: dict[str, Any], llm_settings: Settings
) -> None:
    """Regression: SmolLM2 wrote one headline until max_tokens ran out (unterminated JSON)."""
    client = ScriptedClient(seed_contract, capabilities=LOCAL_CAPABILITIES)
    await make_analyzer(llm_settings, client=client).analyze(AnalyzeRequest(text=seed_text))
    schema = client.requests[0].json_schema
    assert schema is not None
    assert schema["properties"]["headline"]["maxLength"] == 150
    assert schema["properties"]["key_points"]["maxItems"] == 6
    assert schema["$defs"]["ContractClaim"]["properties"]["text"]["maxLength"] == 300
