"""What each model can do, as data: never `if "gpt" in model` in the code paths."""

from __future__ import annotations

from dataclasses import dataclass
from fnmatch import fnmatch


@dataclass(frozen=True)
class ModelCapabilities:
    json_schema: bool  # accepts response_format={"type": "json_schema", ...}
    json_mode: bool  # accepts response_format={"type": "json_object"}
    string_bounds: bool = False  # honours maxLength in a JSON schema (grammar-based engines)


# Patterns checked before asking litellm's model map. Local GGUFs get grammar-constrained
# JSON from llama.cpp; OpenAI-compatible servers we know nothing about get JSON mode only.
KNOWN_CAPABILITIES: dict[str, ModelCapabilities] = {
    "local/*": ModelCapabilities(json_schema=True, json_mode=True, string_bounds=True),
    "ollama/*": ModelCapabilities(json_schema=True, json_mode=True, string_bounds=True),
    "ollama_chat/*": ModelCapabilities(json_schema=True, json_mode=True, string_bounds=True),
}


def known_capabilities(model: str) -> ModelCapabilities | None:
    for pattern, capabilities in KNOWN_CAPABILITIES.items():
        if fnmatch(model, pattern):
            return capabilities
    return None
