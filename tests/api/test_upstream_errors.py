"""Upstream trouble through the REST API: real provider HTTP (respx) behind TestClient.

Each provider failure must come back as problem+json with the right status, a stable code,
the request id and, for limits and outages, Retry-After; never the model's raw answer.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx
from fastapi.testclient import TestClient

from api.app import create_app
from tests.llm.conftest import (
    OPENAI_KEY,
    OPENAI_URL,
    Reply,
    always,
    install_retry_clock,
    mock_provider,
    openai_error,
    openai_reply,
    openai_settings,
)

RAW_ANSWER = "Sure! Here is my analysis, CANARY-7f3a: the article is about"


@pytest.fixture
def provider(monkeypatch: pytest.MonkeyPatch) -> Iterator[respx.MockRouter]:
    install_retry_clock(monkeypatch)
    with mock_provider() as router:
        yield router


@pytest.fixture
def api() -> Iterator[TestClient]:
    settings = openai_settings(retry_attempts=2, repair_attempts=1)
    with TestClient(create_app(settings)) as client:
        yield client


def post_seed(api: TestClient, text: str) -> Any:
    return api.post("/v1/analyze", json={"text": text}, headers={"X-Request-ID": "req-upstream-1"})


def problem(response: Any, status: int, code: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert (body["status"], body["code"]) == (status, code)
    assert body["request_id"] == "req-upstream-1" == response.headers["x-request-id"]
    assert "Traceback" not in response.text and OPENAI_KEY not in response.text
    return body


@pytest.mark.parametrize(
    ("failure", "status", "code", "retry_after"),
    [
        pytest.param(
            openai_error(429, "slow down", retry_after="7"),
            429,
            "upstream_rate_limited",
            7,
            id="429",
        ),
        pytest.param(
            openai_error(503, "down", retry_after="12"), 503, "upstream_unavailable", 12, id="503"
        ),
        pytest.param(openai_error(500, "boom"), 503, "upstream_unavailable", 15, id="500"),
        pytest.param(httpx.ConnectError("refused"), 503, "upstream_unavailable", 15, id="connect"),
        pytest.param(openai_error(504, "gateway timeout"), 504, "upstream_timeout", 10, id="504"),
        pytest.param(httpx.ReadTimeout("slow"), 504, "upstream_timeout", 10, id="read-timeout"),
    ],
)
def test_provider_outage_is_problem_json_with_retry_after(
    provider: respx.MockRouter,
    api: TestClient,
    seed_text: str,
    failure: Reply,
    status: int,
    code: str,
    retry_after: int,
) -> None:
    route = provider.post(OPENAI_URL).mock(side_effect=always(failure))

    response = post_seed(api, seed_text)

    body = problem(response, status, code)
    assert response.headers["retry-after"] == str(retry_after)
    assert body["retry_after"] == retry_after
    assert route.call_count == 2  # retried once (retry_attempts=2), then given up


def test_rejected_credentials_are_502_without_retry_after(
    provider: respx.MockRouter, api: TestClient, seed_text: str
) -> None:
    route = provider.post(OPENAI_URL).mock(
        return_value=openai_error(401, f"Incorrect API key provided: {OPENAI_KEY}")
    )

    response = post_seed(api, seed_text)

    body = problem(response, 502, "upstream_auth")
    assert "retry-after" not in response.headers and "retry_after" not in body
    assert "STANCEWIRE_API_KEY" in body["detail"]
    assert route.call_count == 1


def test_unrepairable_output_is_502_without_the_raw_answer(
    provider: respx.MockRouter, api: TestClient, seed_text: str
) -> None:
    route = provider.post(OPENAI_URL).mock(return_value=openai_reply(RAW_ANSWER))

    response = post_seed(api, seed_text)

    body = problem(response, 502, "model_output_invalid")
    assert route.call_count == 2  # the first answer and one re-ask (repair_attempts=1)
    assert [e["attempt"] for e in body["errors"]] == [1, 2]
    assert all("not valid JSON" in e["message"] for e in body["errors"])
    assert "CANARY-7f3a" not in response.text and "Here is my analysis" not in response.text
    assert "retry-after" not in response.headers


def test_truncated_then_valid_answer_is_200(
    provider: respx.MockRouter, api: TestClient, seed_text: str, seed_contract: dict[str, Any]
) -> None:
    full = json.dumps(seed_contract)
    provider.post(OPENAI_URL).mock(
        side_effect=[
            openai_error(429, "slow", retry_after="1"),
            openai_reply(full[:400], finish_reason="length"),
            openai_reply(full),
        ]
    )

    response = post_seed(api, seed_text)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["meta"]["attempts"] == 2 and body["meta"]["usage"]["total_tokens"] == 300
    spans = [s for c in body["claims"] for s in c["evidence"]]
    assert spans and all(seed_text[s["start"] : s["end"]] == s["quote"] for s in spans)
