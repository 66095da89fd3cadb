"""Liveness and readiness."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.ratelimit import KeyLimiter
from api.routes.deps import AnalyzerDep, LimiterDep, StoreDep
from api.storage import Store

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    summary="Ready to analyse: storage, Redis, engines (spaCy, the claim model), local models",
)
async def readyz(analyzer: AnalyzerDep, store: StoreDep, limiter: LimiterDep) -> JSONResponse:
    checks: dict[str, Any] = {"default_model": analyzer.settings.default_model}
    checks |= await asyncio.to_thread(_backends, store, limiter)
    if analyzer.engine_status:
        checks["engine"] = dict(analyzer.engine_status)
    local = analyzer.local_model_status()
    if local:
        checks["local_models"] = local
    states = [checks["storage"], checks.get("rate_limits", "ok")]
    states += [*checks.get("engine", {}).values(), *local.values()]
    failed = any(str(state).startswith("error") for state in states)
    return JSONResponse(
        {"status": "error" if failed else "ok", **checks}, status_code=503 if failed else 200
    )


def _backends(store: Store, limiter: KeyLimiter) -> dict[str, str]:
    """Storage (SQLite or Redis) answers; so does the rate limits' Redis when there is one."""
    checks: dict[str, str] = {"storage_backend": store.kind}
    try:
        store.ping()
        checks["storage"] = "ok"
    except Exception as exc:  # any failure of the backend means: not ready
        checks["storage"] = f"error: {type(exc).__name__}: {exc}"
    if limiter.settings.redis_url:
        checks["rate_limits"] = "ok" if limiter.storage.check() else "error: Redis did not answer"
    return checks
