"""POST /v1/analyze and its batch form."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from api.errors import StancewireError
from api.http import request_id_of
from api.metrics import ANALYSES
from api.routes.deps import AnalyzerDep, SettingsDep, read_json_body
from schemas.analysis import Analysis
from schemas.errors import Problem
from schemas.request import AnalyzeRequest, BatchRequest

router = APIRouter(prefix="/v1", tags=["analyze"])
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


_PROBLEMS: dict[int | str, dict[str, Any]] = {
    status: {"model": Problem, "description": description}
    for status, description in {
        400: "Body is not UTF-8 or not JSON",
        413: "Body or article too long",
        415: "Not application/json",
        422: "Invalid fields or unknown model",
        429: "Provider rate limit (Retry-After)",
        502: "Model output could not be repaired",
        503: "Provider unavailable (Retry-After)",
        504: "Provider timed out",
    }.items()
}


@router.post(
    "/analyze",
    response_model=Analysis,
    responses=_PROBLEMS,
    summary="Analyse one article",
    openapi_extra=_body_doc(AnalyzeRequest, {"text": _example_text(), "claims": []}),
)
async def analyze(request: Request, analyzer: AnalyzerDep, settings: SettingsDep) -> Response:
    body = await read_json_body(request, AnalyzeRequest, settings)
    analysis = await analyzer.analyze(body, request_id=request_id_of(request))
    ANALYSES.labels(analysis.meta.engine, analysis.meta.model, analysis.meta.cache_hit).inc()
    # Already a validated Analysis: serialise once, without FastAPI validating it again.
    return Response(analysis.model_dump_json(), media_type="application/json")


@router.post(
    "/analyze/batch",
    responses=_PROBLEMS,
    summary="Analyse several articles; each item is an analysis or a problem",
    openapi_extra=_body_doc(BatchRequest, {"items": [{"text": _example_text()}]}),
)
async def analyze_batch(
    request: Request, analyzer: AnalyzerDep, settings: SettingsDep
) -> dict[str, list[dict[str, Any]]]:
    body = await read_json_body(request, BatchRequest, settings)
    request_id = request_id_of(request)

    async def one(index: int, item: AnalyzeRequest) -> dict[str, Any]:
        try:
            result = await analyzer.analyze(item, request_id=f"{request_id}-{index}")
            return {"ok": True, "analysis": result.model_dump(mode="json")}
        except StancewireError as exc:
            problem = {"status": exc.status, "code": exc.code, "title": exc.title}
            return {"ok": False, "problem": {**problem, "detail": exc.detail}}

    results = await asyncio.gather(*(one(i, item) for i, item in enumerate(body.items)))
    return {"items": list(results)}
