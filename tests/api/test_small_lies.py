"""Issue 14, defect 8: what the service reports about itself must be true.

Before: a cache hit carried the first request's id in its body (the header had the new one);
batch analyses were missing from stancewire_analyses_total; demo-page files were counted
under route="unmatched"."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.compose import make_analyzer
from api.config import Settings
from api.metrics import REGISTRY
from tests.fakes import ScriptedClient

MODEL = "openai/scripted"


@pytest.fixture
def api(seed_contract: dict[str, Any]) -> Iterator[TestClient]:
    settings = Settings(default_model=MODEL, models=[MODEL], cache_size=16, _env_file=None)
    analyzer = make_analyzer(settings, client=ScriptedClient(seed_contract))
    with TestClient(create_app(settings, analyzer)) as client:
        yield client


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_cache_hit_body_carries_this_requests_id(api: TestClient, seed_text: str) -> None:
    first = api.post("/v1/analyze", json={"text": seed_text}, headers={"X-Request-ID": "first"})
    second = api.post("/v1/analyze", json={"text": seed_text}, headers={"X-Request-ID": "again"})
    assert first.json()["meta"]["request_id"] == "first"
    assert second.json()["meta"]["cache_hit"] is True
    assert second.headers["x-request-id"] == "again" == second.json()["meta"]["request_id"]


def test_batch_analyses_are_counted(api: TestClient, seed_text: str) -> None:
    labels = {"engine": "llm", "model": MODEL}
    misses = _sample("stancewire_analyses_total", **labels, cache_hit="False")
    hits = _sample("stancewire_analyses_total", **labels, cache_hit="True")
    items = [{"text": seed_text}, {"text": seed_text, "language": "en"}, {"text": seed_text[:50]}]
    response = api.post("/v1/analyze/batch", json={"items": items})
    assert [item["ok"] for item in response.json()["items"]] == [True, True, False]
    counted = _sample("stancewire_analyses_total", **labels, cache_hit="False") - misses
    assert counted == 2  # the failed item (the model's answer does not fit it) is no analysis
    api.post("/v1/analyze/batch", json={"items": items[:1]})
    assert _sample("stancewire_analyses_total", **labels, cache_hit="True") - hits == 1


@pytest.mark.parametrize("path", ["/", "/app.js", "/style.css"])
def test_demo_page_files_have_their_own_route_label(api: TestClient, path: str) -> None:
    before = _sample("stancewire_http_requests_total", route="/{path}", status="200")
    unmatched = _sample("stancewire_http_requests_total", route="unmatched", status="200")
    assert api.get(path).status_code == 200
    assert _sample("stancewire_http_requests_total", route="/{path}", status="200") == before + 1
    assert _sample("stancewire_http_requests_total", route="unmatched", status="200") == unmatched
