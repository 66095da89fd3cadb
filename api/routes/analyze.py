"""POST /v1/analyze and its batch form."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request, Response

from api.errors import StancewireError
from api.http import request_id_of, unless_client_leaves
from api.metrics import count_analysis
from api.problems import problem_of
from api.routes.deps import AnalyzerDep, SettingsDep, read_json_body, validate_as
from api.routes.stream import stream_analysis, wants_events
from schemas.analysis import Analysis
from schemas.batch import BatchAnalysis, BatchProblem, BatchResponse
from schemas.errors import Problem
from schemas.request import AnalyzeRequest, BatchEnvelope, BatchRequest

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
        400: "Body is not UTF-8, not JSON, over a JSON limit, or not valid HTTP",
        408: "Request headers or body not received in time",
        413: "Body or article too long",
        415: "Not application/json",
        422: "Invalid fields or unknown model",
        429: "Provider rate limit (Retry-After)",
        502: "Model output could not be repaired",
        503: "Engine busy (overloaded) or provider unavailable (Retry-After)",
        504: "Provider timed out, or the request's deadline passed (deadline_exceeded)",
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
    if wants_events(request.headers.get("accept", "")):  # live progress (api/routes/stream.py)
        return stream_analysis(analyzer, body, request_id_of(request))
    analysis = await unless_client_leaves(
        request, analyzer.analyze(body, request_id=request_id_of(request))
    )
    count_analysis(analysis)
    # Already a validated Analysis: serialise once, without FastAPI validating it again.
    return Response(analysis.model_dump_json(), media_type="application/json")


@router.post(
    "/analyze/batch",
    response_model=BatchResponse,
    responses=_PROBLEMS,
    summary="Analyse several articles; each item is an analysis or a problem",
    openapi_extra=_body_doc(BatchRequest, {"items": [{"text": _example_text()}]}),
)
async def analyze_batch(request: Request, analyzer: AnalyzerDep, settings: SettingsDep) -> Response:
    envelope = await read_json_body(request, BatchEnvelope, settings)
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
        count_analysis(analysis)
        return BatchAnalysis(ok=True, analysis=analysis)

    every_item = asyncio.gather(*(one(i, item) for i, item in enumerate(envelope.items)))
    results = await unless_client_leaves(request, every_item)
    return Response(_batch_json(results), media_type="application/json")


def _batch_json(results: list[BatchAnalysis | BatchProblem]) -> bytes:
    """The BatchResponse body: analyses in full (as /v1/analyze sends them), problems without
    their empty fields (as error responses send them); each item serialised once."""
    items = [r.model_dump_json(exclude_none=isinstance(r, BatchProblem)).encode() for r in results]
    return b'{"items":[' + b",".join(items) + b"]}"
