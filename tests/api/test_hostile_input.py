"""Input that used to crash the service (issue 14, defect 2): each case was a 500 before.

A lone surrogate in claims/actors/title failed in the cache key's .encode(), and in a batch
took every item down with it; 10,000 nesting levels raised RecursionError in the JSON
parser; a 5,000-digit integer raised ValueError. Each is now a typed 4xx problem."""

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.json_body import MAX_DEPTH
from tests.fakes import ScriptedClient

JSON = {"Content-Type": "application/json"}
ARTICLE = '"The mayor said the bridge would reopen. Engineers disagreed."'


@pytest.fixture
def api(llm_settings: Settings, seed_contract: dict[str, Any]) -> Iterator[TestClient]:
    analyzer = make_analyzer(llm_settings, client=ScriptedClient(seed_contract))
    with TestClient(create_app(llm_settings, analyzer), raise_server_exceptions=False) as client:
        yield client


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["request_id"] == response.headers["x-request-id"]
    return body


@pytest.mark.parametrize(
    ("field", "raw", "loc"),
    [
        ("claims", b'"claims": ["\\ud800"]', ["claims"]),
        ("actors", b'"actors": ["Mayor \\udfff"]', ["actors"]),
        ("title", b'"title": "Bridge \\ud800"', ["title"]),
        ("text", b'"text": "Bridge \\ud800 reopens."', ["text"]),
    ],
)
def test_lone_surrogate_is_422_where_it_enters(
    api: TestClient, field: str, raw: bytes, loc: list[str]
) -> None:
    body = raw if field == "text" else b'"text": ' + ARTICLE.encode() + b", " + raw
    response = api.post("/v1/analyze", content=b"{" + body + b"}", headers=JSON)
    problem = _problem(response, 422, "validation_error")
    assert [e["loc"] for e in problem["errors"]] == [loc]


def test_surrogate_pair_escapes_are_ordinary_text(api: TestClient, seed_text: str) -> None:
    # json.dumps escapes an emoji as a surrogate pair: that is valid text, not a lone surrogate.
    body = json.dumps({"text": seed_text, "actors": ["Kremlin \U0001f309"]}).encode()
    assert b"\\ud83c\\udf09" in body
    response = api.post("/v1/analyze", content=body, headers=JSON)
    assert response.status_code == 200, response.text
    assert "Kremlin \U0001f309" in response.json()["warnings"][0]["message"]


def test_in_a_batch_only_the_item_with_a_surrogate_fails(api: TestClient, seed_text: str) -> None:
    good = '{"text": ' + json.dumps(seed_text) + "}"
    bad = '{"text": "Bridge reopens.", "claims": ["\\ud800"]}'
    body = '{"items": [' + good + ", " + bad + ", " + good + "]}"
    response = api.post("/v1/analyze/batch", content=body.encode(), headers=JSON)
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert [item["ok"] for item in items] == [True, False, True]
    problem = items[1]["problem"]
    assert (problem["status"], problem["code"]) == (422, "validation_error")
    assert problem["errors"][0]["loc"] == ["claims"]
    assert problem["request_id"] == response.headers["x-request-id"] + "-1"


def test_batch_item_that_is_not_an_object_fails_alone(api: TestClient, seed_text: str) -> None:
    response = api.post("/v1/analyze/batch", json={"items": [{"text": seed_text}, 7]})
    assert [item["ok"] for item in response.json()["items"]] == [True, False]


def test_batch_envelope_errors_still_fail_the_request(api: TestClient) -> None:
    _problem(api.post("/v1/analyze/batch", json={"items": []}), 422, "validation_error")
    _problem(api.post("/v1/analyze/batch", json={"items": [{}] * 51}), 422, "validation_error")


def test_unknown_field_named_with_a_surrogate_is_422(api: TestClient) -> None:
    body = b'{"text": ' + ARTICLE.encode() + b', "\\ud800": 1}'
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 422, "validation_error")


@pytest.mark.parametrize("path", ["/v1/analyze", "/v1/analyze/batch"])
def test_json_nested_10000_levels_is_400(api: TestClient, path: str) -> None:
    body = b"[" * 10_000 + b"]" * 10_000
    problem = _problem(api.post(path, content=body, headers=JSON), 400, "json_limit_exceeded")
    assert str(MAX_DEPTH) in problem["detail"]


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 900])
def test_nesting_past_the_limit_is_400(api: TestClient, depth: int) -> None:
    body = b'{"text": ' + b"[" * (depth - 1) + b"]" * (depth - 1) + b"}"
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 400, "json_limit_exceeded")


def test_nesting_at_the_limit_is_parsed(api: TestClient) -> None:
    body = b'{"text": ' + b"[" * (MAX_DEPTH - 1) + b"]" * (MAX_DEPTH - 1) + b"}"
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 422, "validation_error")


def test_integer_with_5000_digits_is_400(api: TestClient) -> None:
    body = b'{"text": ' + ARTICLE.encode() + b', "claims": ' + b"1" * 5000 + b"}"
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 400, "json_limit_exceeded")


@pytest.mark.parametrize("literal", [b"1" + b"0" * 5000 + b".5", b"1e" + b"9" * 5000])
def test_long_float_literals_parse_and_fail_validation(api: TestClient, literal: bytes) -> None:
    body = b'{"text": ' + literal + b"}"
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 422, "validation_error")


@pytest.mark.parametrize("constant", [b"NaN", b"Infinity", b"-Infinity"])
def test_non_json_constants_are_400(api: TestClient, constant: bytes) -> None:
    body = b'{"text": ' + ARTICLE.encode() + b', "claims": ' + constant + b"}"
    _problem(api.post("/v1/analyze", content=body, headers=JSON), 400, "invalid_json")
