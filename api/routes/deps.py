"""Shared dependencies: the settings, the analyzer, and a strict JSON body reader."""

from __future__ import annotations

from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from api.config import Settings
from api.errors import RequestValidationFailed, UnsupportedMediaType
from api.http import check_declared_length
from api.json_body import parse_json_body
from api.pipeline.analyze import Analyzer
from api.ratelimit import KeyLimiter
from api.storage import Store

Model = TypeVar("Model", bound=BaseModel)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def get_limiter(request: Request) -> KeyLimiter:
    limiter: KeyLimiter = request.app.state.limiter
    return limiter


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
AnalyzerDep = Annotated[Analyzer, Depends(get_analyzer)]
StoreDep = Annotated[Store, Depends(get_store)]
LimiterDep = Annotated[KeyLimiter, Depends(get_limiter)]


async def read_json_body(request: Request, model: type[Model], settings: Settings) -> Model:
    """Content type, size, UTF-8, JSON, schema: each failure its own status and code."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(
            f"Send the article as JSON with Content-Type: application/json (got {media_type!r})."
        )
    check_declared_length(request, settings.max_body_bytes)
    return validate_as(model, parse_json_body(await request.body()))


def validate_as(model: type[Model], data: Any) -> Model:
    """Validate parsed JSON; failures are one 422 with the per-field errors."""
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": [_printable(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise RequestValidationFailed(
            "Some fields are missing or invalid; see errors.", errors
        ) from exc


def _printable(part: object) -> str:
    # A field name in the body may hold a lone surrogate; the problem body must still encode.
    return str(part).encode("utf-8", "backslashreplace").decode("utf-8")
