"""Shared dependencies: the settings, the analyzer, and a strict JSON body reader."""

from __future__ import annotations

from typing import Annotated, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel

from api.config import Settings
from api.errors import UnsupportedMediaType
from api.http import check_declared_length
from api.json_body import parse_json_body
from api.json_body import validate_as as validate_as  # moved: api/jobs uses it too
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
    return validate_as(model, parse_json_body(await request.body()))
