"""POST/GET/DELETE /v1/jobs: bulk analysis on the shared queue (api/jobs)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import JSONResponse, StreamingResponse
from redis.exceptions import RedisError
from sse_starlette import EventSourceResponse, ServerSentEvent

from api.auth import Caller, require
from api.config import Settings
from api.errors import (
    InvalidJson,
    JobsUnavailable,
    RequestValidationFailed,
    StancewireError,
    UnsupportedMediaType,
)
from api.http import check_declared_length, handle_stancewire_error
from api.jobs.admission import charge_job
from api.jobs.queue import connect, submit
from api.jobs.store import JobStore
from api.json_body import parse_json_body
from api.pipeline.analyze import Analyzer
from api.routes.deps import AnalyzerDep, SettingsDep, problem_responses
from api.routes.stream import wants_events
from api.validation import validate_as
from schemas.jobs import JobCreated, JobItem, JobRequest, JobResultsPage, JobStatus

# Every job route needs a key with the `jobs` scope (when keys are on), checked before a
# body is read; FastAPI runs the dependency once per request, so create_job reuses it.
_JOBS_SCOPE = require("jobs")
router = APIRouter(prefix="/v1/jobs", tags=["jobs"], dependencies=[Depends(_JOBS_SCOPE)])
JobsCaller = Annotated[Caller, Depends(_JOBS_SCOPE)]
JSONL_TYPES = {"application/x-ndjson", "application/jsonl", "application/x-jsonlines"}
_PAGE_MAX = 1000
_STREAM_CHUNK = 500
_PROGRESS_POLL_S = 0.5
_PROBLEMS = problem_responses(
    {
        400: "Body is not UTF-8 or not JSON (a JSONL line: its number is in `errors`)",
        404: "No such job (unknown or expired)",
        413: "Body over STANCEWIRE_JOB_MAX_BODY_BYTES, or too many items",
        415: "Neither application/json nor application/x-ndjson",
        422: "An item is invalid or names an unknown model (`errors` locate it)",
        503: "Jobs are not configured (no STANCEWIRE_REDIS_URL) or Redis is unreachable",
    }
)


async def job_store(request: Request, settings: SettingsDep) -> JobStore:
    """The app's connection to the queue, opened on first use (the API starts without
    Redis; only job routes need it)."""
    store: JobStore | None = getattr(request.app.state, "job_store", None)
    if store is None:
        try:
            redis = await connect(settings)
        except (OSError, RedisError) as exc:
            raise JobsUnavailable(f"Redis is unreachable: {exc}.", retry_after=5) from exc
        store = request.app.state.job_store = JobStore(redis, settings.job_ttl_s)
    return store


StoreDep = Annotated[JobStore, Depends(job_store)]


async def handle_redis_error(request: Request, exc: Exception) -> Response:
    """Redis failing mid-request (it went away, a timeout): a 503 problem, never a 500."""
    unavailable = JobsUnavailable(f"Redis failed: {exc}. Retry shortly.", retry_after=5)
    return await handle_stancewire_error(request, unavailable)


@router.post(
    "",
    status_code=202,
    response_model=JobCreated,
    responses=_PROBLEMS,
    summary="Queue a job: a list of articles (JSON) or a JSONL upload, one article per line",
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {"schema": JobRequest.model_json_schema()},
                "application/x-ndjson": {
                    "schema": {"type": "string", "description": "One JobItem per line."}
                },
            },
        }
    },
)
async def create_job(
    request: Request,
    analyzer: AnalyzerDep,
    settings: SettingsDep,
    store: StoreDep,
    caller: JobsCaller,
    webhook_url: Annotated[str | None, Query(description="For JSONL uploads.")] = None,
) -> JSONResponse:
    job = await _read_job(request, settings, webhook_url)
    items = _with_models(job, analyzer)
    await asyncio.to_thread(charge_job, request, caller, len(items))
    hook = str(job.webhook_url) if job.webhook_url else None
    job_id, _ = await submit(store.redis, settings, items, hook)  # type: ignore[arg-type]
    created = JobCreated(
        id=job_id,
        state="queued",
        total=len(items),
        status_url=f"/v1/jobs/{job_id}",
        results_url=f"/v1/jobs/{job_id}/results",
    )
    headers = {"Location": created.status_url}
    return JSONResponse(created.model_dump(), status_code=202, headers=headers)


@router.get(
    "/{job_id}",
    response_model=JobStatus,
    responses={**_PROBLEMS, 200: {"content": {"text/event-stream": {}}}},
    summary="A job's state (or, with Accept: text/event-stream, its progress as events)",
)
async def job_status(job_id: str, request: Request, store: StoreDep) -> Response:
    status = await store.status(job_id)  # an unknown job is a 404 before any stream
    if wants_events(request.headers.get("accept", "")):
        return EventSourceResponse(_progress(store, job_id), ping=10)
    return Response(status.model_dump_json(), media_type="application/json")


async def _progress(store: JobStore, job_id: str) -> AsyncIterator[ServerSentEvent]:
    """`progress` whenever the counts move, then `done` once the job is finished."""
    last = None
    while True:
        status = await store.status(job_id)
        if status.state in ("completed", "cancelled"):
            yield ServerSentEvent(data=status.model_dump_json(), event="done")
            return
        seen = (status.state, status.done, status.failed)
        if seen != last:
            yield ServerSentEvent(data=status.model_dump_json(), event="progress")
            last = seen
        await asyncio.sleep(_PROGRESS_POLL_S)


@router.delete("/{job_id}", response_model=JobStatus, responses=_PROBLEMS, summary="Cancel a job")
async def cancel_job(job_id: str, store: StoreDep) -> JobStatus:
    """Items not yet started are never run; finished items keep their results."""
    return await store.cancel(job_id)


@router.get(
    "/{job_id}/results",
    response_model=JobResultsPage,
    responses={**_PROBLEMS, 200: {"content": {"application/x-ndjson": {}}}},
    summary="Finished items, paged (JSON) or all at once (Accept: application/x-ndjson)",
)
async def job_results(
    job_id: str,
    request: Request,
    store: StoreDep,
    offset: Annotated[int, Query(ge=0)] = 0,
    limit: Annotated[int, Query(ge=1, le=_PAGE_MAX)] = 100,
) -> Response:
    status = await store.status(job_id)
    if _wants_jsonl(request):
        return StreamingResponse(
            _stream(store, job_id, status.total), media_type="application/x-ndjson"
        )
    stop = min(offset + limit, status.total)
    lines = await store.lines(job_id, offset, stop)
    body = (
        b'{"job":'
        + status.model_dump_json().encode()
        + b',"items":['
        + ",".join(lines).encode()
        + b"]"
        + b',"next_offset":'
        + (str(stop).encode() if stop < status.total else b"null")
        + b"}"
    )
    return Response(body, media_type="application/json")


async def _stream(store: JobStore, job_id: str, total: int) -> AsyncIterator[bytes]:
    for start in range(0, total, _STREAM_CHUNK):
        lines = await store.lines(job_id, start, min(start + _STREAM_CHUNK, total))
        if lines:
            yield ("\n".join(lines) + "\n").encode()


def _wants_jsonl(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return any(t in accept for t in JSONL_TYPES)


async def _read_job(request: Request, settings: Settings, webhook_url: str | None) -> JobRequest:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    check_declared_length(request, settings.job_max_body_bytes)
    raw = await request.body()
    if media_type == "application/json":
        data = parse_json_body(raw)
    elif media_type in JSONL_TYPES:
        data = {"items": _jsonl_items(raw)}
        if webhook_url:
            data["webhook_url"] = webhook_url
    else:
        raise UnsupportedMediaType(
            'Send a job as application/json ({"items": [...]}) or as '
            f"application/x-ndjson (one article per line); got {media_type!r}."
        )
    if isinstance(data, dict) and len(data.get("items") or []) > settings.job_max_items:
        raise _too_many(settings.job_max_items)
    return validate_as(JobRequest, data)


def _jsonl_items(raw: bytes) -> list[Any]:
    items = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue
        try:
            items.append(parse_json_body(line))
        except StancewireError as exc:
            raise InvalidJson(f"Line {number} of the upload: {exc.detail}") from exc
    return items


def _with_models(job: JobRequest, analyzer: Analyzer) -> list[tuple[JobItem, str]]:
    """Each item with the model that will run it; unknown models and duplicate ids are
    refused before anything is queued (422, located in `errors`)."""
    errors: list[dict[str, Any]] = []
    resolved: list[tuple[JobItem, str]] = []
    seen: set[str] = set()
    for index, item in enumerate(job.items):
        try:
            resolved.append((item, analyzer.resolve_model(item.model)))
        except StancewireError as exc:
            errors.append({"loc": ["items", index, "model"], "msg": exc.detail, "type": exc.code})
        if item.id is not None and item.id in seen:
            errors.append(
                {"loc": ["items", index, "id"], "msg": "duplicate id", "type": "duplicate_id"}
            )
        seen.add(item.id or "")
    if errors:
        raise RequestValidationFailed("Some items cannot be queued; see errors.", errors)
    return resolved


def _too_many(limit: int) -> StancewireError:
    from api.errors import PayloadTooLarge

    return PayloadTooLarge(f"A job holds at most {limit:,} items (STANCEWIRE_JOB_MAX_ITEMS).")
