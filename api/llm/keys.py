"""Is the API key a model's provider needs set? Asked before a call, so a missing key is
reported at once and by name instead of after retries as `upstream_unavailable`."""

from __future__ import annotations

from api.config import Settings
from api.llm.client import load_litellm


def missing_key_variables(model: str, settings: Settings) -> list[str]:
    """Environment variables of which one must be set for `model`, or [] when it can run.

    Only keys count: a provider's missing base URL or API version (Ollama, Azure) may have a
    working default or come from the settings, so it is left to the call to report."""
    if model.startswith("local/") or settings.api_key is not None:
        return []
    # validate_environment reads only the environment: no network, no provider SDK.
    found = load_litellm().validate_environment(model=model)
    if found.get("keys_in_environment"):
        return []
    missing = [str(name) for name in found.get("missing_keys", [])]
    return [name for name in missing if name.endswith(("_KEY", "_TOKEN"))]
