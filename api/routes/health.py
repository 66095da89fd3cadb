"""Liveness and readiness."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from api.routes.deps import AnalyzerDep

router = APIRouter(tags=["health"])


@router.get("/healthz", summary="The process is up")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get("/readyz", summary="Ready to analyse: engines and local models")
async def readyz(analyzer: AnalyzerDep) -> JSONResponse:
    checks: dict[str, Any] = {"default_model": analyzer.settings.default_model}
    local = analyzer.local_model_status()
    if local:
        checks["local_models"] = local
    failed = any(str(state).startswith("error") for state in local.values())
    return JSONResponse(
        {"status": "error" if failed else "ok", **checks}, status_code=503 if failed else 200
    )
