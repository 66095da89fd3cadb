"""The lean provider call (issue 18): OpenAI-compatible chat endpoints without
`litellm.acompletion`.

litellm.acompletion spends ~5.6 CPU ms per call on the httpx transport (profiled with
benchmarks/profile_call.py: the OpenAI SDK's request building and response models ~25 %,
response cost and logging payloads ~30 %, success callbacks ~10 %); a plain httpx request
~1 ms. This path keeps litellm for what it knows — where a model is routed and with which
base URL and key (`get_llm_provider`, once per model), the model's parameter mapping
(`get_optional_params`: e.g. gpt-5 and o-series send `max_completion_tokens` and no
`temperature`; once per model and sampling settings), the provider's own request body
(`transform_request`) and headers (`validate_environment`), and prices (the model map
entry, read once per model) — and sends the request itself on one pooled
`httpx.AsyncClient`'s transport (api/llm/send.py), so respx still sees every call in the
tests.

Only providers whose chat endpoint speaks OpenAI's format both ways take this path
(DIRECT_PROVIDERS), and only for models litellm would not move to the Responses API;
everything else (Anthropic, Gemini, `local/` GGUFs, …) stays on litellm.acompletion.
"""

from __future__ import annotations

import asyncio
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import Any

import httpx

from api.config import Settings
from api.llm.failures import answer_body, from_status, from_transport
from api.llm.one_send import coalesce_writes
from api.llm.send import post_json, sent_headers
from api.llm.types import ChatRequest, Completion
from api.model_ref import ModelRef
from schemas.analysis import Usage

# litellm provider -> environment variable litellm reads the base URL from (after the
# settings and litellm.api_base). Measured: both send litellm's body unchanged and get
# OpenAI's answer format back (tests/llm/test_direct.py compares the wire bodies).
DIRECT_PROVIDERS: dict[str, tuple[str, ...]] = {
    "openai": ("OPENAI_BASE_URL", "OPENAI_API_BASE"),
    "hosted_vllm": ("HOSTED_VLLM_API_BASE",),
}
OPENAI_DEFAULT_BASE = "https://api.openai.com/v1"
KEPT_ALIVE = 20  # idle connections kept per client: httpx's default
Pricer = Callable[[int, int, int], float]  # (prompt, cached prompt, completion tokens) -> USD


@dataclass(frozen=True)
class LitellmParts:
    """What the direct path uses of litellm, handed over by api/llm/client.py (the only
    module that imports litellm)."""

    module: ModuleType
    provider_enum: Callable[[str], Any]  # litellm.types.utils.LlmProviders
    ends_in_responses: Callable[[str, str], bool]  # the Responses-API bridge decision
    too_long: Callable[[str], bool]  # litellm's context-window-exceeded message test


@dataclass(frozen=True)
class Price:
    """USD per token from litellm's model map (linear: the model has no tiered prices)."""

    input: float
    output: float
    cached_input: float

    def of(self, prompt: int, cached: int, completion: int) -> float:
        # As litellm's generic_cost_per_token: cached prompt tokens at their own rate.
        return (
            (prompt - cached) * self.input + cached * self.cached_input + completion * self.output
        )


@dataclass
class Route:
    """Where and how one model is called: decided with litellm once per model."""

    name: str  # the model name the provider knows (litellm's prefix stripped)
    provider: str
    url: str
    headers: dict[str, str]
    config: Any  # litellm's chat config of the provider (parameter mapping, request body)
    price: Pricer | None
    # litellm's mapped parameters per (max_tokens, temperature, seed, response format type)
    params: dict[tuple[Any, ...], dict[str, Any] | None] = field(default_factory=dict)
    # prices of the model names answers give (e.g. a dated snapshot), read once per name
    answered: dict[str, Pricer | None] = field(default_factory=dict)
    # the URL parsed and the headers as the client sends them (its defaults first), once
    target: httpx.URL | None = None
    sent: httpx.Headers | None = None


