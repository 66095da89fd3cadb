"""Prometheus metrics: requests by route and status, latency, in-flight requests, error codes,
analyses by engine and model (batch items included), tokens, cost, cache hits and misses,
model retries and repairs, and the engine's queue. `/metrics` needs an admin key when keys
are on."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

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

IN_FLIGHT = Gauge(
    "stancewire_http_requests_in_flight", "HTTP requests being answered", registry=REGISTRY
)
ERRORS = Counter(
    "stancewire_errors_total", "Problem responses by stable error code", ["code"], registry=REGISTRY
)
TOKENS = Counter(
    "stancewire_model_tokens_total",
    "Model tokens of computed analyses (cache hits cost none)",
    ["model", "kind"],
    registry=REGISTRY,
)
COST = Counter(
    "stancewire_model_cost_usd_total",
    "Model cost where litellm knows the price",
    ["model"],
    registry=REGISTRY,
)
REPAIRS = Counter(
    "stancewire_model_repairs_total",
    "Re-asks after invalid model output (attempts beyond the first)",
    ["model"],
    registry=REGISTRY,
)
RETRIES = Counter(
    "stancewire_model_retries_total",
    "Model calls retried after a transient error (timeouts, 429, 5xx)",
    ["model"],
    registry=REGISTRY,
)
ENGINE_QUEUE = Gauge(
    "stancewire_engine_in_flight",
    "Built-in analyses running or waiting for an engine worker (bounded: then 503)",
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
    if meta.cache_hit:
        return
    TOKENS.labels(meta.model, "prompt").inc(meta.usage.prompt_tokens)
    TOKENS.labels(meta.model, "completion").inc(meta.usage.completion_tokens)
    if meta.cost_usd:
        COST.labels(meta.model).inc(meta.cost_usd)
    if meta.attempts > 1:
        REPAIRS.labels(meta.model).inc(meta.attempts - 1)


def count_retry(model: str) -> None:
    RETRIES.labels(model).inc()


def count_error(code: str) -> None:
    ERRORS.labels(code).inc()


def watch_engine_queue(in_flight: Callable[[], float]) -> None:
    """Read the engine's admission count at scrape time (the app's runner, api/app.py)."""
    ENGINE_QUEUE.set_function(in_flight)


def _admin_when_keys_are_on(request: Request) -> None:
    from api.auth import caller_for  # api.auth imports storage; metrics stays importable alone

    caller_for(request, "admin")


@router.get("/metrics", include_in_schema=False)
async def metrics(_: Annotated[Any, Depends(_admin_when_keys_are_on)]) -> Response:
    return Response(generate_latest(REGISTRY), media_type=CONTENT_TYPE_LATEST)


def record_request(scope: Scope, status: int, seconds: float) -> None:
    """Counts a request under its route template (bounded label values); api/middleware.py."""
    route = route_label(scope)
    REQUESTS.labels(route, str(status)).inc()
    LATENCY.labels(route).observe(seconds)


def route_label(scope: Scope) -> str:
    """The route template; for files served by a static mount (the demo page, the docs
    assets), the mount's path plus "/{path}": bounded either way."""
    route = getattr(scope.get("route"), "path", None)
    if route is not None:
        return str(route)
    if isinstance(scope.get("endpoint"), StaticFiles):
        return str(scope.get("root_path", "")) + "/{path}"
    return "unmatched"
