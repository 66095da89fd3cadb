"""The direct path for OpenAI-compatible providers (api/llm/direct.py, issue 18), against the
litellm path it replaces: the same wire body, price and typed errors, through respx.

Each test runs a request through both transports (`llm_transport`) where they must agree,
so a litellm upgrade that changes what litellm sends or raises shows up here.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from api.compose import make_analyzer
from api.errors import (
    ContextWindowExceeded,
    StancewireError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from api.llm.client import LiteLLMClient, load_litellm
from tests.llm.conftest import (
    ANTHROPIC_KEY,
    ANTHROPIC_URL,
    OPENAI_BASE,
    OPENAI_KEY,
    OPENAI_URL,
    Reply,
    RetryClock,
    always,
    anthropic_reply,
    anthropic_settings,
    openai_error,
    openai_reply,
    openai_settings,
    sent_json,
)
from tests.llm.test_client_http import chat

pytestmark = pytest.mark.usefixtures("retry_clock")
TRANSPORTS = ("litellm", "direct")


def client(transport: str, **overrides: Any) -> LiteLLMClient:
    return LiteLLMClient(openai_settings(llm_transport=transport, **overrides))


def no_acompletion(monkeypatch: pytest.MonkeyPatch) -> None:
    async def refuse(**kwargs: Any) -> None:
        raise AssertionError("litellm.acompletion was called")

    monkeypatch.setattr(load_litellm(), "acompletion", refuse)


# -- what is sent ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "model",
    [
        "openai/gpt-4o-mini",
        "openai/gpt-5-mini",  # max_completion_tokens, no temperature
        "openai/o3-mini",
        "openai/newsroom-7b",  # unknown to the model map: JSON mode
        "hosted_vllm/newsroom-7b",
    ],
)
async def test_direct_sends_what_litellm_sends(provider: respx.MockRouter, model: str) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))

    completions = [await client(t, models=[model]).complete(chat(model)) for t in TRANSPORTS]

    for completion in completions:
        assert (completion.content, completion.model) == ('{"n": 1}', model)
        assert completion.provider == model.split("/")[0]
        assert completion.usage == completions[0].usage
    assert completions[1].cost_usd == pytest.approx(completions[0].cost_usd)
    via_litellm, direct = route.calls
    assert sent_json(direct) == sent_json(via_litellm)
    for header in ("authorization", "content-type"):
        assert direct.request.headers[header] == via_litellm.request.headers[header]


async def test_gpt5_gets_litellms_parameter_mapping(
    provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_acompletion(monkeypatch)
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))

    await client("direct").complete(chat("openai/gpt-5-mini"))

    body = sent_json(route.calls[0])
    assert body["model"] == "gpt-5-mini" and body["max_completion_tokens"] == 2048
    assert "max_tokens" not in body and "temperature" not in body


async def test_direct_maps_parameters_once_per_model(
    provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    """get_optional_params costs 0.3-3 ms: asked once per model and sampling settings, with
    each request's own schema put back."""
    provider.post(OPENAI_URL).mock(side_effect=always(openai_reply('{"n": 1}')))
    lm = load_litellm()
    calls: list[str] = []
    real = lm.get_optional_params
    monkeypatch.setattr(
        lm, "get_optional_params", lambda **k: calls.append(k["model"]) or real(**k)
    )
    llm = client("direct")
    other_schema = {"type": "object", "properties": {"m": {"type": "string"}}}

    await llm.complete(chat())
    await llm.complete(chat(schema=other_schema))
    route = provider.routes[0]

    assert calls == ["gpt-4o-mini"]
    schemas = [sent_json(c)["response_format"]["json_schema"]["schema"] for c in route.calls]
    assert schemas[1] == other_schema and schemas[0] != other_schema


