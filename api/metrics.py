"""Prometheus metrics: requests by route and status, latency, analyses by engine and model."""

from __future__ import annotations

import time

from fastapi import APIRouter, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from schemas.analysis import Analysis

REGISTRY = CollectorRegistry()
REQUESTS = Counter(
    "stancewire_http_requests_total", "HTTP requests", ["route", "status"], registry=REGISTRY
)
LATENCY = Histogram(
    "stancewire_http_request_seconds", "HTTP request latency", ["route"], registry=REGISTRY
)
ANALYSES = Counter(
    "stancewire_analyses_total",
    "Analyses served",
    ["engine", "model", "cache_hit"],
    registry=REGISTRY,
)

CONNECTIONS_CLOSED = Counter(
    "stancewire_connections_closed_total",
    "Connections the server closed before the app saw a request (api/server.py)",
    ["reason"],
    registry=REGISTRY,
)

router = APIRouter(tags=["health"])


def count_analysis(analysis: Analysis) -> None:
    """One analysis served, from /v1/analyze or as a batch item."""
    meta = analysis.meta
    ANALYSES.labels(meta.engine, meta.model, meta.cache_hit).inc()


@router.get("/metrics", include_in_schema=False)
async def metrics() -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


class MetricsMiddleware:
    """Counts every request under its route template (bounded label values)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500

        async def record_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record_status)
        finally:
            route = route_label(scope)
            REQUESTS.labels(route, str(status)).inc()
            LATENCY.labels(route).observe(time.perf_counter() - started)


def route_label(scope: Scope) -> str:
    """The route template; for files served by a static mount (the demo page, the docs
    assets), the mount's path plus "/{path}": bounded either way."""
    route = getattr(scope.get("route"), "path", None)
    if route is not None:
        return str(route)
    if isinstance(scope.get("endpoint"), StaticFiles):
        return str(scope.get("root_path", "")) + "/{path}"
    return "unmatched"
