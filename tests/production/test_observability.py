"""JSON access logs without article text or keys, the metrics the issue lists, and /readyz
reporting storage, Redis and the engine."""

from __future__ import annotations

import json
import logging
import socket
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.config import Settings
from api.metrics import REGISTRY
from tests.production.conftest import MODEL, AppFactory, bearer, store_of

MARKER = "Quibbleton marmalade quorum 73519"


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def _access_lines(output: str) -> list[dict[str, Any]]:
    lines = [json.loads(line) for line in output.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "request"]


def test_logs_carry_key_names_and_usage_never_text_or_keys(
    make_app: AppFactory,
    seed_text: str,
    capsys: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    client = make_app(auth=True)
    headers = bearer(store_of(client), "cms-prod")
    key = headers["Authorization"].removeprefix("Bearer ")
    text = f"{seed_text}\n{MARKER} said the troops were sent."
    assert client.post("/v1/analyze", json={"text": text}, headers=headers).status_code == 200
    wrong = {"Authorization": f"Bearer {key}x"}
    assert client.post("/v1/analyze", json={"text": text}, headers=wrong).status_code == 401
    bad = client.post("/v1/analyze", json={"text": text, "tasks": [MARKER]}, headers=headers)
    assert bad.status_code == 422
    captured = capsys.readouterr()
    everything = captured.out + captured.err + caplog.text
    for secret in (MARKER, "Quibbleton", key, key[:20], "Putin vows trade"):
        assert secret not in everything
    lines = _access_lines(captured.out)
    assert [line["status"] for line in lines] == [200, 401, 422]
    done = lines[0]
    assert done["key"] == "cms-prod" and done["model"] == MODEL and done["tokens"] == 150
    assert done["route"] == "/v1/analyze" and done["latency_ms"] > 0 and done["request_id"]
    assert lines[1]["key"] is None  # a refused key has no name to log


def test_metrics_count_tokens_errors_and_in_flight(make_app: AppFactory, seed_text: str) -> None:
    client = make_app(cache_size=0)
    tokens = _sample("stancewire_model_tokens_total", model=MODEL, kind="prompt")
    errors = _sample("stancewire_errors_total", code="unsupported_media_type")
    client.post("/v1/analyze", json={"text": seed_text})
    client.post("/v1/analyze", content=b"x", headers={"content-type": "text/plain"})
    assert _sample("stancewire_model_tokens_total", model=MODEL, kind="prompt") == tokens + 100
    assert _sample("stancewire_errors_total", code="unsupported_media_type") == errors + 1
    page = client.get("/metrics").text
    for name in (
        "stancewire_http_requests_in_flight 1.0",  # the scrape itself
        "stancewire_engine_in_flight 0.0",
        "stancewire_analyses_total",
        "stancewire_model_retries_total",
        "stancewire_model_repairs_total",
        "stancewire_model_cost_usd_total",
    ):
        assert name in page


def test_readyz_reports_storage_and_engine(seed_text: str) -> None:
    with TestClient(create_app(Settings(_env_file=None))) as client:
        ready = client.get("/readyz")
    assert ready.status_code == 200, ready.json()
    body = ready.json()
    assert (body["storage"], body["storage_backend"]) == ("ok", "sqlite")
    assert body["engine"]["spacy"] == "loaded"
    assert body["engine"]["claim_model"].startswith("loaded")


def test_readyz_is_503_when_redis_is_down(make_app: AppFactory) -> None:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    client = make_app(redis_url=f"redis://127.0.0.1:{port}/0")
    response = client.get("/readyz")
    assert response.status_code == 503
    body = response.json()
    assert body["storage_backend"] == "redis" and body["storage"].startswith("error")
    assert body["rate_limits"].startswith("error")


def test_readyz_with_redis_up(make_app: AppFactory, redis_url: str) -> None:
    body = make_app(redis_url=redis_url).get("/readyz").json()
    assert (body["status"], body["storage"], body["rate_limits"]) == ("ok", "ok", "ok")
