"""The local models as litellm's custom provider `local` (litellm.CustomLLM).

Only api/llm/client.py imports litellm: it passes `litellm.CustomLLM` to `build_local_handler`
and registers `litellm_model_info()` with `litellm.register_model`, so this module never
imports litellm.
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from api.config import Settings
from api.llm.local.registry import _PREFIX, PROVIDER, LocalModelError, LocalModelRegistry
from api.llm.local.wire import create_chat_completion, fill_model_response, llama_chat_kwargs


class _LocalChatMethods:
    """litellm's CustomLLM chat methods for local/<name>. litellm calls them with keyword
    arguments and `model` without the provider prefix; the rest (api_key, headers, client…)
    means nothing in-process and is ignored. Streaming is not implemented (nobody streams)."""

    registry: LocalModelRegistry
    context_window_error: Callable[..., Exception] | None = None

    def completion(
        self,
        *,
        model: str,
        messages: list[dict[str, Any]],
        model_response: Any,
        optional_params: dict[str, Any],
        **_: Any,
    ) -> Any:
        name, call = self._chat_call(model, messages, optional_params)
        with self._litellm_errors(name):
            result = self.registry.run(name, call)
        return fill_model_response(model_response, result, name)

    async def acompletion(
        self,
        *,
        model: str,
        messages: list[dict[str, Any]],
        model_response: Any,
        optional_params: dict[str, Any],
        **_: Any,
    ) -> Any:
        # litellm awaits this on the event loop itself, so the work must go to the worker.
        name, call = self._chat_call(model, messages, optional_params)
        with self._litellm_errors(name):
            result = await self.registry.arun(name, call)
        return fill_model_response(model_response, result, name)

    @staticmethod
    def _chat_call(
        model: str, messages: list[dict[str, Any]], optional_params: dict[str, Any]
    ) -> tuple[str, Callable[[Any], dict[str, Any]]]:
        """The one implementation behind both entry points: the model's full name and the
        llama.cpp call to run on its worker."""
        kwargs = llama_chat_kwargs(messages, optional_params)
        return _PREFIX + model, lambda llama: create_chat_completion(llama, kwargs)

    @contextmanager
    def _litellm_errors(self, model: str) -> Iterator[None]:
        # litellm maps handler errors by status code only, so a too-long prompt would arrive
        # as a plain BadRequestError; its own ContextWindowExceededError passes through as is.
        try:
            yield
        except LocalModelError as exc:
            if exc.context_overflow and self.context_window_error is not None:
                raise self.context_window_error(
                    message=exc.message, model=model, llm_provider=PROVIDER
                ) from exc
            raise


def build_local_handler(
    custom_llm_base: type,
    registry: LocalModelRegistry,
    *,
    context_window_error: Callable[..., Exception] | None = None,
) -> Any:
    """An instance of a subclass of `custom_llm_base` (litellm.CustomLLM) serving local/<name>.
    The class is built at runtime because only client.py may import litellm; pass
    litellm.ContextWindowExceededError so over-long prompts arrive as that type."""
    handler_class = type("LocalLLMHandler", (_LocalChatMethods, custom_llm_base), {})
    handler = handler_class()
    handler.registry = registry
    handler.context_window_error = context_window_error
    return handler


_process_registry: LocalModelRegistry | None = None
_process_registry_lock = threading.Lock()


def register_with_litellm(litellm_module: Any, settings: Settings) -> LocalModelRegistry:
    """Serve local/<name> through `litellm_module` (client.py passes the imported litellm).
    Once per process, because each GGUF is loaded once per process: the first settings win.
    Raises ConfigurationError for a missing GGUF, so call it at start-up."""
    global _process_registry
    with _process_registry_lock:
        if _process_registry is None:
            registry = LocalModelRegistry(settings)
            handler = build_local_handler(
                litellm_module.CustomLLM,
                registry,
                context_window_error=litellm_module.ContextWindowExceededError,
            )
            providers = [p for p in litellm_module.custom_provider_map if p["provider"] != PROVIDER]
            litellm_module.custom_provider_map = [
                *providers,
                {"provider": PROVIDER, "custom_handler": handler},
            ]
            # Zero cost: litellm.completion_cost raises for models it has no price for.
            litellm_module.register_model(registry.litellm_model_info())
            # Free the llama.cpp contexts before interpreter teardown, when llama_cpp's own
            # destructor would run against half-unloaded modules and print a traceback.
            atexit.register(registry.close)
            _process_registry = registry
        return _process_registry


def process_registry() -> LocalModelRegistry | None:
    """The registry register_with_litellm made, if any (for /readyz and start-up loading)."""
    return _process_registry
