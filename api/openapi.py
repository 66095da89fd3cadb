"""The OpenAPI document, corrected where FastAPI's generator cannot know better:

- errors are served as application/problem+json (RFC 9457), so they are declared so, with
  the Problem schema (FastAPI declares them application/json, and its own 422 schema);
- request bodies are read by hand (api/routes/deps.py, for typed 400/413/415 errors) and
  documented with `openapi_extra`; their pydantic schemas carry `#/$defs/…` references that
  do not resolve inside an OpenAPI document, so the definitions move to components/schemas;
- operation ids are the route functions' names (`analyze`, `analyze_batch`, …), not
  FastAPI's generated `analyze_v1_analyze_post`.
"""

from __future__ import annotations

import copy
from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.routing import APIRoute

PROBLEM_MEDIA_TYPE = "application/problem+json"
_COMPONENTS = "#/components/schemas/"
_PROBLEM_CONTENT = {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": _COMPONENTS + "Problem"}}}


def operation_id(route: APIRoute) -> str:
    """`generate_unique_id_function` for the app: the route function's name."""
    return route.name


def install_openapi(app: FastAPI) -> None:
    """Replace app.openapi with the corrected document (built once, then cached)."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = get_openapi(
                title=app.title,
                version=app.version,
                description=app.description,
                routes=app.routes,
            )
            app.openapi_schema = corrected(document)
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def corrected(document: dict[str, Any]) -> dict[str, Any]:
    schemas: dict[str, Any] = document.setdefault("components", {}).setdefault("schemas", {})
    for operation in _operations(document):
        _declare_problems(operation)
        body = operation.get("requestBody", {}).get("content", {}).get("application/json")
        if body is not None:
            body["schema"] = _as_component(body["schema"], schemas)
    for unused in ("HTTPValidationError", "ValidationError"):
        schemas.pop(unused, None)
    return document


def _operations(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [op for path in document.get("paths", {}).values() for op in path.values()]


def _declare_problems(operation: dict[str, Any]) -> None:
    for status, response in operation.get("responses", {}).items():
        if status.isdigit() and int(status) >= 400:
            response["content"] = copy.deepcopy(_PROBLEM_CONTENT)


def _as_component(schema: dict[str, Any], schemas: dict[str, Any]) -> dict[str, Any]:
    """Move a body schema and its $defs into components; return a reference to it."""
    schema = _rewrite_refs(dict(schema))
    for name, definition in schema.pop("$defs", {}).items():
        schemas.setdefault(name, definition)
    name = schema.get("title")
    if not name:
        return schema
    schemas.setdefault(name, schema)
    return {"$ref": _COMPONENTS + name}


def _rewrite_refs(node: Any) -> Any:
    if isinstance(node, dict):
        return {
            key: value.replace("#/$defs/", _COMPONENTS)
            if key == "$ref" and isinstance(value, str)
            else _rewrite_refs(value)
            for key, value in node.items()
        }
    if isinstance(node, list):
        return [_rewrite_refs(item) for item in node]
    return node
