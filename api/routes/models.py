"""GET /v1/models and the JSON schemas of the contract and the API."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel

from api.errors import BadRequest
from api.routes.deps import AnalyzerDep
from schemas import SCHEMA_VERSION
from schemas.analysis import Analysis
from schemas.llm import AnalysisContract
from schemas.request import MAX_CALLER_CLAIMS, AnalyzeRequest

router = APIRouter(prefix="/v1", tags=["models"])

SCHEMAS: dict[str, type[BaseModel]] = {
    "contract": AnalysisContract,
    "analysis": Analysis,
    "request": AnalyzeRequest,
}


@router.get("/models", summary="Models callers may choose")
async def list_models(analyzer: AnalyzerDep) -> dict[str, Any]:
    return {
        "default": analyzer.settings.default_model,
        # The demo page shows its key field up front when keys are on (this route stays open).
        "auth_required": analyzer.settings.auth_enabled,
        "models": [{"id": m.id, "engine": m.engine, "label": m.label} for m in analyzer.models()],
        "limits": {
            "max_text_chars": analyzer.settings.max_text_chars,
            "max_long_text_chars": analyzer.text_limit(long_form=True),  # jobs, streams, CLI
            "max_body_bytes": analyzer.settings.max_body_bytes,
            "max_claims": MAX_CALLER_CLAIMS,
        },
    }


@router.get("/schemas/{name}", summary="JSON schema of the contract, the analysis or the request")
async def get_schema(name: str) -> dict[str, Any]:
    if name not in SCHEMAS:
        raise BadRequest(f"Unknown schema {name!r}; choose one of {', '.join(SCHEMAS)}.")
    return {"version": SCHEMA_VERSION, "schema": SCHEMAS[name].model_json_schema()}
