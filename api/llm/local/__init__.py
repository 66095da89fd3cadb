"""In-process GGUF models through llama.cpp, served to litellm as the custom provider `local`:
the registry of models and their workers (registry.py), the translation between litellm's
and llama.cpp's call formats (wire.py), and the litellm provider itself (adapter.py)."""

from api.llm.local.adapter import build_local_handler, process_registry, register_with_litellm
from api.llm.local.registry import (
    _INSTALL_HINT,
    PROVIDER,
    LocalModelError,
    LocalModelRegistry,
    find_bundled_gguf,
    load_llama,
)
from api.llm.local.wire import llama_chat_kwargs, llama_response_format

__all__ = [
    "PROVIDER",
    "_INSTALL_HINT",
    "LocalModelError",
    "LocalModelRegistry",
    "build_local_handler",
    "find_bundled_gguf",
    "llama_chat_kwargs",
    "llama_response_format",
    "load_llama",
    "process_registry",
    "register_with_litellm",
]
