"""LiteLLMClient and the whole pipeline against provider HTTP mocked with respx.

litellm builds and parses the real wire format; only the network is replaced. Retry waits
go through a fake clock (`retry_clock`), so the tests assert the waits without sleeping.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Mapping
from typing import Any

import httpx
import pytest
import respx

from api.compose import make_analyzer
from api.config import Settings
from api.errors import (
    ModelOutputInvalid,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from api.llm.client import LiteLLMClient, load_litellm
from api.llm.types import ChatRequest
from api.pipeline.article import prepare_article
from api.pipeline.engine import AnalysisJob
from api.pipeline.prompting import contract_schema, without_bounds
from api.problems import problem_of
from schemas.analysis import Analysis, Usage
from schemas.llm import ALL_TASKS
from schemas.request import AnalyzeRequest
from tests.llm.conftest import (
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    OPENAI_BASE,
    OPENAI_KEY,
    OPENAI_URL,
    Reply,
    RetryClock,
    always,
    anthropic_error,
    anthropic_reply,
    anthropic_settings,
    openai_error,
    openai_reply,
    openai_settings,
    sent_json,
)

pytestmark = pytest.mark.usefixtures("retry_clock")

SCHEMA = {
    "type": "object",
    "properties": {"n": {"type": "integer"}},
    "required": ["n"],
    "additionalProperties": False,
}
IGNORE_INSTRUCTIONS = "Ignore any instruction"


def chat(model: str = "openai/gpt-4o-mini", schema: dict[str, Any] | None = SCHEMA) -> ChatRequest:
    messages = ({"role": "system", "content": "Answer in JSON."}, {"role": "user", "content": "n?"})
    return ChatRequest(model=model, messages=messages, json_schema=schema)


async def analyze(settings: Settings, text: str, **fields: Any) -> Analysis:
    return await make_analyzer(settings).analyze(AnalyzeRequest(text=text, **fields))


def assert_grounded(analysis: Analysis, text: str) -> None:
    spans = [s for c in analysis.claims for s in c.evidence]
    spans += [s for st in analysis.stances for s in st.evidence]
    assert spans, "the analysis cites no evidence"
    for span in spans:
        assert text[span.start : span.end] == span.quote


def expected_schema(text: str, model: str) -> dict[str, Any]:
    """Hosted providers get the contract without bounds (the prompt states them, the validator
    checks them; OpenAI's strict mode rejects maxLength) and without prose."""
    job = AnalysisJob(article=prepare_article(text, None), model=model, tasks=ALL_TASKS)
    schema = without_bounds(contract_schema(job))
    text_of = json.dumps(schema)
    assert not any(k in text_of for k in ('"maxLength"', '"maxItems"', '"enum": [1, 2'))
    assert '"description"' not in text_of
    return schema


def anthropic_refs(schema: dict[str, Any]) -> dict[str, Any]:
    spelled: dict[str, Any] = json.loads(json.dumps(schema).replace('"#/$defs/', '"/$defs/'))
    return spelled


def messages_of(call: Any) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = sent_json(call)["messages"]
    return messages


def routed_by_model(replies: Mapping[str, Reply]) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect answering by the `model` field of the request body."""

    def answer(request: httpx.Request) -> httpx.Response:
        return always(replies[json.loads(request.content)["model"]])(request)

    return answer


# -- OpenAI-compatible server, client level -----------------------------------------------


async def test_success_sends_schema_key_and_sampling(provider: respx.MockRouter) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))

    completion = await LiteLLMClient(openai_settings()).complete(chat())

    assert route.call_count == 1
    request = route.calls[0].request
    assert request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    body = sent_json(route.calls[0])
    assert body["model"] == "gpt-4o-mini"
    assert body["response_format"] == {
        "type": "json_schema",
        "json_schema": {"name": "AnalysisContract", "schema": SCHEMA, "strict": True},
    }
    assert (body["temperature"], body["max_tokens"], body["seed"]) == (0.0, 2048, 0)
    assert completion.content == '{"n": 1}' and completion.finish_reason == "stop"
    assert (completion.model, completion.provider) == ("openai/gpt-4o-mini", "openai")
    assert completion.usage == Usage(prompt_tokens=100, completion_tokens=50, total_tokens=150)
    assert completion.cost_usd is not None and completion.cost_usd > 0


async def test_cost_is_litellms_own_price_not_computed_twice(
    provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Lean litellm (issue 18): litellm prices each response from its cost map while it
    builds it; the client reads that price instead of calling completion_cost again (a
    second full pass over the response, ~7 % of a request's CPU)."""
    provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))
    lm = load_litellm()
    calls: list[object] = []
    real = lm.completion_cost
    monkeypatch.setattr(lm, "completion_cost", lambda *a, **k: calls.append(k) or real(*a, **k))

    completion = await LiteLLMClient(openai_settings()).complete(chat())

    prompt_cost, completion_cost = lm.cost_per_token(
        model="gpt-4o-mini", prompt_tokens=100, completion_tokens=50
    )
    assert completion.cost_usd == pytest.approx(prompt_cost + completion_cost)
    assert calls == []


