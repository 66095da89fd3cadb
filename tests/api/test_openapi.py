"""The OpenAPI document (issue 14, defect 7): valid for a maintained validator, every
reference resolvable from the document root, errors declared as problem+json, the batch
response typed, operation ids named."""

from typing import Any

import pytest
from fastapi.testclient import TestClient
from openapi_spec_validator import validate

from api.app import create_app
from api.config import Settings


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    with TestClient(create_app(Settings(_env_file=None))) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200
    body: dict[str, Any] = response.json()
    return body


def _refs(node: Any) -> list[str]:
    if isinstance(node, dict):
        own = [node["$ref"]] if isinstance(node.get("$ref"), str) else []
        return own + [ref for value in node.values() for ref in _refs(value)]
    if isinstance(node, list):
        return [ref for item in node for ref in _refs(item)]
    return []


def _resolve(document: dict[str, Any], ref: str) -> Any:
    assert ref.startswith("#/"), ref
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        assert isinstance(node, dict) and part in node, f"{ref} does not resolve"
        node = node[part]
    return node


def test_document_passes_the_openapi_validator(document: dict[str, Any]) -> None:
    validate(document)


def test_every_reference_resolves_from_the_document_root(document: dict[str, Any]) -> None:
    refs = _refs(document)
    assert "#/components/schemas/AnalyzeRequest" in refs
    for ref in refs:
        _resolve(document, ref)


def _operations(document: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {op["operationId"]: op for path in document["paths"].values() for op in path.values()}


def test_errors_are_declared_as_problem_json(document: dict[str, Any]) -> None:
    errors = [
        (name, status, response)
        for name, op in _operations(document).items()
        for status, response in op["responses"].items()
        if int(status) >= 400
    ]
    assert len(errors) > 10
    for name, status, response in errors:
        assert list(response["content"]) == ["application/problem+json"], (name, status)
        schema = response["content"]["application/problem+json"]["schema"]
        assert schema == {"$ref": "#/components/schemas/Problem"}


def test_batch_response_is_typed(document: dict[str, Any]) -> None:
    batch = _operations(document)["analyze_batch"]
    schema = batch["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/BatchResponse"}
    items = _resolve(document, schema["$ref"])["properties"]["items"]["items"]
    assert {one["$ref"] for one in items["anyOf"]} == {
        "#/components/schemas/BatchAnalysis",
        "#/components/schemas/BatchProblem",
    }


def test_operation_ids_are_named(document: dict[str, Any]) -> None:
    assert set(_operations(document)) == {
        "analyze",
        "analyze_batch",
        "compare_articles",
        "extract",
        "list_models",
        "get_schema",
        "healthz",
        "readyz",
        "get_analysis",
        "delete_analysis",
        "post_feedback",
        "list_feedback",
        "create_job",
        "job_status",
        "cancel_job",
        "job_results",
    }
