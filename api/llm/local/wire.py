"""litellm's parameters → llama.cpp's, and llama.cpp's answer → litellm's (no litellm import)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from api.llm.local.registry import LocalModelError

# The OpenAI parameters the pipeline sends that llama.cpp takes under the same name.
_PASSTHROUGH_PARAMS = ("max_tokens", "temperature", "stop", "seed")


def llama_response_format(response_format: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """OpenAI's response_format as llama.cpp's: a JSON schema becomes grammar-constrained JSON."""
    kind = None if response_format is None else response_format.get("type")
    if kind in (None, "text"):
        return None
    assert response_format is not None
    if kind == "json_schema":
        return {"type": "json_object", "schema": response_format["json_schema"]["schema"]}
    if kind == "json_object":
        schema = response_format.get("schema")
        return {"type": "json_object"} | ({} if schema is None else {"schema": schema})
    raise LocalModelError(400, f"local models do not support response_format type {kind!r}")


def llama_chat_kwargs(
    messages: list[dict[str, Any]], optional_params: Mapping[str, Any]
) -> dict[str, Any]:
    """Keyword arguments for Llama.create_chat_completion from litellm's optional_params.
    Unset parameters are left out so llama.cpp's own defaults apply."""
    kwargs: dict[str, Any] = {"messages": messages}
    for name in _PASSTHROUGH_PARAMS:
        if optional_params.get(name) is not None:
            kwargs[name] = optional_params[name]
    if "max_tokens" not in kwargs and optional_params.get("max_completion_tokens") is not None:
        kwargs["max_tokens"] = optional_params["max_completion_tokens"]
    response_format = llama_response_format(optional_params.get("response_format"))
    if response_format is not None:
        kwargs["response_format"] = response_format
    return kwargs


def create_chat_completion(llama: Any, kwargs: Mapping[str, Any]) -> dict[str, Any]:
    """One llama.cpp chat call; an over-long prompt becomes a 400 naming the setting to raise."""
    try:
        result: dict[str, Any] = llama.create_chat_completion(**kwargs)
    except ValueError as exc:
        if "exceed context window" not in str(exc):
            raise
        raise LocalModelError(
            400,
            f"{exc}: the prompt is longer than the context; raise STANCEWIRE_LOCAL_CONTEXT",
            context_overflow=True,
        ) from exc
    return result


def fill_model_response(model_response: Any, result: Mapping[str, Any], model: str) -> Any:
    """Copy llama.cpp's answer into the ModelResponse litellm passed in (so no litellm import)."""
    choice = result["choices"][0]
    model_response.choices[0].message.content = choice["message"]["content"]
    # llama.cpp reports "length" when max_tokens cut the answer, as OpenAI does.
    model_response.choices[0].finish_reason = choice.get("finish_reason") or "stop"
    model_response.model = model
    if "created" in result:
        model_response.created = result["created"]
    usage = result.get("usage") or {}
    model_response.usage.prompt_tokens = usage.get("prompt_tokens", 0)
    model_response.usage.completion_tokens = usage.get("completion_tokens", 0)
    model_response.usage.total_tokens = usage.get("total_tokens", 0)
    return model_response
