"""HTTP plumbing kept out of the routes: request ids, body limits, problem+json rendering."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
import uuid
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect
from starlette.types import Message, Receive, Scope

from api.errors import PayloadTooLarge, RequestTimeout, StancewireError
from api.metrics import count_error
from api.problems import PROBLEM_TYPE, problem_of
from schemas.errors import Problem

log = logging.getLogger(__name__)
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")
CLIENT_CLOSED_REQUEST = 499
# Set in a request's scope state by the server (api/server.py) when it answered the
# request itself (e.g. a 400 for a bad chunk) while the app was still reading the body.
ANSWERED_BY_SERVER = "answered_by_server"
T = TypeVar("T")


class ClientLeftEarly(ClientDisconnect):
    """The client hung up after sending its request, before the answer was ready."""


def request_id_of(request: Request) -> str | None:
    return getattr(request.state, "request_id", None)


def problem_response(
    request: Request,
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    retry_after: int | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    problem = Problem(
        type=PROBLEM_TYPE + code,
        title=title,
        status=status,
        detail=detail,
        code=code,
        request_id=request_id_of(request),
        retry_after=retry_after,
        errors=errors,
    )
    return render_problem(problem, headers)


def render_problem(problem: Problem, headers: dict[str, str] | None = None) -> JSONResponse:
    """The response for `problem`: counted by code, Retry-After set from it, plus `headers`
    (e.g. a rate limit's RateLimit-* fields)."""
    count_error(problem.code)
    headers = dict(headers or {})
    if problem.retry_after is not None:
        headers["Retry-After"] = str(problem.retry_after)
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=problem.status,
        headers=headers,
        media_type="application/problem+json",
    )


async def handle_stancewire_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StancewireError)
    if exc.status >= 500 and exc.status not in {502, 503, 504}:
        log.error("request %s failed: %s", request_id_of(request), exc.detail)
    return render_problem(problem_of(exc, request_id_of(request)), exc.headers())


def _jsonable_errors(errors: Any) -> list[dict[str, Any]]:
    return [
        {
            "loc": [str(p) for p in e.get("loc", ())],
            "msg": str(e.get("msg", "")),
            "type": e.get("type"),
        }
        for e in errors
    ]


async def handle_validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return problem_response(
        request,
        status=422,
        code="validation_error",
        title="Request did not validate",
        detail="Some fields are missing or invalid; see errors.",
        errors=_jsonable_errors(exc.errors()),
    )


async def handle_http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return problem_response(
        request, status=exc.status_code, code=code, title=str(exc.detail), detail=str(exc.detail)
    )


async def handle_unexpected(request: Request, exc: Exception) -> JSONResponse:
    log.exception("unexpected error in request %s", request_id_of(request))
    response = problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Something went wrong on our side; the request id helps us find it.",
    )
    # Starlette answers unhandled errors outside the middleware that echoes the id: echo here.
    request_id = request_id_of(request)
    if request_id is not None:
        response.headers["x-request-id"] = request_id
    return response


async def handle_client_disconnect(request: Request, exc: Exception) -> Response:
    """The client hung up while sending its request: nobody is left to answer. One info
    line, and status 499 (nginx's "client closed request") so metrics count it apart.
    When the server itself cut the connection (it answered a framing error), the app counts
    the server's status instead: nobody hung up."""
    answered: int | None = request.scope.get("state", {}).get(ANSWERED_BY_SERVER)
    if answered is not None:
        return Response(status_code=answered)
    when = (
        "its answer was ready; its work was stopped"
        if isinstance(exc, ClientLeftEarly)
        else "its request was read whole"
    )
    log.info(
        "client disconnected before %s (request %s, %s %s)",
        when,
        request_id_of(request),
        request.method,
        request.url.path,
    )
    return Response(status_code=CLIENT_CLOSED_REQUEST)