class DirectTransport:
    """Sends OpenAI-compatible chat requests with one pooled httpx client per event loop
    (an AsyncClient's connections belong to the loop that opened them; a server has one)."""

    def __init__(self, settings: Settings, litellm: LitellmParts) -> None:
        self.settings = settings
        self.lm = litellm
        self._routes: dict[str, Route | None] = {}
        self._clients: dict[asyncio.AbstractEventLoop, httpx.AsyncClient] = {}

    def route(self, model: str) -> Route | None:
        """The direct route of `model`, or None: litellm.acompletion calls it."""
        if model not in self._routes:
            self._routes[model] = self._plan(model)
        return self._routes[model]

    def _plan(self, model: str) -> Route | None:
        lm = self.lm.module
        if not ModelRef(model).uses_credentials:
            return None
        try:
            name, provider, key, base = lm.get_llm_provider(model)
        except Exception:  # unknown to litellm: its own call reports that
            return None
        if provider not in DIRECT_PROVIDERS or self.lm.ends_in_responses(name, provider):
            return None
        base = self.settings.api_base or base or lm.api_base or _env(DIRECT_PROVIDERS[provider])
        if provider == "openai":
            base = base or OPENAI_DEFAULT_BASE
            key = key or lm.api_key or lm.openai_key or os.environ.get("OPENAI_API_KEY")
        if self.settings.api_key is not None:
            key = self.settings.api_key.get_secret_value()
        if not base or (provider == "openai" and not key):
            return None  # litellm's call gives its own error for the missing setting
        config = lm.ProviderConfigManager.get_provider_chat_config(
            model=name, provider=self.lm.provider_enum(provider)
        )
        return Route(
            name=name,
            provider=provider,
            url=f"{base.rstrip('/')}/chat/completions",
            headers=self._headers(config, name, provider, key, base),
            config=config,
            price=_pricer(lm, name, provider),
        )

    def _headers(
        self, config: Any, name: str, provider: str, key: str | None, base: str
    ) -> dict[str, str]:
        headers: dict[str, str] = config.validate_environment(
            headers={}, model=name, messages=[], optional_params={}, litellm_params={},
            api_key=key, api_base=base,
        )  # fmt: skip
        organization = self.lm.module.organization or os.environ.get("OPENAI_ORGANIZATION")
        if provider == "openai" and organization:  # what the OpenAI SDK sends for it
            headers["OpenAI-Organization"] = organization
        return headers

    async def complete(
        self, route: Route, request: ChatRequest, model: str, response_format: dict[str, Any] | None
    ) -> Completion:
        body = self._body(route, request, response_format)
        try:
            response = await self._post(route, body)
        except httpx.RequestError as exc:
            raise from_transport(exc) from exc
        if not response.is_success:
            raise from_status(response, self.lm.too_long)
        body = answer_body(response)
        return _completion(body, route, model, self._pricer_of(route, body.get("model")))

    async def _post(self, route: Route, body: dict[str, Any]) -> httpx.Response:
        """The pooled client's transport, without its per-call layers (api/llm/send.py)."""
        client = self._http()
        if route.target is None or route.sent is None:
            route.target, route.sent = httpx.URL(route.url), sent_headers(client, route.headers)
        return await post_json(client, route.target, route.sent, body)

    def _pricer_of(self, route: Route, answered: object) -> Pricer | None:
        """As litellm: the price of the model the answer names where its map knows it (a
        dated snapshot, or another model the server chose), else the requested model's."""
        if not isinstance(answered, str) or answered in {"", route.name}:
            return route.price
        if answered not in route.answered:
            route.answered[answered] = _pricer(self.lm.module, answered, route.provider)
        return route.answered[answered] or route.price

    def _body(
        self, route: Route, request: ChatRequest, response_format: dict[str, Any] | None
    ) -> dict[str, Any]:
        messages = [dict(m) for m in request.messages]
        body: dict[str, Any] = route.config.transform_request(
            model=route.name,
            messages=messages,
            optional_params=self._params(route, request, messages, response_format),
            litellm_params={},
            headers={},
        )
        body.update(body.pop("extra_body", None) or {})  # as the OpenAI SDK merges it
        if body.get("stream") is False:
            del body["stream"]  # litellm's `openai` (the OpenAI SDK) and `hosted_vllm` omit it
        return body

    def _params(
        self,
        route: Route,
        request: ChatRequest,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
    ) -> dict[str, Any]:
        """litellm's mapping of the sampling settings, once per model and settings
        (`get_optional_params` costs 0.3-3 ms). It is computed with a placeholder schema;
        when the mapping rewrites the response format rather than passing it on, it is
        asked again for every call instead."""
        kind = response_format["type"] if response_format else None
        key = (request.max_tokens, request.temperature, request.seed, kind)
        if key not in route.params:
            probe = _placeholder(response_format)
            mapped = self._map(route, request, messages, probe)
            passes_on = mapped.get("response_format") == probe
            route.params[key] = mapped if probe is None or passes_on else None
        template = route.params[key]
        if template is None:
            return self._map(route, request, messages, response_format)
        params = dict(template)
        if response_format is not None:
            params["response_format"] = response_format
        return params

    def _map(
        self,
        route: Route,
        request: ChatRequest,
        messages: list[dict[str, str]],
        response_format: dict[str, Any] | None,
    ) -> dict[str, Any]:
        optional: dict[str, Any] = {
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "response_format": response_format,
        }
        if request.seed is not None:
            optional["seed"] = request.seed
        mapped: dict[str, Any] = self.lm.module.get_optional_params(
            model=route.name,
            custom_llm_provider=route.provider,
            drop_params=True,
            messages=messages,
            **optional,
        )
        return mapped

    def _http(self) -> httpx.AsyncClient:
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            self._forget_closed_loops()
            client = httpx.AsyncClient(
                timeout=httpx.Timeout(self.settings.llm_timeout_s), limits=self._limits()
            )
            coalesce_writes(client)  # a request's head and body in one send (one_send.py)
            self._clients[loop] = client
        return client

    def _limits(self) -> httpx.Limits:
        """A connection for every model call the service lets run at once: httpx's default
        pool (100) queued the rest, and a wait longer than the call timeout failed as an
        upstream timeout though the provider answered in time (tests/llm/test_direct_pool.py).
        Idle connections kept: httpx's default (20), as each is checked on every request."""
        return httpx.Limits(
            max_connections=self.settings.max_concurrency,
            max_keepalive_connections=KEPT_ALIVE,
        )

    def _forget_closed_loops(self) -> None:
        for loop in [loop for loop in self._clients if loop.is_closed()]:
            del self._clients[loop]

    def close(self) -> None:
        """Close the pooled connections (shutdown). Called from sync code: on the running
        loop the close is scheduled, on a stopped one it is run to the end."""
        clients, self._clients = self._clients, {}
        for loop, client in clients.items():
            if loop.is_closed():
                continue
            if loop.is_running():
                asyncio.run_coroutine_threadsafe(client.aclose(), loop)
            else:
                loop.run_until_complete(client.aclose())


