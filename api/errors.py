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


class NothingToAnalyse(StancewireError):
    status, code, title = 422, "nothing_to_analyse", "No sentences to analyse"
