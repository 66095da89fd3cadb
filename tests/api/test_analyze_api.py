"""The REST API through TestClient: success, every bad-input status, problem+json bodies."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from tests.fakes import ScriptedClient


@pytest.fixture
def client(llm_settings: Settings, seed_contract: dict[str, Any]) -> Iterator[TestClient]:
    settings = llm_settings.model_copy(update={"max_body_bytes": 200_000, "max_text_chars": 50_000})
    analyzer = make_analyzer(settings, client=ScriptedClient(seed_contract))
    with TestClient(create_app(settings, analyzer)) as test_client:
        yield test_client


def _problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code and body["status"] == status
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


def test_analyze_returns_grounded_analysis(client: TestClient, seed_text: str) -> None:
    response = client.post("/v1/analyze", json={"text": seed_text})
    assert response.status_code == 200
    body = response.json()
    for claim in body["claims"]:
        for span in claim["evidence"]:
            assert seed_text[span["start"] : span["end"]] == span["quote"]
    assert body["meta"]["model"] == "openai/scripted" and body["meta"]["cache_hit"] is False


def test_second_identical_request_is_a_cache_hit(
    seed_contract: dict[str, Any], seed_text: str
) -> None:
    settings = Settings(default_model="openai/s", models=["openai/s"], _env_file=None)
    scripted = ScriptedClient(seed_contract)
    with TestClient(create_app(settings, make_analyzer(settings, client=scripted))) as api:
        first = api.post("/v1/analyze", json={"text": seed_text}).json()
        second = api.post("/v1/analyze", json={"text": seed_text}).json()
    assert len(scripted.requests) == 1
    assert second["meta"]["cache_hit"] is True and first["claims"] == second["claims"]


def test_request_id_is_echoed(client: TestClient, seed_text: str) -> None:
    response = client.post(
        "/v1/analyze", json={"text": seed_text}, headers={"X-Request-ID": "abc-1"}
    )
    assert response.headers["x-request-id"] == "abc-1"
    assert response.json()["meta"]["request_id"] == "abc-1"


def test_wrong_content_type_is_415(client: TestClient) -> None:
    response = client.post(
        "/v1/analyze", content=b"text=hi", headers={"Content-Type": "text/plain"}
    )
    _problem(response, 415, "unsupported_media_type")


def test_invalid_utf8_is_400(client: TestClient) -> None:
    body = b'{"text": "caf\xe9"}'
    response = client.post(
        "/v1/analyze", content=body, headers={"Content-Type": "application/json"}
    )
    _problem(response, 400, "invalid_encoding")


def test_invalid_json_is_400(client: TestClient) -> None:
    response = client.post(
        "/v1/analyze", content=b"{text:", headers={"Content-Type": "application/json"}
    )
    _problem(response, 400, "invalid_json")


@pytest.mark.parametrize("text", ["", "   \n\t "])
def test_empty_text_is_422(client: TestClient, text: str) -> None:
    body = _problem(client.post("/v1/analyze", json={"text": text}), 422, "validation_error")
    assert body["errors"][0]["loc"] == ["text"]


def test_unknown_field_and_task_are_422(client: TestClient) -> None:
    _problem(client.post("/v1/analyze", json={"text": "a", "foo": 1}), 422, "validation_error")
    _problem(
        client.post("/v1/analyze", json={"text": "a", "tasks": ["x"]}), 422, "validation_error"
    )


def test_unknown_model_is_422_and_lists_the_allowed(client: TestClient) -> None:
    body = _problem(
        client.post("/v1/analyze", json={"text": "Hi.", "model": "openai/gpt-9"}),
        422,
        "unknown_model",
    )
    assert "openai/scripted" in body["detail"]


def test_five_megabyte_body_is_413(client: TestClient) -> None:
    body = b'{"text": "' + b"a" * 5_000_000 + b'"}'
    response = client.post(
        "/v1/analyze", content=body, headers={"Content-Type": "application/json"}
    )
    _problem(response, 413, "payload_too_large")


def test_oversized_streamed_body_without_length_is_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"text": "'
        for _ in range(100):
            yield b"a" * 10_000
        yield b'"}'

    response = client.post(
        "/v1/analyze", content=chunks(), headers={"Content-Type": "application/json"}
    )
    _problem(response, 413, "payload_too_large")


def test_text_over_the_character_limit_is_413(client: TestClient) -> None:
    body = _problem(
        client.post("/v1/analyze", json={"text": "word " * 20_000}), 413, "text_too_long"
    )
    assert "50,000" in body["detail"]


def test_only_a_credit_line_is_422(client: TestClient) -> None:
    _problem(
        client.post("/v1/analyze", json={"text": "Contributing: Reuters"}),
        422,
        "nothing_to_analyse",
    )


def test_unknown_route_is_problem_json(client: TestClient) -> None:
    _problem(client.get("/v1/nope"), 404, "not_found")


def test_batch_answers_each_item(client: TestClient, seed_text: str) -> None:
    response = client.post(
        "/v1/analyze/batch",
        json={"items": [{"text": seed_text}, {"text": "Hi.", "model": "openai/gpt-9"}]},
    )
    items = response.json()["items"]
    assert items[0]["ok"] is True and items[0]["analysis"]["claims"]
    assert items[1] == {
        "ok": False,
        "problem": {
            "type": "https://stancewire.dev/problems/unknown_model",
            "status": 422,
            "code": "unknown_model",
            "title": "Model not configured",
            "detail": items[1]["problem"]["detail"],
            "request_id": response.headers["x-request-id"] + "-1",
        },
    }


def test_models_health_and_schemas(client: TestClient) -> None:
    models = client.get("/v1/models").json()
    assert models["default"] == "openai/scripted"
    assert models["limits"]["max_text_chars"] == 50_000
    assert client.get("/healthz").json() == {"status": "ok"}
    assert client.get("/readyz").status_code == 200
    contract = client.get("/v1/schemas/contract").json()
    assert "stances" in contract["schema"]["properties"]
    _problem(client.get("/v1/schemas/nope"), 400, "bad_request")


def test_openapi_documents_the_seed_example_and_problems(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    operation = spec["paths"]["/v1/analyze"]["post"]
    example = operation["requestBody"]["content"]["application/json"]["example"]
    assert example["text"].startswith("Putin vows trade")
    assert {"413", "415", "422", "429", "502", "503"} <= set(operation["responses"])


def test_metrics_count_requests_by_route(client: TestClient, seed_text: str) -> None:
    client.post("/v1/analyze", json={"text": seed_text})
    client.post("/v1/analyze", json={"text": ""})
    body = client.get("/metrics").text
    assert 'stancewire_http_requests_total{route="/v1/analyze",status="200"}' in body
    assert 'stancewire_http_requests_total{route="/v1/analyze",status="422"}' in body
    assert (
        'stancewire_analyses_total{cache_hit="False",engine="llm",model="openai/scripted"}' in body
    )


def test_default_configuration_serves_the_builtin_engine(seed_text: str) -> None:
    settings = Settings(_env_file=None)
    with TestClient(create_app(settings)) as api:
        body = api.post("/v1/analyze", json={"text": seed_text}).json()
        page = api.get("/")
    assert body["meta"]["engine"] == "builtin" and body["meta"]["attempts"] == 0
    names = {a["name"] for a in body["actors"]}
    assert "Kim Hong-Kyun" in names and "Reuters" not in names
    assert page.status_code == 200 and "<textarea" in page.text


def test_a_batch_item_and_a_request_failing_alike_get_the_same_problem(
    client: TestClient,
) -> None:
    """One error path: a batch item's problem has every field a request's problem has."""
    bad = {"text": "A meteor shower lit up the sky.", "model": "openai/not-configured"}
    alone = client.post("/v1/analyze", json=bad, headers={"X-Request-ID": "alone"}).json()
    batch = client.post(
        "/v1/analyze/batch", json={"items": [bad]}, headers={"X-Request-ID": "batch"}
    ).json()
    item = batch["items"][0]["problem"]
    assert (alone["code"], alone["request_id"], item["request_id"]) == (
        "unknown_model",
        "alone",
        "batch-0",
    )
    assert {k: v for k, v in alone.items() if k != "request_id"} == {
        k: v for k, v in item.items() if k != "request_id"
    }


def test_the_stored_copy_is_the_answer_byte_for_byte(client: TestClient, seed_text: str) -> None:
    """One serialisation serves the response and the stored copy (issue 18: it was two)."""
    answered = client.post("/v1/analyze", json={"text": seed_text})
    stored = client.get(f"/v1/analyses/{answered.json()['id']}")
    assert stored.status_code == 200
    assert stored.content == answered.content
