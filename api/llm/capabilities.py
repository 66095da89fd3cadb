"""What each model can do, as data: never `if "gpt" in model` in the code paths."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch


@dataclass(frozen=True)
class ModelCapabilities:
    json_schema: bool  # accepts response_format={"type": "json_schema", ...}
    json_mode: bool  # accepts response_format={"type": "json_object"}
    # Decoding is constrained by a grammar built from the schema (llama.cpp): maxLength and
    # enums hold exactly, so the schema can carry article-specific choices.
    constrained: bool = False
    # Input tokens the model reads in one call, where known (litellm's model map, or the
    # llama.cpp context of local models): long articles are split to fit (chunking.py).
    context_tokens: int | None = None


# Patterns checked before asking litellm's model map. Local GGUFs get grammar-constrained
# JSON from llama.cpp; OpenAI-compatible servers we know nothing about get JSON mode only.
LOCAL_CAPABILITIES = ModelCapabilities(json_schema=True, json_mode=True, constrained=True)
KNOWN_CAPABILITIES: dict[str, ModelCapabilities] = {
    "local/*": LOCAL_CAPABILITIES,
    "ollama/*": ModelCapabilities(json_schema=True, json_mode=True, constrained=True),
    "ollama_chat/*": ModelCapabilities(json_schema=True, json_mode=True, constrained=True),
}


def known_capabilities(model: str) -> ModelCapabilities | None:
    for pattern, capabilities in KNOWN_CAPABILITIES.items():
        if fnmatch(model, pattern):
            return capabilities
    return None
