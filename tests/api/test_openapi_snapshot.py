"""The contract's part of the OpenAPI document, against a committed snapshot (issue 11).

Any change to what /v1/analyze returns shows up here as a diff of
tests/data/openapi_contract.json. After an intended change, regenerate it:

    STANCEWIRE_UPDATE_SNAPSHOT=1 .venv/bin/pytest -q tests/api/test_openapi_snapshot.py
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings

SNAPSHOT = Path(__file__).resolve().parents[1] / "data" / "openapi_contract.json"


def _reachable(schemas: dict[str, Any], root: str) -> dict[str, Any]:
    """The component `root` and every component it refers to."""
    found: dict[str, Any] = {}
    todo = [root]
    while todo:
        name = todo.pop()
        if name in found:
            continue
        found[name] = schemas[name]
        text = json.dumps(schemas[name])
        todo += [ref.split("/")[-1] for ref in _refs(text)]
    return dict(sorted(found.items()))


def _refs(text: str) -> list[str]:
    return [part.split('"')[0] for part in text.split('"$ref": "')[1:]]


@pytest.fixture(scope="module")
def contract_part() -> dict[str, Any]:
    with TestClient(create_app(Settings(_env_file=None))) as client:
        document = client.get("/openapi.json").json()
    return _reachable(document["components"]["schemas"], "Analysis")


def test_the_analysis_schema_matches_the_snapshot(contract_part: dict[str, Any]) -> None:
    rendered = json.dumps(contract_part, indent=2, ensure_ascii=False) + "\n"
    if os.environ.get("STANCEWIRE_UPDATE_SNAPSHOT"):
        SNAPSHOT.write_text(rendered, encoding="utf-8")
    assert rendered == SNAPSHOT.read_text(encoding="utf-8"), (
        "the response contract changed; if intended, regenerate the snapshot (see docstring)"
    )


def test_v2_fields_are_documented_and_required(contract_part: dict[str, Any]) -> None:
    expected = {
        "Analysis": {"id", "text_source"},
        "EvidenceSpan": {"speech_act", "start_utf16", "end_utf16"},
        "Sentence": {"start_utf16", "end_utf16"},
        "Claim": {"confidence"},
        "Stance": {"confidence", "target_actor"},
    }
    for name, fields in expected.items():
        schema = contract_part[name]
        assert fields <= set(schema["required"]), name
        for field in fields:
            assert schema["properties"][field].get("description"), (name, field)
    assert "place" in contract_part["Actor"]["properties"]["kind"]["enum"]


def test_every_field_of_the_contract_is_described(contract_part: dict[str, Any]) -> None:
    undescribed = [
        f"{name}.{field}"
        for name, schema in contract_part.items()
        for field, prop in schema.get("properties", {}).items()
        if not prop.get("description")
    ]
    assert undescribed == []