async def test_direct_price_is_litellms_with_cached_tokens(provider: respx.MockRouter) -> None:
    reply = openai_reply('{"n": 1}', prompt_tokens=2000, completion_tokens=300)
    body = reply.json()
    body["usage"]["prompt_tokens_details"] = {"cached_tokens": 1024}
    provider.post(OPENAI_URL).mock(side_effect=always(httpx.Response(200, json=body)))

    costs = [(await client(t).complete(chat())).cost_usd for t in TRANSPORTS]

    prompt_cost, completion_cost = load_litellm().cost_per_token(
        model="gpt-4o-mini",
        prompt_tokens=2000,
        completion_tokens=300,
        cache_read_input_tokens=1024,
    )
    assert costs[0] == pytest.approx(prompt_cost + completion_cost)
    assert costs[1] == pytest.approx(costs[0])
    assert (
        costs[1]
        < load_litellm().cost_per_token(
            model="gpt-4o-mini", prompt_tokens=2000, completion_tokens=300
        )[0]
        + completion_cost
    )  # the cached tokens were priced as cached


@pytest.mark.parametrize("answered", ["gpt-4o-mini-2024-07-18", "gpt-4o", "newsroom-7b"])
async def test_direct_prices_the_model_the_answer_names_as_litellm(
    provider: respx.MockRouter, answered: str
) -> None:
    """litellm prices the model the answer names where its map knows it, else the one asked
    for: a server that answered with gpt-4o is billed at gpt-4o's price."""
    reply = openai_reply('{"n": 1}', model=answered, prompt_tokens=1000, completion_tokens=1000)
    provider.post(OPENAI_URL).mock(side_effect=always(reply))

    costs = [(await client(t).complete(chat())).cost_usd for t in TRANSPORTS]

    assert costs[0] is not None and costs[1] == pytest.approx(costs[0])


@pytest.mark.parametrize("prompt_tokens", [1_000, 300_000])
async def test_direct_price_of_a_tiered_model_is_litellms(
    provider: respx.MockRouter, prompt_tokens: int
) -> None:
    """gpt-5.4 costs more per token past 272k prompt tokens: priced by litellm per call."""
    model = "openai/gpt-5.4"
    reply = openai_reply(
        '{"n": 1}', prompt_tokens=prompt_tokens, completion_tokens=500, model="gpt-5.4"
    )
    provider.post(OPENAI_URL).mock(side_effect=always(reply))
    assert client("direct", models=[model]).direct.route(model) is not None

    costs = [(await client(t, models=[model]).complete(chat(model))).cost_usd for t in TRANSPORTS]

    assert costs[0] is not None and costs[1] == pytest.approx(costs[0])


async def test_direct_reads_the_key_from_the_environment_as_litellm_does(
    provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-from-env-0003")
    route = provider.post(OPENAI_URL).mock(side_effect=always(openai_reply('{"n": 1}')))

    for transport in TRANSPORTS:
        await client(transport, api_key=None).complete(chat())

    assert {c.request.headers["authorization"] for c in route.calls} == {"Bearer sk-from-env-0003"}


@pytest.mark.parametrize(
    ("model", "why"),
    [
        ("anthropic/claude-3-5-haiku-20241022", "not OpenAI's wire format"),
        ("openai/o3-pro", "litellm moves it to the Responses API"),
        ("local/smollm2-135m", "a GGUF in process"),
        ("builtin/rules-en", "no model call"),
    ],
)
def test_other_models_stay_on_litellm(model: str, why: str) -> None:
    assert client("direct", api_key=ANTHROPIC_KEY).direct.route(model) is None, why


def test_openai_without_any_key_is_left_to_litellm(monkeypatch: pytest.MonkeyPatch) -> None:
    """litellm's own call reports the missing key as it always did."""
    monkeypatch.delenv("OPENAI_API_KEY", raising=False)
    assert client("direct", api_key=None).direct.route("openai/gpt-4o-mini") is None


async def test_transport_litellm_uses_acompletion(provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))
    llm = client("litellm")
    await llm.complete(chat())
    assert llm._direct is None


# -- the pooled client ---------------------------------------------------------------------------


