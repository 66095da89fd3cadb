"""RFC 9457 problem details, as every error leaves the API."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class Problem(BaseModel):
    type: str = Field(description="URI naming the problem type.")
    title: str = Field(description="Short summary of the problem type.")
    status: int = Field(description="HTTP status code.")
    detail: str = Field(description="What went wrong this time, and what to do about it.")
    code: str = Field(description="Stable machine-readable code, e.g. `text_too_long`.")
    request_id: str | None = Field(default=None, description="Id of the request, for support.")
    retry_after: int | None = Field(default=None, description="Seconds to wait, where known.")
    errors: list[dict[str, Any]] | None = Field(default=None, description="Per-field details.")
    upstream_status: int | None = Field(
        default=None,
        description="For an error of the model provider: the HTTP status the provider answered.",
    )
