"""Stored analyses: read back, delete, and editor feedback (owner key only)."""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from api import analyses
from api.auth import Caller, require
from api.routes.deps import SettingsDep, StoreDep, problem_responses, read_json_body
from schemas.analysis import Analysis
from schemas.feedback import Feedback, FeedbackList, FeedbackRequest

router = APIRouter(prefix="/v1/analyses", tags=["analyses"])
ReaderCaller = Annotated[Caller, Depends(require("analyze"))]
AnalysisId = Annotated[str, Path(pattern=r"^[0-9a-f]{32}$", description="The analysis `id`.")]
SCHEMA_HEADER = "Stancewire-Schema-Version"
_PROBLEMS = problem_responses(
    {
        401: "API key missing or not valid",
        403: "API key lacks the scope",
        404: "No such analysis for this key",
    }
)


# Sync handlers: FastAPI runs them in its thread pool, where the storage calls belong.
@router.get(
    "/{analysis_id}",
    response_model=Analysis,
    responses=_PROBLEMS,
    summary="A stored analysis, exactly as it was answered (its own schema_version)",
)
def get_analysis(analysis_id: AnalysisId, caller: ReaderCaller, store: StoreDep) -> Response:
    record = analyses.fetch(store, caller, analysis_id)
    # As stored: an analysis of an older schema version is returned as it was, not upgraded.
    return Response(
        record.analysis_json,
        media_type="application/json",
        headers={SCHEMA_HEADER: record.schema_version},
    )


@router.delete(
    "/{analysis_id}", status_code=204, responses=_PROBLEMS, summary="Delete a stored analysis"
)
def delete_analysis(analysis_id: AnalysisId, caller: ReaderCaller, store: StoreDep) -> Response:
    analyses.remove(store, caller, analysis_id)
    return Response(status_code=204)


@router.post(
    "/{analysis_id}/feedback",
    status_code=201,
    response_model=Feedback,
    responses={**_PROBLEMS, **problem_responses({422: "No such finding"})},
    summary="Mark a finding of a stored analysis wrong (stored; exported as eval cases)",
)
async def post_feedback(
    request: Request,
    analysis_id: AnalysisId,
    caller: ReaderCaller,
    store: StoreDep,
    settings: SettingsDep,
) -> Feedback:
    body = await read_json_body(request, FeedbackRequest, settings)
    return await asyncio.to_thread(analyses.add_feedback, store, caller, analysis_id, body)


@router.get(
    "/{analysis_id}/feedback",
    response_model=FeedbackList,
    responses=_PROBLEMS,
    summary="Feedback given on a stored analysis",
)
def list_feedback(analysis_id: AnalysisId, caller: ReaderCaller, store: StoreDep) -> FeedbackList:
    return FeedbackList(items=analyses.list_feedback(store, caller, analysis_id))
