"""One exception tree. Each class knows its HTTP status and stable code; handlers render
problem+json from it (api/app.py), so no route builds an error body by hand."""

from __future__ import annotations

from typing import Any, ClassVar


class StancewireError(Exception):
    status: ClassVar[int] = 500
    code: ClassVar[str] = "internal_error"
    title: ClassVar[str] = "Internal error"

    def __init__(self, detail: str, *, retry_after: int | None = None) -> None:
        super().__init__(detail)
        self.detail = detail
        self.retry_after = retry_after

    def extra(self) -> dict[str, Any]:
        """Extra problem fields for this error (per-field errors, attempts)."""
        return {}

    def headers(self) -> dict[str, str]:
        """Extra response headers (WWW-Authenticate, RateLimit-*); Retry-After is added apart."""
        return {}


# -- the caller sent something wrong ------------------------------------------------------
class BadRequest(StancewireError):
    status, code, title = 400, "bad_request", "Bad request"


class InvalidEncoding(BadRequest):
    code, title = "invalid_encoding", "Body is not valid UTF-8"


class InvalidJson(BadRequest):
    code, title = "invalid_json", "Body is not valid JSON"


class JsonLimitExceeded(BadRequest):
    code, title = "json_limit_exceeded", "Body exceeds a JSON parsing limit"


class PayloadTooLarge(StancewireError):
    status, code, title = 413, "payload_too_large", "Request body too large"


class TextTooLong(PayloadTooLarge):
    code, title = "text_too_long", "Article too long"


class RequestTimeout(StancewireError):
    status, code, title = 408, "request_timeout", "Request not received in time"


class UnsupportedMediaType(StancewireError):
    status, code, title = 415, "unsupported_media_type", "Unsupported media type"


class RequestValidationFailed(StancewireError):
    status, code, title = 422, "validation_error", "Request did not validate"

    def __init__(self, detail: str, errors: list[dict[str, Any]]) -> None:
        super().__init__(detail)
        self.errors = errors

    def extra(self) -> dict[str, Any]:
        return {"errors": self.errors}


class UnknownModel(StancewireError):
    status, code, title = 422, "unknown_model", "Model not configured"


# -- who is calling, and how much -------------------------------------------------------------
class Unauthorized(StancewireError):
    status, code, title = 401, "unauthorized", "API key missing or not valid"

    def headers(self) -> dict[str, str]:
        return {"WWW-Authenticate": 'Bearer realm="stancewire"'}


class Forbidden(StancewireError):
    status, code, title = 403, "forbidden", "API key lacks the scope"


class NotFound(StancewireError):
    status, code, title = 404, "not_found", "Not found"


class AnalysisNotFound(NotFound):
    code, title = "analysis_not_found", "No such stored analysis"


class AnalysisUnreadable(StancewireError):
    """A stored analysis of an older schema that the current one cannot read."""

    status, code, title = 422, "analysis_unreadable", "Stored analysis cannot be compared"


class IdempotencyInProgress(StancewireError):
    status, code, title = 409, "idempotency_in_progress", "The first request is still running"


class IdempotencyKeyReused(StancewireError):
    status, code, title = 422, "idempotency_key_reused", "Idempotency-Key used for another request"


class RateLimited(StancewireError):
    status, code, title = 429, "rate_limited", "Too many requests for this key"

    def __init__(self, detail: str, *, retry_after: int, limit_headers: dict[str, str]) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.limit_headers = limit_headers

    def headers(self) -> dict[str, str]:
        return self.limit_headers


class BudgetExhausted(RateLimited):
    code, title = "budget_exhausted", "Model token budget of this key used up"


# -- the operator configured something wrong ----------------------------------------------
class ConfigurationError(StancewireError):
    status, code, title = 500, "configuration_error", "Service misconfigured"


# -- the upstream model misbehaved ---------------------------------------------------------
class UpstreamError(StancewireError):
    status, code, title = 502, "upstream_error", "Model provider error"

    def __init__(
        self, detail: str, *, retry_after: int | None = None, upstream_status: int | None = None
    ) -> None:
        super().__init__(detail, retry_after=retry_after)
        self.upstream_status = upstream_status  # the provider's HTTP status, where it sent one

    def extra(self) -> dict[str, Any]:
        return {"upstream_status": self.upstream_status} if self.upstream_status else {}


class UpstreamAuthError(UpstreamError):
    code, title = "upstream_auth", "Model provider rejected the credentials"


class UpstreamRateLimited(UpstreamError):
    status, code, title = 429, "upstream_rate_limited", "Model provider rate limit"


class UpstreamUnavailable(UpstreamError):
    status, code, title = 503, "upstream_unavailable", "Model provider unavailable"


class UpstreamTimeout(UpstreamError):
    status, code, title = 504, "upstream_timeout", "Model provider timed out"


class ContextWindowExceeded(StancewireError):
    status, code, title = 413, "context_window_exceeded", "Article too long for the model"


class ModelOutputInvalid(UpstreamError):
    """The model's answer could not be repaired within the allowed attempts."""

    code, title = "model_output_invalid", "Model output could not be repaired"

    def __init__(
        self,
        detail: str,
        *,
        attempts: int,
        errors: list[str],
        last_raw: str | None,
        usage: dict[str, int],
    ) -> None:
        super().__init__(detail)
        self.attempts = attempts
        self.errors = errors
        self.last_raw = last_raw
        self.usage = usage

    def extra(self) -> dict[str, Any]:
        # The raw answer stays server-side: it is unvalidated model output.
        return {"errors": [{"attempt": i + 1, "message": e} for i, e in enumerate(self.errors)]}


class Overloaded(StancewireError):
    status, code, title = 503, "overloaded", "Service busy"


class DeadlineExceeded(StancewireError):
    """The request's deadline passed (retries, repairs and engines included); its work was
    stopped."""

    status, code, title = 504, "deadline_exceeded", "Analysis took too long"


class JobNotFound(StancewireError):
    status, code, title = 404, "job_not_found", "No such job"


class JobsUnavailable(StancewireError):
    status, code, title = 503, "jobs_unavailable", "Jobs are not configured"


class WorkerLost(StancewireError):
    """A job item whose every try was cut short by its worker stopping (killed, out of memory)."""

    status, code, title = 503, "worker_lost", "The item's workers kept stopping"


class NothingToAnalyse(StancewireError):
    status, code, title = 422, "nothing_to_analyse", "No sentences to analyse"


# -- pasted URLs and HTML (api/fetch.py, api/extract.py) ---------------------------------------
class UrlFetchDisabled(StancewireError):
    status, code, title = 422, "url_fetch_disabled", "This service does not fetch URLs"


class UrlNotAllowed(StancewireError):
    """The URL is not http(s), or its host resolves to a non-public address (SSRF)."""

    status, code, title = 422, "url_not_allowed", "URL not allowed"


class FetchFailed(StancewireError):
    status, code, title = 502, "fetch_failed", "The page could not be fetched"


class FetchTimeout(StancewireError):
    status, code, title = 504, "fetch_timeout", "The page took too long to fetch"


class PageTooLarge(StancewireError):
    status, code, title = 413, "page_too_large", "The page is too large"


class NoArticleText(StancewireError):
    status, code, title = 422, "no_article_text", "No article text found in the page"
