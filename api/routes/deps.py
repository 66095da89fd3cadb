"""Shared dependencies: the settings, the analyzer, and a strict JSON body reader."""

from __future__ import annotations

from typing import Annotated, Any, NamedTuple, TypeVar

from fastapi import Depends, Request
from pydantic import BaseModel

from api.config import Settings
from api.errors import UnsupportedMediaType
from api.http import check_declared_length
from api.json_body import parse_json_body
from api.pipeline.analyze import Analyzer
from api.ratelimit import KeyLimiter
from api.storage import Store
from api.validation import validate_as
from schemas.errors import Problem

Model = TypeVar("Model", bound=BaseModel)


# The app's shared objects: `async def`, so FastAPI calls them in place. As plain `def`
# they were each run in its thread pool: four thread hops per request for an attribute
# read (issue 18).
async def get_settings_dep(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_analyzer(request: Request) -> Analyzer:
    analyzer: Analyzer = request.app.state.analyzer
    return analyzer


async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_limiter(request: Request) -> KeyLimiter:
    limiter: KeyLimiter = request.app.state.limiter
    return limiter


class Shared(NamedTuple):
    """The app's shared objects, read straight from its state by the hottest route
    (/v1/analyze): each dependency FastAPI resolves costs ~20 us a request (issue 18)."""

    settings: Settings
    analyzer: Analyzer
    store: Store
    limiter: KeyLimiter


def shared(request: Request) -> Shared:
    state = request.app.state
    return Shared(state.settings, state.analyzer, state.store, state.limiter)


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


def problem_responses(descriptions: dict[int, str]) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses` for a route: each status documented as a problem+json body."""
    return {
        status: {"model": Problem, "description": description}
        for status, description in descriptions.items()
    }