def _env(names: tuple[str, ...]) -> str | None:
    return next((os.environ[n] for n in names if os.environ.get(n)), None)


def _placeholder(response_format: dict[str, Any] | None) -> dict[str, Any] | None:
    """The response format with a stand-in schema: what the mapping does to it is what it
    would do to any schema of that type."""
    if response_format is None or "json_schema" not in response_format:
        return response_format
    json_schema = {**response_format["json_schema"], "schema": {"type": "object"}}
    return {**response_format, "json_schema": json_schema}


def _pricer(lm: ModuleType, name: str, provider: str) -> Pricer | None:
    """The price of one answer from litellm's model map, or None where the map has none
    (litellm's own response cost is None then too). Linear prices are read once per model;
    tiered ones (by prompt size) are left to litellm's cost_per_token on every call."""
    try:
        info = lm.get_model_info(model=name, custom_llm_provider=provider)
    except Exception:
        return None
    rates = info.get("input_cost_per_token"), info.get("output_cost_per_token")
    if rates[0] is None or rates[1] is None:
        return None
    tiered = info.get("tiered_pricing") or any(
        value is not None for key, value in info.items() if "_above_" in key
    )
    if tiered:

        def priced_by_litellm(prompt: int, cached: int, completion: int) -> float:
            costs = lm.cost_per_token(
                model=name, custom_llm_provider=provider, prompt_tokens=prompt,
                completion_tokens=completion, cache_read_input_tokens=cached,
            )  # fmt: skip
            return float(sum(costs))

        return priced_by_litellm
    cached_rate = info.get("cache_read_input_token_cost")
    return Price(
        float(rates[0]), float(rates[1]), float(rates[0] if cached_rate is None else cached_rate)
    ).of


def _completion(body: dict[str, Any], route: Route, model: str, price: Pricer | None) -> Completion:
    choice = body["choices"][0]
    message = choice.get("message") or {}
    content = message.get("content")
    usage = body.get("usage") or {}
    prompt = int(usage.get("prompt_tokens") or 0)
    completion = int(usage.get("completion_tokens") or 0)
    cached = int((usage.get("prompt_tokens_details") or {}).get("cached_tokens") or 0)
    return Completion(
        content=content if isinstance(content, str) else None,
        finish_reason=choice.get("finish_reason"),
        model=model,
        provider=route.provider,
        usage=Usage(
            prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
        ),
        cost_usd=price(prompt, cached, completion) if price else None,
    )
