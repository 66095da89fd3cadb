"""The small typed interface the pipeline uses to talk to any model (no litellm here)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any, Protocol

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


class LLMClient(Protocol):
    async def complete(self, request: ChatRequest) -> Completion:
        """Send one request; transient failures are retried inside, others raise api.errors."""
        ...
