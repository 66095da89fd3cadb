"""The one ASGI layer every HTTP request passes: its id and body guard (api/http.py), the
metrics (api/metrics.py), the access log and RateLimit-* headers (api/logs.py) and the
security headers (api/security.py).

One layer, not four: each concern used to be its own middleware wrapping `send` to read the
status and add headers, four closures and four awaits per message for the same work.
"""

from __future__ import annotations

import time

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.http import BodyLimits, begin_request, context_headers
from api.logs import log_request, ratelimit_headers
from api.metrics import IN_FLIGHT, record_request
from api.security import security_headers


class ServiceMiddleware:
    def __init__(self, app: ASGIApp, limits: BodyLimits) -> None:
        self.app = app
        self.limits = limits

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        security = security_headers(scope["path"])  # by the path as requested
        body = begin_request(scope, receive, self.limits)
        IN_FLIGHT.inc()

        async def send_with_headers(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = message.setdefault("headers", [])
                # The order the four middlewares gave: id, rate limits, security.
                headers.extend(context_headers(scope, body))
                headers.extend(ratelimit_headers(scope))
                headers.extend(security)
            await send(message)

        try:
            await self.app(scope, body.receive, send_with_headers)
        finally:
            seconds = time.perf_counter() - started
            IN_FLIGHT.dec()
            record_request(scope, status, seconds)
            log_request(scope, status, seconds)
