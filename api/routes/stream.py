"""`POST /v1/analyze` with `Accept: text/event-stream`: the analysis as server-sent events
(sse-starlette), so a slow model shows its stages instead of a silent wait.

Events: `queued` (accepted), `analysing` (engine, model, sentences), `model_call` (attempt
n), `repair` (attempt n failed its checks; the model is asked again), `part` (a long article
read in parts: part k of n started, done or failed, with its sentence range), then one of
`done` (data: the analysis, as /v1/analyze returns it) or `problem` (data: the problem body).
Bad requests are refused before the stream starts, with their usual status and problem+json.
A stream may send up to max_long_text_chars and runs until stream_deadline_s.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

from sse_starlette import EventSourceResponse, ServerSentEvent

from api.errors import StancewireError
from api.pipeline.analyze import Analyzer
from api.pipeline.progress import listening
from api.problems import problem_of
from schemas.analysis import Analysis
from schemas.request import AnalyzeRequest

log = logging.getLogger(__name__)
EVENT_STREAM = "text/event-stream"


def wants_events(accept: str) -> bool:
    return EVENT_STREAM in accept.lower()


Finish = Callable[[Analysis], Awaitable[str]]


def stream_analysis(
    analyzer: Analyzer, body: AnalyzeRequest, request_id: str | None, finish: Finish
) -> EventSourceResponse:
    """`finish` is what the JSON answer does with a finished analysis (its text source,
    metrics, access log, the key's token budget, the stored copy) and returns the analysis's
    JSON to send, so a stream costs and keeps what a plain request does."""
    return EventSourceResponse(_events(analyzer, body, request_id, finish), ping=10)


async def _events(
    analyzer: Analyzer, body: AnalyzeRequest, request_id: str | None, finish: Finish
) -> AsyncIterator[ServerSentEvent]:
    stages: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
    with listening(lambda stage, data: stages.put_nowait((stage, data))):
        deadline = asyncio.get_running_loop().time() + analyzer.settings.stream_deadline_s
        work = asyncio.create_task(
            analyzer.analyze(body, request_id=request_id, deadline=deadline, long_form=True)
        )
    yield _event("queued", {"request_id": request_id})
    try:
        while not work.done() or not stages.empty():
            waiting = asyncio.ensure_future(stages.get())
            await asyncio.wait({waiting, work}, return_when=asyncio.FIRST_COMPLETED)
            if waiting.done():
                stage, data = waiting.result()
                yield _event(stage, data)
            else:
                waiting.cancel()
        yield await _final(work, request_id, finish)
    finally:
        work.cancel()  # the client left mid-stream: stop the analysis (and its model calls)


async def _final(
    work: asyncio.Task[Any], request_id: str | None, finish: Finish
) -> ServerSentEvent:
    try:
        analysis_json = await finish(work.result())
    except StancewireError as exc:
        return _event("problem", problem_of(exc, request_id).model_dump(exclude_none=True))
    except Exception:
        log.exception("streamed analysis %s failed unexpectedly", request_id)
        unexpected = StancewireError("The analysis failed unexpectedly; the error was logged.")
        return _event("problem", problem_of(unexpected, request_id).model_dump(exclude_none=True))
    return ServerSentEvent(data=analysis_json, event="done")


def _event(name: str, data: dict[str, Any]) -> ServerSentEvent:
    return ServerSentEvent(data=json.dumps(data), event=name)
