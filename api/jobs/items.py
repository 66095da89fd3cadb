"""One job item through the Analyzer (the same path as /v1/analyze): a result line, always.

Shared by the queue worker and the local `stancewire batch`. A line is
`{"index", "id", "ok": true, "analysis"}` or `{"index", "id", "ok": false, "problem"}`.
Transient failures (rate limits, an unavailable or slow provider, a full engine queue) are
raised to the caller, which retries them; everything else becomes the item's problem.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from api.errors import (
    Overloaded,
    StancewireError,
    UpstreamRateLimited,
    UpstreamTimeout,
    UpstreamUnavailable,
)
from api.pipeline.analyze import Analyzer
from api.problems import problem_of
from api.validation import validate_as
from schemas.request import AnalyzeRequest

log = logging.getLogger(__name__)
TRANSIENT: tuple[type[StancewireError], ...] = (
    Overloaded,
    UpstreamRateLimited,
    UpstreamUnavailable,
    UpstreamTimeout,
)


class TransientItemError(Exception):
    """The item may succeed if tried again later (after `retry_after` seconds, if known)."""

    def __init__(self, cause: StancewireError) -> None:
        super().__init__(cause.detail)
        self.cause = cause
        self.retry_after = cause.retry_after


async def analyze_item(
    analyzer: Analyzer,
    fields: dict[str, Any],
    *,
    index: int,
    item_id: str,
    request_id: str,
    timeout_s: float,
    last_try: bool,
) -> dict[str, Any]:
    """The item's result line; TransientItemError while tries remain (`last_try` False)."""
    deadline = asyncio.get_running_loop().time() + timeout_s
    try:
        request = validate_as(AnalyzeRequest, fields)
        analysis = await analyzer.analyze(
            request, request_id=request_id, deadline=deadline, long_form=True
        )
    except StancewireError as exc:
        if isinstance(exc, TRANSIENT) and not last_try:
            raise TransientItemError(exc) from exc
        return problem_line(index, item_id, exc, request_id)
    except Exception:  # our bug: the item gets a problem, the job goes on
        log.exception("job item %s failed unexpectedly", request_id)
        unexpected = StancewireError("The analysis failed unexpectedly; the error was logged.")
        return problem_line(index, item_id, unexpected, request_id)
    return {"index": index, "id": item_id, "ok": True, "analysis": analysis.model_dump(mode="json")}


def problem_line(
    index: int, item_id: str, exc: StancewireError, request_id: str | None
) -> dict[str, Any]:
    problem = problem_of(exc, request_id).model_dump(exclude_none=True)
    return {"index": index, "id": item_id, "ok": False, "problem": problem}
