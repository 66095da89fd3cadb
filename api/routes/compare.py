"""POST /v1/compare: one story's claims and actors across 2-4 articles."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from api.compare import compare
from api.http import request_id_of, unless_client_leaves
from api.routes.deps import AnalyzerDep, SettingsDep, problem_responses, read_json_body
from schemas.compare import CompareRequest, Comparison

router = APIRouter(prefix="/v1", tags=["analyze"])


@router.post(
    "/compare",
    response_model=Comparison,
    summary="Compare how 2-4 articles report the same story's claims",
    responses=problem_responses(
        {
            413: "An article too long",
            422: "Invalid fields, unknown model, or 1 or more than 4 articles",
            503: "Engine busy or provider unavailable (Retry-After)",
            504: "The request's deadline passed",
        }
    ),
)
async def compare_articles(
    request: Request, analyzer: AnalyzerDep, settings: SettingsDep
) -> Response:
    body = await read_json_body(request, CompareRequest, settings)
    comparison = await unless_client_leaves(
        request, compare(analyzer, body, request_id_of(request))
    )
    return Response(comparison.model_dump_json(), media_type="application/json")