async def test_one_pooled_client_with_the_call_timeout_closed_at_shutdown(
    provider: respx.MockRouter, monkeypatch: pytest.MonkeyPatch
) -> None:
    no_acompletion(monkeypatch)
    provider.post(OPENAI_URL).mock(side_effect=always(openai_reply('{"n": 1}')))
    llm = client("direct", llm_timeout_s=12.5)

    await llm.complete(chat())
    await llm.complete(chat("openai/gpt-4o", schema=None))
    (http,) = llm.direct._clients.values()
    assert http.timeout == httpx.Timeout(12.5)

    llm.close()  # as Analyzer.close() in the server's shutdown, on the running loop
    for _ in range(5):
        await asyncio.sleep(0)
    assert http.is_closed and llm.direct._clients == {}


# -- failures --------------------------------------------------------------------------------


def _http_date(seconds: int) -> str:
    return format_datetime(datetime.now(UTC) + timedelta(seconds=seconds), usegmt=True)


CONTEXT = httpx.Response(
    400,
    json={
        "error": {
            "message": "This model's maximum context length is 128000 tokens. However, your "
            "messages resulted in 200000 tokens.",
            "type": "invalid_request_error",
            "param": "messages",
            "code": "context_length_exceeded",
        }
    },
)
NO_CHOICES = httpx.Response(200, json={"id": "x", "object": "chat.completion", "choices": []})


@pytest.mark.parametrize(
    ("failure", "error_type", "retry_after", "calls"),
    [
        pytest.param(
            openai_error(429, "slow", retry_after="2"), UpstreamRateLimited, 2, 3, id="429"
        ),
        pytest.param(
            # a day ahead: the date is made when the tests are collected, not when this runs
            openai_error(429, "slow", retry_after=_http_date(86_400)),
            UpstreamRateLimited,
            (80_000, 86_400),
            3,
            id="429-http-date",
        ),
        pytest.param(openai_error(500, "boom"), UpstreamUnavailable, 15, 3, id="500"),
        pytest.param(openai_error(502, "bad gateway"), UpstreamUnavailable, 15, 3, id="502"),
        pytest.param(
            openai_error(503, "down", retry_after="7"), UpstreamUnavailable, 7, 3, id="503"
        ),
        pytest.param(openai_error(504, "gateway timeout"), UpstreamTimeout, 10, 3, id="504"),
        pytest.param(openai_error(401, "bad key"), UpstreamAuthError, None, 1, id="401"),
        pytest.param(openai_error(403, "forbidden"), UpstreamAuthError, None, 1, id="403"),
        pytest.param(CONTEXT, ContextWindowExceeded, None, 1, id="400-context-length"),
        pytest.param(openai_error(400, "bad request body"), UpstreamError, None, 1, id="400"),
        pytest.param(openai_error(404, "no such model"), UpstreamError, None, 1, id="404"),
        pytest.param(httpx.ConnectError("refused"), UpstreamUnavailable, 15, 3, id="connect"),
        pytest.param(httpx.ReadTimeout("slow"), UpstreamTimeout, 10, 3, id="read-timeout"),
        pytest.param(httpx.ConnectTimeout("slow"), UpstreamTimeout, 10, 3, id="connect-timeout"),
        pytest.param(
            httpx.Response(200, text="<html>proxy error</html>"),
            UpstreamUnavailable,
            15,
            3,
            id="200-not-json",
        ),
        pytest.param(NO_CHOICES, UpstreamError, None, 1, id="200-no-choices"),
    ],
)
@pytest.mark.parametrize("transport", TRANSPORTS)
async def test_failures_give_the_same_typed_errors_on_both_paths(
    provider: respx.MockRouter,
    retry_clock: RetryClock,
    transport: str,
    failure: Reply,
    error_type: type[StancewireError],
    retry_after: int | tuple[int, int] | None,
    calls: int,
) -> None:
    route = provider.post(OPENAI_URL).mock(side_effect=always(failure))

    with pytest.raises(StancewireError) as raised:
        await client(transport, retry_attempts=3).complete(chat())

    error = raised.value
    assert type(error) is error_type
    if isinstance(retry_after, tuple):
        assert retry_after[0] <= (error.retry_after or 0) <= retry_after[1]
    else:
        assert error.retry_after == retry_after
    assert route.call_count == calls and len(retry_clock.sleeps) == calls - 1
    assert OPENAI_KEY not in error.detail