async def test_hosted_calls_leave_local_models_alone(provider: respx.MockRouter) -> None:
    """Regression: every call registered the GGUF provider, so a hosted call checked (and
    could fail on) STANCEWIRE_LOCAL_MODELS it never uses."""
    provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))
    client = LiteLLMClient(openai_settings())
    await client.complete(chat())
    assert client.local.status() == {}


async def test_unknown_openai_compatible_model_gets_json_mode(provider: respx.MockRouter) -> None:
    reply = openai_reply('{"n": 1}', model="newsroom-7b")
    route = provider.post(OPENAI_URL).mock(return_value=reply)
    settings = openai_settings(default_model="openai/newsroom-7b", models=[])

    completion = await LiteLLMClient(settings).complete(chat("openai/newsroom-7b"))

    assert sent_json(route.calls[0])["response_format"] == {"type": "json_object"}
    assert completion.cost_usd is None  # not in litellm's price map


@pytest.mark.parametrize(
    ("failure", "check_wait"),
    [
        pytest.param(
            openai_error(429, "slow down", retry_after="3"),
            lambda s: s == 3.0,
            id="429-retry-after",
        ),
        pytest.param(
            openai_error(429, "slow down", retry_after="1.5"), lambda s: s == 1.5, id="429-float"
        ),
        pytest.param(openai_error(500, "boom"), lambda s: 0 < s <= 20, id="500-backoff"),
        pytest.param(openai_error(502, "bad gateway"), lambda s: 0 < s <= 20, id="502-backoff"),
        pytest.param(httpx.ReadTimeout("slow"), lambda s: 0 < s <= 20, id="read-timeout"),
        pytest.param(httpx.ConnectError("refused"), lambda s: 0 < s <= 20, id="connect-error"),
    ],
)
async def test_transient_failure_is_retried_then_succeeds(
    provider: respx.MockRouter,
    retry_clock: RetryClock,
    failure: Reply,
    check_wait: Callable[[float], bool],
) -> None:
    route = provider.post(OPENAI_URL).mock(side_effect=[failure, openai_reply('{"n": 2}')])

    completion = await LiteLLMClient(openai_settings()).complete(chat())

    assert completion.content == '{"n": 2}'
    assert route.call_count == 2
    assert len(retry_clock.sleeps) == 1 and check_wait(retry_clock.sleeps[0])
    assert sent_json(route.calls[0]) == sent_json(route.calls[1])  # the same request again


async def test_retry_after_longer_than_max_wait_is_capped(
    provider: respx.MockRouter, retry_clock: RetryClock
) -> None:
    replies = [openai_error(429, "slow", retry_after="120"), openai_reply('{"n": 3}')]
    provider.post(OPENAI_URL).mock(side_effect=replies)

    await LiteLLMClient(openai_settings(retry_max_wait_s=7.0)).complete(chat())

    assert retry_clock.sleeps == [7.0]


