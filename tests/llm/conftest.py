"""Provider HTTP mocked with respx: litellm's own request and response code runs, no network.

`provider` is a respx router that every litellm call (sync or async) goes through;
`retry_clock` replaces tenacity's sleep and clock so retries are instant and their waits
can be asserted. The reply builders speak each provider's wire format.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

import httpx
import pytest
import respx
import tenacity

import api.llm.client as client_module
from api.config import Settings
from api.llm.client import load_litellm

OPENAI_BASE = "http://llm.test/v1"
OPENAI_URL = f"{OPENAI_BASE}/chat/completions"
OPENAI_KEY = "sk-test-stancewire-0001"
ANTHROPIC_URL = "https://api.anthropic.com/v1/messages"
ANTHROPIC_KEY = "sk-ant-test-stancewire-0002"


def openai_reply(
    content: str | None,
    *,
    finish_reason: str = "stop",
    prompt_tokens: int = 100,
    completion_tokens: int = 50,
    model: str = "gpt-4o-mini",
) -> httpx.Response:
    """A /chat/completions answer as an OpenAI-compatible server sends it."""
    return httpx.Response(
        200,
        json={
            "id": "chatcmpl-test",
            "object": "chat.completion",
            "created": 1_700_000_000,
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": content},
                    "finish_reason": finish_reason,
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
            },
        },
    )


def openai_error(status: int, message: str, *, retry_after: str | None = None) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    body = {"error": {"message": message, "type": "error", "code": str(status)}}
    return httpx.Response(status, headers=headers, json=body)


def anthropic_reply(
    *,
    text: str | None = None,
    tool_input: dict[str, Any] | None = None,
    stop_reason: str = "end_turn",
    input_tokens: int = 100,
    output_tokens: int = 50,
) -> httpx.Response:
    """A /v1/messages answer: a text block, or the tool call litellm asks for JSON schemas."""
    content: list[dict[str, Any]] = []
    if text is not None:
        content.append({"type": "text", "text": text})
    if tool_input is not None:
        content.append(
            {"type": "tool_use", "id": "toolu_test", "name": "json_tool_call", "input": tool_input}
        )
    return httpx.Response(
        200,
        json={
            "id": "msg_test",
            "type": "message",
            "role": "assistant",
            "model": "claude-test",
            "content": content,
            "stop_reason": stop_reason,
            "stop_sequence": None,
            "usage": {"input_tokens": input_tokens, "output_tokens": output_tokens},
        },
    )


def anthropic_error(
    status: int, kind: str, message: str, *, retry_after: str | None = None
) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    body = {"type": "error", "error": {"type": kind, "message": message}}
    return httpx.Response(status, headers=headers, json=body)


Reply = httpx.Response | Exception


def always(reply: Reply) -> Callable[[httpx.Request], httpx.Response]:
    """A respx side effect giving the same reply (or raising the same error) every time."""

    def answer(request: httpx.Request) -> httpx.Response:
        if isinstance(reply, Exception):
            raise reply
        return reply

    return answer


def sent_json(call: Any) -> dict[str, Any]:
    """The JSON body of a recorded respx call."""
    body: dict[str, Any] = json.loads(call.request.content)
    return body


def openai_settings(**overrides: Any) -> Settings:
    """An OpenAI-compatible server at llm.test; fast retry limits; no .env, no cache."""
    values: dict[str, Any] = {
        "default_model": "openai/gpt-4o-mini",
        "models": ["openai/gpt-4o-mini"],
        "api_base": OPENAI_BASE,
        "api_key": OPENAI_KEY,
        "retry_attempts": 3,
        "retry_max_wait_s": 20.0,
        "repair_attempts": 2,
        "cache_size": 0,
    }
    return Settings(_env_file=None, **{**values, **overrides})


def anthropic_settings(**overrides: Any) -> Settings:
    """Anthropic at its real URL (no api_base), key from settings."""
    model = overrides.pop("model", "anthropic/claude-3-5-haiku-20241022")
    values: dict[str, Any] = {
        "default_model": model,
        "models": [model],
        "api_key": ANTHROPIC_KEY,
        "retry_attempts": 3,
        "repair_attempts": 2,
        "cache_size": 0,
    }
    return Settings(_env_file=None, **{**values, **overrides})


@dataclass
class RetryClock:
    """Stands in for tenacity's sleep and monotonic clock: sleeping only moves `now`."""

    now: float = 0.0
    sleeps: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


def install_retry_clock(monkeypatch: pytest.MonkeyPatch) -> RetryClock:
    clock = RetryClock()
    retrying = functools.partial(tenacity.AsyncRetrying, sleep=clock.sleep)
    monkeypatch.setattr(client_module, "AsyncRetrying", retrying)
    # stop_after_delay / stop_before_delay read tenacity's `time.monotonic()`.
    monkeypatch.setattr(tenacity, "time", SimpleNamespace(monotonic=clock.monotonic))
    return clock


@contextmanager
def mock_provider() -> Iterator[respx.MockRouter]:
    """A respx router for every httpx request litellm makes; unmatched requests fail.

    litellm caches its httpx clients; the cache is flushed so that no client created before
    the mock started can bypass it.
    """
    litellm = load_litellm()
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        litellm.in_memory_llm_clients_cache.flush_cache()
        yield router
    litellm.in_memory_llm_clients_cache.flush_cache()


@pytest.fixture
def provider() -> Iterator[respx.MockRouter]:
    with mock_provider() as router:
        yield router


@pytest.fixture
def retry_clock(monkeypatch: pytest.MonkeyPatch) -> RetryClock:
    return install_retry_clock(monkeypatch)
