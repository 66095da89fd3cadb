"""The only module that imports litellm.

`LiteLLMClient.complete` sends one structured-output request and owns the transient-failure
loop (tenacity: exponential backoff with jitter, Retry-After honoured, bounded in attempts
and total time) and the fallback models. Invalid *content* is not its business: that loop
lives in api/pipeline/repair.py.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from types import ModuleType
from typing import Any

from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception,
    stop_after_attempt,
    stop_before_delay,
    wait_exponential_jitter,
)

from api.config import Settings
from api.errors import (
    ContextWindowExceeded,
    StancewireError,
    UpstreamAuthError,
    UpstreamError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from api.llm.capabilities import ModelCapabilities, known_capabilities
from api.llm.direct import DirectTransport, LitellmParts
from api.llm.failures import FailureKind, ProviderFailure
from api.llm.local import LocalModelRegistry, register_with_litellm
from api.llm.types import ChatRequest, Completion
from api.metrics import count_retry
from api.model_ref import ModelRef, model_kind
from schemas.analysis import Usage

log = logging.getLogger(__name__)
_import_lock = threading.Lock()
_litellm: ModuleType | None = None


def load_litellm() -> ModuleType:
    """Import litellm once, lazily (~5 s), offline: local cost map, httpx transport."""
    global _litellm
    with _import_lock:
        if _litellm is None:
            os.environ.setdefault("LITELLM_LOCAL_MODEL_COST_MAP", "True")
            # Else the first Anthropic call fetches a beta-headers config from GitHub (5 s
            # timeout): the bundled copy, as for the cost map.
            os.environ.setdefault("LITELLM_LOCAL_ANTHROPIC_BETA_HEADERS", "True")
            import litellm

            # The aiohttp transport bypasses httpx (and so respx in tests); one transport
            # for sync and async keeps behaviour identical everywhere.
            litellm.disable_aiohttp_transport = True
            litellm.suppress_debug_info = True
            litellm.drop_params = True
            # litellm logs every call at INFO; our own log line per request is enough.
            for name in ("LiteLLM", "LiteLLM Router", "LiteLLM Proxy", "httpx"):
                logging.getLogger(name).setLevel(logging.WARNING)
            _litellm = litellm
    return _litellm


def _retry_after_seconds(exc: BaseException) -> float | None:
    headers: Any = getattr(exc, "litellm_response_headers", None)
    if isinstance(exc, ProviderFailure):
        headers = exc.headers
    response = getattr(exc, "response", None)
    if headers is None and response is not None:
        headers = getattr(response, "headers", None)
    value = headers.get("retry-after") if headers is not None else None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:  # RFC 9110 also allows an HTTP date
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def _upstream_status(exc: BaseException) -> int | None:
    status = getattr(exc, "status_code", None)
    return status if isinstance(status, int) else None


def is_transient(exc: BaseException) -> bool:
    """Timeouts, connection errors, 429 and 5xx: worth another try."""
    if isinstance(exc, ProviderFailure):  # the direct path's, classified as it failed
        return exc.transient
    lm = load_litellm()
    transient = (
        lm.Timeout,
        lm.APIConnectionError,
        lm.RateLimitError,
        lm.InternalServerError,
        lm.ServiceUnavailableError,
        lm.BadGatewayError,
    )
    if isinstance(exc, transient):
        return True
    status = _upstream_status(exc)
    return isinstance(exc, lm.APIError) and status is not None and status >= 500


def _failure_kind(exc: BaseException) -> FailureKind:
    """What a litellm exception (or the direct path's ProviderFailure) says went wrong."""
    if isinstance(exc, ProviderFailure):
        return exc.kind
    lm = load_litellm()
    if isinstance(exc, lm.RateLimitError):
        return "rate_limited"
    if isinstance(exc, lm.Timeout):
        return "timeout"
    if isinstance(exc, lm.ContextWindowExceededError):
        return "context_window"
    # OpenAI-compatible servers' 401/403 can arrive as a plain APIError with that status.
    auth_failed = _upstream_status(exc) in {401, 403}
    if isinstance(exc, lm.AuthenticationError | lm.PermissionDeniedError) or auth_failed:
        return "auth"
    return "unavailable" if is_transient(exc) else "refused"


def to_stancewire_error(exc: BaseException, model: str) -> StancewireError:
    """Map a provider exception (after retries) to the service's typed errors."""
    retry_after = _retry_after_seconds(exc)
    wait = int(retry_after + 0.999) if retry_after is not None else None
    where = f"model {model!r}"
    status = _upstream_status(exc)
    kind = _failure_kind(exc)
    if kind == "rate_limited":
        return UpstreamRateLimited(
            f"The provider of {where} is rate limiting.",
            retry_after=30 if wait is None else wait,
            upstream_status=status,
        )
    if kind == "timeout":
        return UpstreamTimeout(
            f"{where} did not answer in time.", retry_after=10 if wait is None else wait
        )
    if kind == "context_window":
        return ContextWindowExceeded(f"The article is too long for {where}; send a shorter text.")
    if kind == "auth":
        return UpstreamAuthError(
            f"The provider of {where} rejected the credentials: set STANCEWIRE_API_KEY "
            "or the provider's key variable (e.g. OPENAI_API_KEY).",
            upstream_status=status,
        )
    if kind == "unavailable":
        return UpstreamUnavailable(
            f"The provider of {where} is unavailable.",
            retry_after=15 if wait is None else wait,
            upstream_status=status,
        )
    return UpstreamError(
        f"The provider of {where} refused the request: {_short(exc)}", upstream_status=status
    )


def _short(exc: BaseException) -> str:
    return str(exc).splitlines()[0][:300] if str(exc) else type(exc).__name__


class LiteLLMClient:
    """LLMClient over litellm.acompletion, for any provider litellm knows."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.local = _LiteLLMLocalModels(settings)
        self._capabilities: dict[str, ModelCapabilities] = {}
        self._providers: dict[str, str] = {}
        self._direct: DirectTransport | None = None

    def capabilities(self, model: str) -> ModelCapabilities:
        """Known patterns first, else litellm's model map; remembered per model (the map
        lookup costs ~1 ms and is asked several times per analysis)."""
        if model not in self._capabilities:
            found = known_capabilities(model) or self._from_model_map(model)
            if model_kind(model) == "local":  # llama.cpp reads what its context holds
                found = replace(found, context_tokens=self.settings.local_context)
            self._capabilities[model] = found
        return self._capabilities[model]

    @staticmethod
    def _from_model_map(model: str) -> ModelCapabilities:
        lm = load_litellm()
        try:
            schema = bool(lm.supports_response_schema(model=model))
        except Exception:  # unknown to the model map: assume the least
            schema = False
        try:
            context = lm.get_model_info(model=model).get("max_input_tokens")
        except Exception:  # unknown to the model map: no token budget, the sentence limit only
            context = None
        return ModelCapabilities(json_schema=schema, json_mode=True, context_tokens=context)

    def response_format(
        self, request: ChatRequest, model: str | None = None
    ) -> dict[str, Any] | None:
        """What `model` (the request's, or a fallback's) accepts for structured output."""
        if request.json_schema is None:
            return None
        if self.capabilities(model or request.model).json_schema:
            return {
                "type": "json_schema",
                "json_schema": {
                    "name": request.schema_name,
                    "schema": request.json_schema,
                    "strict": True,
                },
            }
        return {"type": "json_object"}

    async def complete(self, request: ChatRequest) -> Completion:
        models = [request.model, *self.settings.fallback_models]
        last_error: StancewireError | None = None
        for model in dict.fromkeys(models):
            try:
                return await self._complete_with_retries(request, model)
            except (UpstreamUnavailable, UpstreamTimeout, UpstreamRateLimited) as error:
                log.warning("model %s failed (%s); trying the next fallback", model, error.code)
                last_error = error
        assert last_error is not None
        raise last_error

    async def _complete_with_retries(self, request: ChatRequest, model: str) -> Completion:
        retrying = AsyncRetrying(
            retry=retry_if_exception(is_transient),
            stop=stop_after_attempt(self.settings.retry_attempts)
            # before, not after: never start a wait that would end past the budget
            | stop_before_delay(self.settings.retry_total_s),
            wait=self._wait_strategy(),
            before_sleep=lambda state: count_retry(model),
            reraise=True,
        )
        try:
            async for attempt in retrying:
                with attempt:
                    return await self._call_once(request, model)
        except StancewireError:
            raise
        except Exception as exc:
            raise to_stancewire_error(exc, model) from exc
        raise AssertionError("unreachable: tenacity either returns or raises")

    def _wait_strategy(self) -> Callable[[RetryCallState], float]:
        backoff = wait_exponential_jitter(multiplier=0.5, max=self.settings.retry_max_wait_s)

        def wait(state: RetryCallState) -> float:
            exc = state.outcome.exception() if state.outcome else None
            retry_after = _retry_after_seconds(exc) if exc else None
            if retry_after is not None:
                return min(retry_after, self.settings.retry_max_wait_s)
            return float(backoff(state))

        return wait

    async def _call_once(self, request: ChatRequest, model: str) -> Completion:
        route = self.direct.route(model) if self.settings.llm_transport == "direct" else None
        if route is not None:  # OpenAI-compatible: the lean call (api/llm/direct.py)
            response_format = self.response_format(request, model)
            return await self.direct.complete(route, request, model, response_format)
        lm = load_litellm()
        if model_kind(model) == "local":  # hosted calls never touch (or validate) GGUF settings
            self.local.registered(lm)
        response = await lm.acompletion(**self._call_kwargs(request, model))
        return self._to_completion(lm, response, model)

    @property
    def direct(self) -> DirectTransport:
        """The lean path for OpenAI-compatible providers, with litellm's parts it uses."""
        if self._direct is None:
            lm = load_litellm()
            from litellm.litellm_core_utils.exception_mapping_utils import ExceptionCheckers
            from litellm.responses.bridge_check import chat_completion_ends_in_responses_api
            from litellm.types.utils import LlmProviders

            parts = LitellmParts(
                module=lm,
                provider_enum=LlmProviders,
                ends_in_responses=chat_completion_ends_in_responses_api,
                too_long=ExceptionCheckers.is_error_str_context_window_exceeded,
            )
            self._direct = DirectTransport(self.settings, parts)
        return self._direct

    def close(self) -> None:
        """Close the direct path's pooled connections (server shutdown)."""
        if self._direct is not None:
            self._direct.close()

    def _call_kwargs(self, request: ChatRequest, model: str) -> dict[str, Any]:
        kwargs: dict[str, Any] = {
            "model": model,
            "messages": [dict(m) for m in request.messages],
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "timeout": self.settings.llm_timeout_s,
            "num_retries": 0,  # retries are ours (tenacity), never litellm's as well
        }
        if request.seed is not None:
            kwargs["seed"] = request.seed
        response_format = self.response_format(request, model)
        if response_format is not None:
            kwargs["response_format"] = response_format
        if ModelRef(model).uses_credentials:
            if self.settings.api_key is not None:
                kwargs["api_key"] = self.settings.api_key.get_secret_value()
            if self.settings.api_base:
                kwargs["api_base"] = self.settings.api_base
        return kwargs

    def _to_completion(self, lm: ModuleType, response: Any, model: str) -> Completion:
        choice = response.choices[0]
        usage = getattr(response, "usage", None)
        prompt = int(getattr(usage, "prompt_tokens", 0) or 0)
        completion = int(getattr(usage, "completion_tokens", 0) or 0)
        return Completion(
            content=choice.message.content,
            finish_reason=choice.finish_reason,
            model=model,
            provider=self._provider(lm, model),
            usage=Usage(
                prompt_tokens=prompt, completion_tokens=completion, total_tokens=prompt + completion
            ),
            cost_usd=_priced_once(response),
        )

    def _provider(self, lm: ModuleType, model: str) -> str:
        """The provider litellm routes `model` to, looked up once per model."""
        if model not in self._providers:
            _, provider, _, _ = lm.get_llm_provider(model)
            self._providers[model] = str(provider)
        return self._providers[model]


def _priced_once(response: Any) -> float | None:
    """The price litellm gave the response from its cost map (cached input tokens included)
    while building it. Pricing it again with `completion_cost` was a second full pass over
    the response on every call (~7 % of the request's CPU, issue 18). None when litellm does
    not know the model's price."""
    hidden = getattr(response, "_hidden_params", None)
    cost = hidden.get("response_cost") if isinstance(hidden, dict) else None
    return float(cost) if isinstance(cost, int | float) else None


class _LiteLLMLocalModels:
    """The `local/<name>` GGUF models, made a litellm provider on first use (api/llm/local.py)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._registry: LocalModelRegistry | None = None

    def registered(self, lm: ModuleType) -> LocalModelRegistry:
        if self._registry is None:
            self._registry = register_with_litellm(lm, self.settings)
        return self._registry

    def warm_up(self) -> None:
        """At start-up: check every configured GGUF (a missing file stops the service with a
        ConfigurationError) and, with STANCEWIRE_LOCAL_LOAD=startup, load them."""
        self.registered(load_litellm()).load_at_startup()

    def status(self) -> dict[str, str]:
        """State of each local model for /readyz (empty until local models are first used)."""
        return self._registry.status() if self._registry is not None else {}