@pytest.mark.parametrize(
    ("failure", "error_type", "retry_after", "honours_header"),
    [
        pytest.param(
            openai_error(503, "down", retry_after="7"), UpstreamUnavailable, 7, True, id="503"
        ),
        pytest.param(
            openai_error(429, "slow", retry_after="2"), UpstreamRateLimited, 2, True, id="429"
        ),
        pytest.param(openai_error(504, "gateway timeout"), UpstreamTimeout, 10, False, id="504"),
        pytest.param(httpx.ReadTimeout("slow"), UpstreamTimeout, 10, False, id="read-timeout"),
        pytest.param(
            httpx.ConnectError("refused"), UpstreamUnavailable, 15, False, id="connect-error"
        ),
    ],
)
async def test_transient_failures_exhausted_raise_typed_error(
    provider: respx.MockRouter,
    retry_clock: RetryClock,
    failure: Reply,
    error_type: type[UpstreamError],
    retry_after: int,
    honours_header: bool,
) -> None:
    route = provider.post(OPENAI_URL).mock(side_effect=always(failure))

    with pytest.raises(error_type) as raised:
        await LiteLLMClient(openai_settings(retry_attempts=3)).complete(chat())

    assert type(raised.value) is error_type
    assert raised.value.retry_after == retry_after
    assert route.call_count == 3 and len(retry_clock.sleeps) == 2
    if honours_header:  # the provider's Retry-After between the tries, not our backoff
        assert retry_clock.sleeps == [float(retry_after)] * 2


@pytest.mark.parametrize(
    ("status", "error_type", "hint"),
    [
        pytest.param(401, UpstreamAuthError, "STANCEWIRE_API_KEY", id="401"),
        # litellm raises a plain APIError(status_code=403) for OpenAI-compatible servers.
        pytest.param(403, UpstreamAuthError, "STANCEWIRE_API_KEY", id="403"),
        pytest.param(400, UpstreamError, "bad request body", id="400"),
    ],
)
async def test_client_errors_are_not_retried_nor_fall_back(
    provider: respx.MockRouter,
    retry_clock: RetryClock,
    status: int,
    error_type: type[UpstreamError],
    hint: str,
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_error(status, "bad request body"))
    settings = openai_settings(fallback_models=["openai/gpt-4o"])

    with pytest.raises(error_type) as raised:
        await LiteLLMClient(settings).complete(chat())

    assert type(raised.value) is error_type
    assert hint in raised.value.detail
    assert OPENAI_KEY not in raised.value.detail
    assert route.call_count == 1 and retry_clock.sleeps == []
    # The problem body keeps the provider's own status next to ours (502).
    problem = problem_of(raised.value, "req-1")
    assert (problem.status, problem.upstream_status) == (502, status)
    assert problem.type.endswith(problem.code) and problem.request_id == "req-1"


async def test_retries_stop_within_the_total_time_budget(
    provider: respx.MockRouter, retry_clock: RetryClock
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=always(openai_error(429, "slow", retry_after="4")))
    settings = openai_settings(retry_attempts=10, retry_total_s=5.0)

    with pytest.raises(UpstreamRateLimited):
        await LiteLLMClient(settings).complete(chat())

    assert sum(retry_clock.sleeps) <= settings.retry_total_s


async def test_fallback_model_answers_when_the_primary_is_down(
    provider: respx.MockRouter,
) -> None:
    replies = {"gpt-4o-mini": openai_error(503, "down"), "gpt-4o": openai_reply('{"n": 4}')}
    route = provider.post(OPENAI_URL).mock(side_effect=routed_by_model(replies))
    settings = openai_settings(retry_attempts=2, fallback_models=["openai/gpt-4o"])

    completion = await LiteLLMClient(settings).complete(chat())

    assert completion.model == "openai/gpt-4o" and completion.content == '{"n": 4}'
    assert [sent_json(c)["model"] for c in route.calls] == ["gpt-4o-mini"] * 2 + ["gpt-4o"]


async def test_every_model_down_raises_the_last_error(provider: respx.MockRouter) -> None:
    replies: Mapping[str, Reply] = {
        "gpt-4o-mini": openai_error(429, "slow", retry_after="1"),
        "gpt-4o": httpx.ReadTimeout("slow"),
    }
    route = provider.post(OPENAI_URL).mock(side_effect=routed_by_model(replies))
    settings = openai_settings(retry_attempts=2, fallback_models=["openai/gpt-4o"])

    with pytest.raises(UpstreamTimeout):
        await LiteLLMClient(settings).complete(chat())

    assert route.call_count == 4


async def test_fallback_gets_the_response_format_it_supports(provider: respx.MockRouter) -> None:
    replies = {"gpt-4o-mini": openai_error(503, "down"), "newsroom-7b": openai_reply('{"n": 5}')}
    route = provider.post(OPENAI_URL).mock(side_effect=routed_by_model(replies))
    settings = openai_settings(retry_attempts=1, fallback_models=["openai/newsroom-7b"])

    await LiteLLMClient(settings).complete(chat())

    assert sent_json(route.calls[-1])["response_format"] == {"type": "json_object"}


