"""Errors as problem+json bodies (RFC 9457): the one place a Problem is built from an error.

Used by the HTTP handlers (api/http.py), by batch items and by anything else that reports
per-item errors without an HTTP response of its own, so every problem carries the same
fields: `type`, `code`, `request_id`, `retry_after`, per-field `errors`, and for a model
provider's refusal the provider's own HTTP status (`upstream_status`).
"""

from __future__ import annotations

from api.errors import StancewireError
from schemas.errors import Problem

PROBLEM_TYPE = "https://stancewire.dev/problems/"


def problem_of(exc: StancewireError, request_id: str | None = None) -> Problem:
    extra = exc.extra()
    return Problem(
        type=PROBLEM_TYPE + exc.code,
        title=exc.title,
        status=exc.status,
        detail=exc.detail,
        code=exc.code,
        request_id=request_id,
        retry_after=exc.retry_after,
        errors=extra.get("errors"),
        upstream_status=extra.get("upstream_status"),
    )