@dataclass(frozen=True)
class BodyLimits:
    """How large a request body may be, and how soon it is due."""

    max_body_bytes: int
    body_timeout_s: float = 30.0
    # Routes whose bodies may be larger (a job upload), by path prefix.
    path_limits: dict[str, int] = field(default_factory=dict)

    def limit_for(self, path: str) -> int:
        for prefix, limit in self.path_limits.items():
            if path.startswith(prefix):
                return limit
        return self.max_body_bytes


def begin_request(scope: Scope, receive: Receive, limits: BodyLimits) -> _BodyReader:
    """Gives the request an id (X-Request-ID, echoed back by `context_headers`) and guards
    its body as it is read (api/middleware.py).

    The size cap is enforced from Content-Length before anything is read, and again while the
    body streams in, so an oversized body is never held in memory whole. The body is due
    within `body_timeout_s` of the request's arrival: a client that sends less than its
    Content-Length gets a 408 instead of holding a worker forever. A response sent before the
    body was read whole closes the connection (what is left of the body is never parsed).
    """
    headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
    given = headers.get("x-request-id", "")
    request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
    scope.setdefault("state", {})["request_id"] = request_id
    scope["state"]["declared_length"] = headers.get("content-length")
    has_body = "transfer-encoding" in headers or headers.get("content-length", "0") != "0"
    limit = limits.limit_for(scope["path"])
    return _BodyReader(receive, limit, limits.body_timeout_s, has_body)


def context_headers(scope: Scope, body: _BodyReader) -> list[tuple[bytes, bytes]]:
    """The request id, and `Connection: close` when the answer leaves the body unread."""
    extra = [(b"x-request-id", scope["state"]["request_id"].encode())]
    if not body.complete:
        extra.append((b"connection", b"close"))
    return extra


class _BodyReader:
    """The request body as the app reads it: size-capped, due before a deadline."""

    def __init__(self, receive: Receive, limit: int, timeout_s: float, has_body: bool) -> None:
        self._receive = receive
        self._limit = limit
        self._deadline = asyncio.get_running_loop().time() + timeout_s
        self._timeout_s = timeout_s
        self._seen = 0
        self.complete = not has_body

    async def receive(self) -> Message:
        if self.complete:  # nothing left to read: waits (for a disconnect) are unbounded
            return await self._receive()
        try:
            async with asyncio.timeout_at(self._deadline):
                message = await self._receive()
        except TimeoutError:
            raise RequestTimeout(
                f"The request body did not arrive within {self._timeout_s:g} s "
                f"({self._seen:,} bytes received). Send the whole body at once."
            ) from None
        if message["type"] == "http.request":
            self._seen += len(message.get("body", b""))
            if self._seen > self._limit:
                raise PayloadTooLarge(_too_large(self._limit))
            self.complete = not message.get("more_body", False)
        return message


def _too_large(limit: int) -> str:
    return f"The request body exceeds the limit of {limit:,} bytes. Send a shorter article."


def check_declared_length(request: Request, limit: int) -> None:
    declared = request.scope.get("state", {}).get("declared_length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(_too_large(limit))


async def unless_client_leaves(request: Request, work: Awaitable[T]) -> T:
    """Await `work`, cancelling it when the client hangs up first: an analysis nobody waits
    for stops (its model calls, retries and engine worker with it) instead of running on.
    Raises ClientDisconnect then (a 499 and one info line, like a hang-up mid-body)."""
    task = asyncio.ensure_future(work)
    left = asyncio.ensure_future(_client_left(request))
    try:
        await asyncio.wait({task, left}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        if not task.done():
            task.cancel()
        left.cancel()
    if task.done() and not task.cancelled():
        return task.result()
    with contextlib.suppress(asyncio.CancelledError):
        await task  # let the cancellation reach the engine before we answer
    raise ClientLeftEarly()


async def _client_left(request: Request) -> None:
    # The body was read whole: the next message the server sends is the disconnect.
    while (await request.receive())["type"] != "http.disconnect":
        pass