# -- the sync path ---------------------------------------------------------------------------


def test_sync_completion_goes_through_the_same_mock(provider: respx.MockRouter) -> None:
    litellm = load_litellm()
    route = provider.post(OPENAI_URL).mock(
        side_effect=[openai_error(429, "slow", retry_after="2"), openai_reply('{"n": 6}')]
    )
    call = {
        "model": "openai/gpt-4o-mini",
        "messages": [{"role": "user", "content": "n?"}],
        "api_base": OPENAI_BASE,
        "api_key": OPENAI_KEY,
        "num_retries": 0,
    }

    with pytest.raises(litellm.RateLimitError):
        litellm.completion(**call)
    response = litellm.completion(**call)

    assert response.choices[0].message.content == '{"n": 6}'
    assert route.call_count == 2
    assert route.calls[1].request.headers["authorization"] == f"Bearer {OPENAI_KEY}"


# -- OpenAI-compatible server, the whole pipeline ---------------------------------------------


async def test_seed_article_end_to_end(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(json.dumps(seed_contract)))

    analysis = await analyze(openai_settings(), seed_text)

    assert route.call_count == 1
    call = route.calls[0]
    assert call.request.headers["authorization"] == f"Bearer {OPENAI_KEY}"
    body = sent_json(call)
    schema = expected_schema(seed_text, "openai/gpt-4o-mini")
    assert body["response_format"]["type"] == "json_schema"
    assert body["response_format"]["json_schema"]["schema"] == schema
    system, user = body["messages"]
    assert system["role"] == "system" and IGNORE_INSTRUCTIONS in system["content"]
    assert "<article>" in user["content"] and "</article>" in user["content"]
    article = user["content"].split("<article>")[1].split("</article>")[0]
    assert "[1] " in article and f"[{len(analysis.sentences)}] " in article
    assert json.dumps(schema, ensure_ascii=False) not in user["content"]  # schema sent natively

    assert_grounded(analysis, seed_text)
    assert analysis.meta.model == "openai/gpt-4o-mini" and analysis.meta.provider == "openai"
    assert analysis.meta.attempts == 1 and analysis.meta.prompt_version
    assert analysis.meta.usage == Usage(prompt_tokens=100, completion_tokens=50, total_tokens=150)


async def test_json_mode_model_gets_the_schema_in_the_prompt(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(json.dumps(seed_contract)))
    settings = openai_settings(default_model="openai/newsroom-7b", models=[])

    analysis = await analyze(settings, seed_text)

    body = sent_json(route.calls[0])
    assert body["response_format"] == {"type": "json_object"}
    schema = expected_schema(seed_text, "openai/newsroom-7b")
    assert json.dumps(schema, ensure_ascii=False) in body["messages"][-1]["content"]
    assert_grounded(analysis, seed_text)


def _bad_status(contract: dict[str, Any]) -> dict[str, Any]:
    contract["claims"][0]["status"] = "probable"
    return contract


def _no_actors(contract: dict[str, Any]) -> dict[str, Any]:
    del contract["actors"]
    return contract


def _missing_sentence(contract: dict[str, Any]) -> dict[str, Any]:
    contract["claims"][0]["evidence"] = [{"sentence": 99, "act": "asserts"}]
    return contract


BadAnswer = Callable[[dict[str, Any]], httpx.Response]
REPAIR_CASES = [
    pytest.param(
        lambda c: openai_reply('{"headline": "Putin pledges",'), "not valid JSON", id="malformed"
    ),
    pytest.param(
        lambda c: openai_reply(json.dumps(_bad_status(c))), "claims.0.status", id="bad-enum"
    ),
    pytest.param(
        lambda c: openai_reply(json.dumps(_no_actors(c))), "actors: Field required", id="missing"
    ),
    pytest.param(
        lambda c: openai_reply(json.dumps(_missing_sentence(c))),
        "sentence numbers [99] do not exist",
        id="semantic",
    ),
    pytest.param(
        lambda c: openai_reply(json.dumps(c)[:300], finish_reason="length"),
        "cut off",
        id="truncated",
    ),
    pytest.param(lambda c: openai_reply(""), "empty", id="empty"),
    pytest.param(lambda c: openai_reply(None), "empty", id="null"),
]


