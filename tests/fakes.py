"""Test doubles. Fakes live here only, never in the service."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from api.llm.capabilities import ModelCapabilities
from api.llm.types import ChatRequest, Completion, NoLocalModels
from schemas.analysis import Usage

HOSTED_JSON_SCHEMA = ModelCapabilities(json_schema=True, json_mode=True, constrained=False)
Reply = str | dict[str, Any] | Exception | Callable[[ChatRequest], str]


def denied_caller_claim(index: int = 1) -> dict[str, Any]:
    """A scripted answer for a caller claim on the seed article (tests/data/seed_contract.json):
    denied by its actor A4, sentence 10 as evidence."""
    return {
        "index": index,
        "status": "denied",
        "asserted_by": [],
        "denied_by": ["A4"],
        "evidence": [{"sentence": 10, "act": "asserts"}],
        "confidence": 0.8,
    }


class ScriptedClient:
    """An LLMClient that answers from a queue of scripted replies and records every request.

    A dict reply is sent as JSON, a str as-is, an Exception is raised, a callable is called
    with the request. The last reply repeats when the queue runs dry.
    """

    def __init__(
        self,
        *replies: Reply,
        model_provider: str = "scripted",
        capabilities: ModelCapabilities | None = None,
    ) -> None:
        if not replies:
            raise ValueError("ScriptedClient needs at least one reply")
        self.replies = list(replies)
        self.requests: list[ChatRequest] = []
        self.provider = model_provider
        self.local = NoLocalModels()
        self._capabilities = capabilities or HOSTED_JSON_SCHEMA

    def capabilities(self, model: str) -> ModelCapabilities:
        """By default a hosted model with JSON-schema output and no grammar: what the service
        sends an OpenAI-style provider (schema without string bounds), so tests take that path."""
        return self._capabilities

    async def complete(self, request: ChatRequest) -> Completion:
        self.requests.append(request)
        reply = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        if isinstance(reply, Exception):
            raise reply
        if callable(reply):
            reply = reply(request)
        content = reply if isinstance(reply, str) else json.dumps(reply)
        return Completion(
            content=content,
            finish_reason="stop",
            model=request.model,
            provider=self.provider,
            usage=Usage(prompt_tokens=100, completion_tokens=50, total_tokens=150),
            cost_usd=None,
        )
