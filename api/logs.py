"""Structured access logs (structlog): one JSON line per request with its id, route, status,
latency, the key's *name*, and for analyses the model, tokens and cost.

What is logged is chosen field by field, never the request or the response: no article
text, no key, no Authorization header can reach a log line (tests/api/test_logs.py).
"""

from __future__ import annotations

import logging
from typing import Any

import structlog
from fastapi import Request
from starlette.types import Scope

from api.metrics import route_label
from schemas.analysis import Analysis

ANALYSIS_STATE = "analysis_log"


def configure_logging(log_format: str, level: str) -> None:
    renderer: Any = (
        structlog.processors.JSONRenderer()
        if log_format == "json"
        else structlog.dev.ConsoleRenderer(colors=False)
    )
    structlog.configure(
        processors=[
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(
            logging.getLevelNamesMapping().get(level.upper(), logging.INFO)
        ),
        # A logger per call (not cached): it writes to the sys.stdout of the moment, which
        # is what a test capturing output sees.
        logger_factory=structlog.PrintLoggerFactory(),
        cache_logger_on_first_use=False,
    )


def note_analysis(request: Request, analysis: Analysis) -> None:
    """Add an analysis's model, tokens and cost to its request's log line (a batch sums)."""
    meta = analysis.meta
    noted: dict[str, Any] = getattr(request.state, ANALYSIS_STATE, None) or {
        "analyses": 0,
        "tokens": 0,
        "cost_usd": 0.0,
        "cache_hits": 0,
    }
    noted["model"] = meta.model
    noted["engine"] = meta.engine
    noted["analyses"] += 1
    if not meta.cache_hit:  # a hit repeats an earlier analysis's usage; it cost nothing now
        noted["tokens"] += meta.usage.total_tokens
        noted["cost_usd"] = round(noted["cost_usd"] + (meta.cost_usd or 0.0), 6)
    noted["cache_hits"] += int(meta.cache_hit)
    setattr(request.state, ANALYSIS_STATE, noted)


def ratelimit_headers(scope: Scope) -> list[tuple[bytes, bytes]]:
    """A key's RateLimit-* headers, sent along with its answer (api/middleware.py)."""
    limits = scope.get("state", {}).get("ratelimit_headers") or {}
    return [(k.lower().encode(), v.encode()) for k, v in limits.items()]


def log_request(scope: Scope, status: int, seconds: float) -> None:
    """One access line for an answered request (api/middleware.py)."""
    state = scope.get("state", {})
    fields: dict[str, Any] = {
        "request_id": state.get("request_id"),
        "method": scope.get("method"),
        "route": route_label(scope),
        "status": status,
        "latency_ms": round(seconds * 1000, 2),
        "key": state.get("key_name"),
        **(state.get(ANALYSIS_STATE) or {}),
    }
    log = structlog.get_logger("stancewire.access")
    if status >= 500:
        log.error("request", **fields)
    else:
        log.info("request", **fields)
