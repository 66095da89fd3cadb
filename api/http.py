"""HTTP plumbing kept out of the routes: request ids, body limits, problem+json rendering."""

from __future__ import annotations

import logging
import re
import uuid
from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.errors import PayloadTooLarge, StancewireError
from schemas.errors import Problem

log = logging.getLogger(__name__)
PROBLEM_TYPE = "https://stancewire.dev/problems/"
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,100}$")


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
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return JSONResponse(
        problem.model_dump(exclude_none=True),
        status_code=status,
        headers=headers,
        media_type="application/problem+json",
    )


async def handle_stancewire_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StancewireError)
    if exc.status >= 500 and exc.status not in {502, 503, 504}:
        log.error("request %s failed: %s", request_id_of(request), exc.detail)
    return problem_response(
        request,
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        retry_after=exc.retry_after,
        errors=exc.extra().get("errors"),
    )


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
    return problem_response(
        request,
        status=500,
        code="internal_error",
        title="Internal error",
        detail="Something went wrong on our side; the request id helps us find it.",
    )


class RequestContextMiddleware:
    """Gives every request an id (X-Request-ID, echoed back) and caps the body size.

    The cap is enforced from Content-Length before anything is read, and again while the
    body streams in, so an oversized body is never held in memory whole.
    """

    def __init__(self, app: ASGIApp, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        given = headers.get("x-request-id", "")
        request_id = given if _SAFE_REQUEST_ID.match(given) else uuid.uuid4().hex
        scope.setdefault("state", {})["request_id"] = request_id
        scope["state"]["declared_length"] = headers.get("content-length")

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((b"x-request-id", request_id.encode()))
            await send(message)

        await self.app(scope, self._limited(receive), send_with_id)

    def _limited(self, receive: Receive) -> Receive:
        seen = 0

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise PayloadTooLarge(_too_large(self.max_body_bytes))
            return message

        return limited_receive


def _too_large(limit: int) -> str:
    return f"The request body exceeds the limit of {limit:,} bytes. Send a shorter article."


def check_declared_length(request: Request, limit: int) -> None:
    declared = request.scope.get("state", {}).get("declared_length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise PayloadTooLarge(_too_large(limit))
