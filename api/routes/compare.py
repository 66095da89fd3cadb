"""POST /v1/compare: one story's claims and actors across 2-4 articles."""

from __future__ import annotations

import asyncio
import functools

from fastapi import APIRouter, Request, Response

from api.compare import compare, load_stored
from api.http import request_id_of, unless_client_leaves
from api.ratelimit import AnalyzeCaller
from api.routes.analyze import account_analysis
from api.routes.deps import (
    AnalyzerDep,
    LimiterDep,
    SettingsDep,
    StoreDep,
    problem_responses,
    read_json_body,
)
from schemas.compare import CompareRequest, Comparison

router = APIRouter(prefix="/v1", tags=["analyze"])


@router.post(
    "/compare",
    response_model=Comparison,
    summary="Compare how 2-4 articles report the same story's claims",
    responses=problem_responses(
        {
            401: "API key missing or not valid",
            403: "API key lacks the scope",
            404: "An `analysis_id` not stored under this key (`analysis_not_found`)",
            413: "An article too long",
            422: "Invalid fields (an article needs `text` or `analysis_id`), unknown model, "
            "1 or more than 4 articles, or a stored analysis too old to compare",
            429: "Rate limit or token budget of the key spent (Retry-After)",
            503: "Engine busy or provider unavailable (Retry-After)",
            504: "The request's deadline passed",
        }
    ),
)
async def compare_articles(
    request: Request,
    analyzer: AnalyzerDep,
    settings: SettingsDep,
    caller: AnalyzeCaller,
    limiter: LimiterDep,
    store: StoreDep,
) -> Response:
    # AnalyzeCaller: with keys on, a comparison needs an analyze key and counts against its
    # rate limit like an analysis (it was open to anyone); each article's analysis, in both
    # passes, is charged to the key's token budget like one sent to /v1/analyze.
    body = await read_json_body(request, CompareRequest, settings)
    # Stored analyses are read under the caller's key, like GET /v1/analyses/{id}; as they
    # are used as stored, nothing is charged for them.
    stored = await asyncio.to_thread(load_stored, store, caller, body)
    charge = functools.partial(account_analysis, request, limiter, caller)
    comparison = await unless_client_leaves(
        request, compare(analyzer, body, request_id_of(request), charge, stored)
    )
    return Response(comparison.model_dump_json(), media_type="application/json")
