"""Shared dependencies: the settings, the analyzer, and a strict JSON body reader."""

from __future__ import annotations

import json
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel, ValidationError

from api.config import Settings
from api.errors import InvalidEncoding, InvalidJson, RequestValidationFailed, UnsupportedMediaType
from api.http import check_declared_length
from api.pipeline.analyze import Analyzer

Model = TypeVar("Model", bound=BaseModel)


def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]
AnalyzerDep = Annotated[Analyzer, Depends(get_analyzer)]


async def read_json_body(request: Request, model: type[Model], settings: Settings) -> Model:
    """Content type, size, UTF-8, JSON, schema: each failure its own status and code."""
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type != "application/json":
        raise UnsupportedMediaType(
            f"Send the article as JSON with Content-Type: application/json (got {media_type!r})."
        )
    check_declared_length(request, settings.max_body_bytes)
    raw = await request.body()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InvalidEncoding(f"The body is not valid UTF-8 (byte {exc.start}).") from exc
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidJson(f"The body is not valid JSON: {exc.msg} at position {exc.pos}.") from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        errors = [
            {"loc": [str(p) for p in e["loc"]], "msg": e["msg"], "type": e["type"]}
            for e in exc.errors()
        ]
        raise RequestValidationFailed(
            "Some fields are missing or invalid; see errors.", errors
        ) from exc