@pytest.mark.parametrize(
    ("failure", "status", "hint"),
    [
        pytest.param(openai_error(400, "bad request body"), 400, "bad request body", id="400"),
        pytest.param(openai_error(401, "bad key"), 401, "STANCEWIRE_API_KEY", id="401"),
        pytest.param(openai_error(429, "slow"), 429, "rate limiting", id="429"),
        pytest.param(openai_error(503, "down"), 503, "unavailable", id="503"),
        # litellm reported a connection failure as upstream status 500; no status is true.
        pytest.param(httpx.ConnectError("refused"), None, "unavailable", id="connect"),
        # litellm retried a 422 once without params, then failed on its own None answer.
        pytest.param(openai_error(422, "unprocessable"), 422, "unprocessable", id="422"),
        pytest.param(NO_CHOICES, 200, "no choices", id="200-no-choices"),
    ],
)
async def test_direct_errors_carry_the_providers_status_and_message(
    provider: respx.MockRouter, failure: Reply, status: int | None, hint: str
) -> None:
    provider.post(OPENAI_URL).mock(side_effect=always(failure))

    with pytest.raises(UpstreamError) as raised:
        await client("direct", retry_attempts=1).complete(chat())

    assert raised.value.upstream_status == status and hint in raised.value.detail


async def test_direct_falls_back_to_the_next_model(provider: respx.MockRouter) -> None:
    replies = [openai_error(503, "down"), openai_error(503, "down"), openai_reply('{"n": 4}')]
    route = provider.post(OPENAI_URL).mock(side_effect=replies)
    llm = client("direct", retry_attempts=2, fallback_models=["openai/gpt-4o"])

    completion = await llm.complete(chat())

    assert completion.model == "openai/gpt-4o" and completion.provider == "openai"
    assert [sent_json(c)["model"] for c in route.calls] == ["gpt-4o-mini"] * 2 + ["gpt-4o"]


def test_base_url_without_settings_is_litellms(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", OPENAI_BASE)
    route = client("direct", api_base=None).direct.route("openai/gpt-4o-mini")
    assert route is not None and route.url == OPENAI_URL
    monkeypatch.delenv("OPENAI_BASE_URL")
    route = client("direct", api_base=None).direct.route("openai/gpt-4o-mini")
    assert route is not None and route.url == "https://api.openai.com/v1/chat/completions"


async def test_analyzer_close_closes_the_pooled_client(provider: respx.MockRouter) -> None:
    provider.post(OPENAI_URL).mock(return_value=openai_reply('{"n": 1}'))
    analyzer = make_analyzer(openai_settings(llm_transport="direct"))
    llm = analyzer.client
    assert isinstance(llm, LiteLLMClient)
    await llm.complete(chat())
    (http,) = llm.direct._clients.values()

    analyzer.close()
    for _ in range(5):
        await asyncio.sleep(0)

    assert http.is_closed


async def test_anthropic_calls_fetch_nothing_but_the_provider(provider: respx.MockRouter) -> None:
    """Regression: litellm fetched Anthropic's beta-headers config from GitHub on the first
    Anthropic call (the bundled copy is used, as for the cost map)."""
    github = provider.get(url__startswith="https://raw.githubusercontent.com/").mock(
        return_value=httpx.Response(200, json={})
    )
    provider.post(ANTHROPIC_URL).mock(return_value=anthropic_reply(text='{"n": 7}'))
    load_litellm()  # the setting is read per call: a later import must not undo it

    completion = await LiteLLMClient(anthropic_settings()).complete(
        chat("anthropic/claude-haiku-4-5")  # structured output: a beta header
    )

    assert completion.content == '{"n": 7}' and github.call_count == 0
