"""The small typed interface the pipeline uses to talk to any model (no litellm here)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

from api.llm.capabilities import ModelCapabilities
from schemas.analysis import Usage


@dataclass(frozen=True)
class ChatRequest:
    """One model call. `json_schema` is the contract for this request, or None for free text."""

    model: str
    messages: tuple[dict[str, str], ...]
    json_schema: dict[str, Any] | None = None
    schema_name: str = "AnalysisContract"
    max_tokens: int = 2048
    temperature: float = 0.0
    seed: int | None = 0

    def fingerprint(self) -> str:
        """Hash of exactly what changes the answer (not timeouts or retries): cache/cassette key."""
        payload = {
            "model": self.model,
            "messages": list(self.messages),
            "schema": self.json_schema,
            "max_tokens": self.max_tokens,
            "temperature": self.temperature,
            "seed": self.seed,
        }
        blob = json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
        return hashlib.sha256(blob).hexdigest()


@dataclass
class Completion:
    """A model's raw answer. `content` is unvalidated until api/pipeline/repair.py says so."""

    content: str | None
    finish_reason: str | None
    model: str
    provider: str
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None


class LocalModels(Protocol):
    """In-process GGUF models (`local/<name>`): their lifecycle, apart from the calls."""

    def status(self) -> dict[str, str]:
        """State of each local model for /readyz: not_loaded, loading, ready, error: …"""
        ...

    def warm_up(self) -> None:
        """Check every configured GGUF (and load them, when configured to) at start-up."""
        ...


class NoLocalModels:
    """A client that serves no local models (hosted-only clients, test fakes)."""

    def status(self) -> dict[str, str]:
        return {}

    def warm_up(self) -> None:
        return None


class LLMClient(Protocol):
    """Everything the pipeline, the app and the evals use of a model client."""

    @property
    def local(self) -> LocalModels:
        """The client's in-process models (NoLocalModels when it has none)."""
        ...

    async def complete(self, request: ChatRequest) -> Completion:
        """Send one request; transient failures are retried inside, others raise api.errors."""
        ...

    def capabilities(self, model: str) -> ModelCapabilities:
        """What `model` accepts for structured output (decides the schema sent)."""
        ...


@dataclass(frozen=True)
class Accounting:
    """What answering cost: carried whole from the model call to the response's `meta`
    (model, provider, tokens, cost, attempts), never copied field by field."""

    model: str
    provider: str
    usage: Usage = field(default_factory=Usage)
    cost_usd: float | None = None
    attempts: int = 0

    def meta_fields(self) -> dict[str, Any]:
        """The fields of the response's `meta` this value fills."""
        return {
            "model": self.model,
            "provider": self.provider,
            "usage": self.usage,
            "cost_usd": self.cost_usd,
            "attempts": self.attempts,
        }

    def plus(self, completion: Completion) -> Accounting:
        """This plus one more call: usage and cost summed, model and provider of the call
        that answered last (a fallback model, when the primary was down)."""
        cost = self.cost_usd
        if completion.cost_usd is not None:
            cost = (cost or 0.0) + completion.cost_usd
        return Accounting(
            model=completion.model,
            provider=completion.provider,
            usage=self.usage + completion.usage,
            cost_usd=cost,
            attempts=self.attempts + 1,
        )
