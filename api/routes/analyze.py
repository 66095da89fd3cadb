"""POST /v1/analyze and its batch form."""

from __future__ import annotations

import asyncio
import functools
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from api import analyses
from api.auth import Caller
from api.config import Settings
from api.errors import StancewireError
from api.extract import SourceText, mark_source, prepare_request
from api.http import request_id_of, unless_client_leaves
from api.logs import note_analysis
from api.metrics import count_analysis
from api.problems import problem_of
from api.ratelimit import HEADERS_STATE, AnalyzeCaller, KeyLimiter
from api.routes.deps import (
    AnalyzerDep,
    LimiterDep,
    SettingsDep,
    StoreDep,
    problem_responses,
    read_json_body,
    shared,
)
from api.routes.stream import stream_analysis, wants_events
from api.storage import Store
from api.validation import validate_as
from schemas.analysis import Analysis
from schemas.batch import BatchAnalysis, BatchProblem, BatchResponse
from schemas.request import AnalyzeRequest, BatchEnvelope, BatchRequest

router = APIRouter(prefix="/v1", tags=["analyze"])
REPLAYED = "Idempotent-Replayed"
IDEMPOTENCY_HEADER_DOC = {
    "name": "Idempotency-Key",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "minLength": 1, "maxLength": 255},
    "description": "Send the same key when retrying: the stored answer comes back "
    "(`Idempotent-Replayed: true`) instead of a second analysis. Ignored with `store: false`.",
}
_SEED = Path(__file__).resolve().parents[1] / "static" / "examples" / "seed_article.txt"


def _example_text() -> str:
    return _SEED.read_text() if _SEED.exists() else "South Korea said on Monday that …"


def _body_doc(model: type[AnalyzeRequest] | type[BatchRequest], example: Any) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": model.model_json_schema(), "example": example}
            },
        }
    }


_PROBLEMS = problem_responses(
    {
        400: "Body is not UTF-8, not JSON, over a JSON limit, or not valid HTTP",
        401: "API key missing or not valid (when keys are on)",
        403: "API key lacks the `analyze` scope",
        408: "Request headers or body not received in time",
        413: "Body or article too long",
        409: "The first request with this Idempotency-Key is still running (Retry-After)",
        415: "Not application/json",
        422: "Invalid fields, unknown model, or an Idempotency-Key reused for another body",
        429: "This key's rate limit (rate_limited) or token budget (budget_exhausted), or the "
        "provider's (upstream_rate_limited); Retry-After and RateLimit-* headers",
        502: "Model output could not be repaired",
        503: "Engine busy (overloaded) or provider unavailable (Retry-After)",
        504: "Provider timed out, or the request's deadline passed (deadline_exceeded)",
    }
)


@router.post(
    "/analyze",
    response_model=Analysis,
    responses=_PROBLEMS,
    summary="Analyse one article",
    openapi_extra=_body_doc(AnalyzeRequest, {"text": _example_text(), "claims": []})
    | {"parameters": [IDEMPOTENCY_HEADER_DOC]},
)
async def analyze(request: Request, caller: AnalyzeCaller) -> Response:
    settings, analyzer, store, limiter = shared(request)  # not one dependency each
    body, found = await prepare_request(
        await read_json_body(request, AnalyzeRequest, settings), settings
    )
    finish = functools.partial(_finish, request, limiter, caller, store, settings, body, found)
    if wants_events(request.headers.get("accept", "")):  # live progress (api/routes/stream.py)
        analyzer.check_length(body.text, long_form=True)  # a 413 before the stream starts
        # A stream is watched live: not replayed by Idempotency-Key, but kept like any answer
        # (the demo page streams, then shares the analysis and takes feedback on it).
        return stream_analysis(analyzer, body, request_id_of(request), finish)
    idempotency_key = analyses.idempotency_key(request.headers.get("idempotency-key"), body)
    if idempotency_key:
        earlier = await asyncio.to_thread(
            analyses.claim, store, settings, caller, idempotency_key, body
        )
        if earlier is not None:
            return Response(earlier, media_type="application/json", headers={REPLAYED: "true"})
    try:
        analysis = await unless_client_leaves(
            request, analyzer.analyze(body, request_id=request_id_of(request))
        )
    except BaseException:  # failed, cancelled or the client left: a retry may try again
        if idempotency_key:
            analyses.release(store, caller, idempotency_key)  # one short write, not awaited
        raise
    # Already a validated Analysis: serialised once (the stored copy is the same text),
    # without FastAPI validating it again.
    return Response(await finish(analysis, idempotency_key), media_type="application/json")