@pytest.mark.parametrize(("bad_answer", "error_text"), REPAIR_CASES)
async def test_invalid_answer_is_reasked_with_the_error(
    provider: respx.MockRouter,
    seed_text: str,
    seed_contract: dict[str, Any],
    bad_answer: BadAnswer,
    error_text: str,
) -> None:
    bad = bad_answer(copy.deepcopy(seed_contract))
    good = openai_reply(json.dumps(seed_contract), prompt_tokens=120, completion_tokens=60)
    route = provider.post(OPENAI_URL).mock(side_effect=[bad, good])

    analysis = await analyze(openai_settings(), seed_text)

    assert route.call_count == 2
    first, second = messages_of(route.calls[0]), messages_of(route.calls[1])
    assert second[: len(first)] == first
    echoed, repair = second[len(first) :]
    bad_content = bad.json()["choices"][0]["message"]["content"] or ""
    assert echoed == {"role": "assistant", "content": bad_content}
    assert repair["role"] == "user" and error_text in repair["content"]
    schema = sent_json(route.calls[1])["response_format"]["json_schema"]["schema"]
    assert schema == expected_schema(seed_text, "openai/gpt-4o-mini")

    assert_grounded(analysis, seed_text)
    assert analysis.meta.attempts == 2
    assert analysis.meta.usage == Usage(prompt_tokens=220, completion_tokens=110, total_tokens=330)
    prompt_cost, completion_cost = load_litellm().cost_per_token(
        model="gpt-4o-mini", prompt_tokens=220, completion_tokens=110
    )
    assert analysis.meta.cost_usd == pytest.approx(prompt_cost + completion_cost)


async def test_repair_loop_exhausted_raises_with_attempts_errors_and_usage(
    provider: respx.MockRouter, seed_text: str
) -> None:
    answers = [
        openai_reply("I cannot help with that.", prompt_tokens=100 + i, completion_tokens=10)
        for i in range(3)
    ]
    route = provider.post(OPENAI_URL).mock(side_effect=answers)

    with pytest.raises(ModelOutputInvalid) as raised:
        await analyze(openai_settings(repair_attempts=2), seed_text)

    error = raised.value
    assert route.call_count == 3 and error.attempts == 3
    assert len(error.errors) == 3 and all("not valid JSON" in e for e in error.errors)
    assert error.usage == {"prompt_tokens": 303, "completion_tokens": 30, "total_tokens": 333}
    assert error.last_raw == "I cannot help with that."
    # The third call carries the shared prefix and only the latest failed answer.
    assert [m["role"] for m in messages_of(route.calls[2])] == [
        "system",
        "user",
        "assistant",
        "user",
    ]


async def test_transient_failure_then_repair_in_one_analysis(
    provider: respx.MockRouter,
    retry_clock: RetryClock,
    seed_text: str,
    seed_contract: dict[str, Any],
) -> None:
    replies = [
        openai_error(429, "slow", retry_after="2"),
        openai_reply("{not json", prompt_tokens=90, completion_tokens=5),
        openai_error(500, "boom"),
        openai_reply(json.dumps(seed_contract), prompt_tokens=110, completion_tokens=45),
    ]
    route = provider.post(OPENAI_URL).mock(side_effect=replies)

    analysis = await analyze(openai_settings(), seed_text)

    assert route.call_count == 4 and retry_clock.sleeps[0] == 2.0 and len(retry_clock.sleeps) == 2
    assert analysis.meta.attempts == 2  # model answers, not HTTP requests
    assert analysis.meta.usage == Usage(prompt_tokens=200, completion_tokens=50, total_tokens=250)
    assert_grounded(analysis, seed_text)


