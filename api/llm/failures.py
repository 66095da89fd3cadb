"""What a failed call on the direct path was, in the terms litellm's exceptions give it.

The direct path (api/llm/direct.py) sees raw HTTP: each failure is classified here once, so
api/llm/client.py maps it to the same typed error (and retries it or not) as the litellm
exception the same failure raises on the litellm path. Measured with respx on litellm
1.110 (issue 18): 429 -> RateLimitError; 408 and 504 -> Timeout; 401 -> AuthenticationError;
403 -> APIError(403), treated as auth; 5xx (529 too) -> transient; a 400 naming the context
length -> ContextWindowExceededError; other 4xx -> not retried; connection errors and a 200
whose body is not JSON (or is an error object) -> transient; httpx timeouts -> Timeout.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any, Literal

import httpx

FailureKind = Literal["rate_limited", "timeout", "context_window", "auth", "unavailable", "refused"]
TRANSIENT: frozenset[FailureKind] = frozenset({"rate_limited", "timeout", "unavailable"})


class ProviderFailure(Exception):
    """A provider call that failed on the direct path, already classified."""

    def __init__(
        self,
        kind: FailureKind,
        message: str,
        status_code: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.kind: FailureKind = kind
        self.status_code = status_code
        self.headers: Mapping[str, str] = headers or {}

    @property
    def transient(self) -> bool:
        return self.kind in TRANSIENT


def _status_kind(status: int, message: str, too_long: Callable[[str], bool]) -> FailureKind:
    if status == 429:
        return "rate_limited"
    if status in {408, 504}:
        return "timeout"
    if status in {401, 403}:
        return "auth"
    if status >= 500:
        return "unavailable"
    if too_long(message):
        return "context_window"
    return "refused"


def _error_message(response: httpx.Response) -> str:
    """The provider's own message ({"error": {"message": …}} in OpenAI's format), else the
    start of the body, else the status."""
    try:
        error = response.json().get("error")
    except (ValueError, AttributeError):
        error = None
    message = error.get("message") if isinstance(error, dict) else None
    if isinstance(message, str):
        return message
    if isinstance(error, str):
        return error
    return response.text[:300] or f"HTTP {response.status_code}"


def from_status(response: httpx.Response, too_long: Callable[[str], bool]) -> ProviderFailure:
    """A non-2xx answer. `too_long` is litellm's own test for a context-window message; it
    reads the whole body, where OpenAI puts `"code": "context_length_exceeded"`."""
    message = _error_message(response)
    kind = _status_kind(response.status_code, response.text, too_long)
    status = None if kind == "timeout" else response.status_code  # as litellm's Timeout
    return ProviderFailure(
        kind, f"HTTP {response.status_code}: {message}", status, dict(response.headers)
    )


def from_transport(exc: httpx.RequestError) -> ProviderFailure:
    """No answer at all: a timeout (connect, read, write, pool) or a broken connection."""
    kind: FailureKind = "timeout" if isinstance(exc, httpx.TimeoutException) else "unavailable"
    return ProviderFailure(kind, f"{type(exc).__name__}: {exc}")


def answer_body(response: httpx.Response) -> dict[str, Any]:
    """The JSON object of a 2xx answer. Not JSON, or an error object instead of choices:
    the provider is in trouble (transient); JSON without choices: a refused request."""
    try:
        body = json.loads(response.content)
    except ValueError:
        raise ProviderFailure(
            "unavailable", f"the answer is not JSON: {response.text[:200]!r}", response.status_code
        ) from None
    if not isinstance(body, dict) or ("error" in body and not body.get("choices")):
        message = _error_message(response)
        raise ProviderFailure(
            "unavailable", f"the answer is an error: {message}", response.status_code
        )
    if not body.get("choices"):
        raise ProviderFailure("refused", "the answer has no choices", response.status_code)
    return body