async def _finish(
    request: Request,
    limiter: KeyLimiter,
    caller: Caller,
    store: Store,
    settings: Settings,
    body: AnalyzeRequest,
    found: SourceText | None,
    analysis: Analysis,
    idempotency_key: str | None = None,
) -> str:
    """A finished analysis, streamed or not: its text source, accounting and stored copy;
    the JSON to send, the same text as the stored copy."""
    analysis = mark_source(analysis, found)  # pasted HTML or a URL: offsets index its text
    await account_analysis(request, limiter, caller, analysis)
    raw = analysis.model_dump_json()
    if body.store:
        await _keep(store, settings, caller, body, analysis, idempotency_key, raw)
    return raw


async def _keep(
    store: Store,
    settings: Settings,
    caller: Caller,
    body: AnalyzeRequest,
    analysis: Analysis,
    idempotency_key: str | None = None,
    raw: str | None = None,
) -> None:
    """The stored copy. SQLite writes it in ~0.1 ms: on the event loop when that need not
    wait for a lock, as a thread hop cost ~0.15 ms of CPU more (issue 18); else (a held
    lock, Redis, a key to remember) in a thread."""
    if idempotency_key or not analyses.keep_nowait(store, settings, caller, body, analysis, raw):
        await asyncio.to_thread(
            analyses.keep, store, settings, caller, body, analysis, idempotency_key, raw
        )


async def account_analysis(
    request: Request, limiter: KeyLimiter, caller: Caller, analysis: Analysis
) -> None:
    """Metrics, the access log's fields, and the key's token budget."""
    count_analysis(analysis)
    note_analysis(request, analysis)
    # A cache hit carries the usage of the analysis it repeats, but costs nothing now.
    tokens = 0 if analysis.meta.cache_hit else analysis.meta.usage.total_tokens
    # No budget, nothing to count: no thread hop (most services run without budgets).
    if tokens and limiter.has_budget(caller.token_budget_per_day):
        await asyncio.to_thread(
            limiter.spend_tokens, caller.name, tokens, caller.token_budget_per_day
        )


@router.post(
    "/analyze/batch",
    response_model=BatchResponse,
    responses=_PROBLEMS,
    summary="Analyse several articles; each item is an analysis or a problem",
    openapi_extra=_body_doc(BatchRequest, {"items": [{"text": _example_text()}]}),
)
async def analyze_batch(
    request: Request,
    analyzer: AnalyzerDep,
    settings: SettingsDep,
    caller: AnalyzeCaller,
    store: StoreDep,
    limiter: LimiterDep,
) -> Response:
    envelope = await read_json_body(request, BatchEnvelope, settings)
    if len(envelope.items) > 1:  # each item is a request against the key's rate limit
        headers = await asyncio.to_thread(
            limiter.check_and_consume,
            caller.name,
            len(envelope.items) - 1,
            caller.rate_limit_per_minute,
        )
        setattr(request.state, HEADERS_STATE, headers)
    request_id = request_id_of(request)
    # One deadline for the whole batch: an item still running past it answers 504 alone.
    deadline = asyncio.get_running_loop().time() + settings.request_deadline_s

    async def one(index: int, raw_item: Any) -> BatchAnalysis | BatchProblem:
        item_id = f"{request_id}-{index}"
        try:
            # Each item is validated on its own: an invalid one fails alone, with a 422.
            item = validate_as(AnalyzeRequest, raw_item)
            analysis = await analyzer.analyze(item, request_id=item_id, deadline=deadline)
        except StancewireError as exc:
            return BatchProblem(ok=False, problem=problem_of(exc, item_id))
        await account_analysis(request, limiter, caller, analysis)
        if item.store:
            await _keep(store, settings, caller, item, analysis)
        return BatchAnalysis(ok=True, analysis=analysis)

    every_item = asyncio.gather(*(one(i, item) for i, item in enumerate(envelope.items)))
    results = await unless_client_leaves(request, every_item)
    return Response(_batch_json(results), media_type="application/json")


def _batch_json(results: list[BatchAnalysis | BatchProblem]) -> bytes:
    """The BatchResponse body: analyses in full (as /v1/analyze sends them), problems without
    their empty fields (as error responses send them); each item serialised once."""
    items = [r.model_dump_json(exclude_none=isinstance(r, BatchProblem)).encode() for r in results]
    return b'{"items":[' + b",".join(items) + b"]}"