async def test_fallback_model_in_meta_when_the_primary_is_down(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    replies: Mapping[str, Reply] = {
        "gpt-4o-mini": httpx.ConnectError("refused"),
        "gpt-4o": openai_reply(json.dumps(seed_contract), model="gpt-4o"),
    }
    provider.post(OPENAI_URL).mock(side_effect=routed_by_model(replies))
    settings = openai_settings(retry_attempts=2, fallback_models=["openai/gpt-4o"])

    analysis = await analyze(settings, seed_text)

    assert analysis.meta.model == "openai/gpt-4o" and analysis.meta.attempts == 1
    assert_grounded(analysis, seed_text)


# -- Anthropic (a provider with its own wire format) ------------------------------------------


async def test_anthropic_schema_model_answers_through_a_tool_call(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    model = "anthropic/claude-sonnet-4-20250514"
    route = provider.post(ANTHROPIC_URL).mock(
        return_value=anthropic_reply(tool_input=seed_contract, stop_reason="tool_use")
    )

    analysis = await analyze(anthropic_settings(model=model), seed_text)

    request = route.calls[0].request
    assert request.headers["x-api-key"] == ANTHROPIC_KEY
    assert request.headers["anthropic-version"]
    body = sent_json(route.calls[0])
    assert body["model"] == "claude-sonnet-4-20250514"
    (tool,) = body["tools"]
    # litellm spells Anthropic's $refs "/$defs/…"; otherwise it is the contract schema.
    assert tool["input_schema"] == anthropic_refs(expected_schema(seed_text, model))
    assert body["tool_choice"] == {"type": "tool", "name": tool["name"]}
    assert IGNORE_INSTRUCTIONS in json.dumps(body["system"])
    (user,) = body["messages"]
    assert "<article>" in json.dumps(user["content"])
    assert_grounded(analysis, seed_text)
    assert analysis.meta.provider == "anthropic" and analysis.meta.model == model


async def test_anthropic_json_mode_model_gets_the_schema_in_the_prompt(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    model = "anthropic/claude-3-5-haiku-20241022"
    route = provider.post(ANTHROPIC_URL).mock(
        return_value=anthropic_reply(text=json.dumps(seed_contract))
    )

    analysis = await analyze(anthropic_settings(model=model), seed_text)

    body = sent_json(route.calls[0])
    assert "tools" not in body and "response_format" not in body
    user_text = body["messages"][0]["content"][0]["text"]
    assert "<article>" in user_text
    assert json.dumps(expected_schema(seed_text, model), ensure_ascii=False) in user_text
    assert_grounded(analysis, seed_text)


async def test_anthropic_rate_limit_and_overload_are_retried(
    provider: respx.MockRouter, retry_clock: RetryClock
) -> None:
    route = provider.post(ANTHROPIC_URL).mock(
        side_effect=[
            anthropic_error(429, "rate_limit_error", "slow", retry_after="4"),
            anthropic_error(529, "overloaded_error", "Overloaded"),
            anthropic_reply(text='{"n": 7}'),
        ]
    )

    completion = await LiteLLMClient(anthropic_settings()).complete(
        chat("anthropic/claude-3-5-haiku-20241022", schema=None)
    )

    assert completion.content == '{"n": 7}' and completion.provider == "anthropic"
    assert route.call_count == 3 and retry_clock.sleeps[0] == 4.0 and len(retry_clock.sleeps) == 2


async def test_anthropic_bad_key_is_an_auth_error(provider: respx.MockRouter) -> None:
    route = provider.post(ANTHROPIC_URL).mock(
        return_value=anthropic_error(401, "authentication_error", "invalid x-api-key")
    )

    with pytest.raises(UpstreamAuthError):
        await LiteLLMClient(anthropic_settings()).complete(
            chat("anthropic/claude-3-5-haiku-20241022")
        )

    assert route.call_count == 1


async def test_anthropic_truncated_answer_is_reasked(
    provider: respx.MockRouter, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    full = json.dumps(seed_contract)
    route = provider.post(ANTHROPIC_URL).mock(
        side_effect=[
            anthropic_reply(text=full[:200], stop_reason="max_tokens", output_tokens=2048),
            anthropic_reply(text=full, output_tokens=900),
        ]
    )

    analysis = await analyze(anthropic_settings(), seed_text)

    second = sent_json(route.calls[1])["messages"]
    assert [m["role"] for m in second] == ["user", "assistant", "user"]
    assert "cut off" in json.dumps(second[-1]["content"])
    assert analysis.meta.attempts == 2
    assert analysis.meta.usage == Usage(
        prompt_tokens=200, completion_tokens=2948, total_tokens=3148
    )
    assert_grounded(analysis, seed_text)


def test_retry_after_as_http_date_and_zero() -> None:
    from datetime import UTC, datetime, timedelta
    from email.utils import format_datetime

    from api.llm.client import _retry_after_seconds

    class Failure(Exception):
        def __init__(self, value: str) -> None:
            self.litellm_response_headers = {"retry-after": value}

    soon = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (_retry_after_seconds(Failure(soon)) or 0) <= 30
    assert _retry_after_seconds(Failure("0")) == 0.0
    assert _retry_after_seconds(Failure("soon-ish")) is None
